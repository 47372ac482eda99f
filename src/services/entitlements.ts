import type { AppConfig } from "../config/env.js";
import type { Models } from "../models/index.js";

/** Whether an organization may have one more repository, and if not why, and where to upgrade. */
export type RepoAllowance = { allowed: true } | { allowed: false; reason: string; upgradeUrl: string | null };

export interface Entitlements {
  mayCreateRepo(organizationId: string, at: Date): Promise<RepoAllowance>;
}

/**
 * A placeholder that allows every repository: the plan-based implementation (rule 10, the
 * Marketplace plan in force at `at`) replaces this body and keeps the signature.
 */
export function createEntitlements(deps: { models: Models; config: AppConfig }): Entitlements {
  void deps;
  return {
    async mayCreateRepo() {
      return { allowed: true };
    },
  };
}
