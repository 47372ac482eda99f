import type { Logger } from "pino";
import type { Models } from "../models/index.js";
import { recordAudit } from "../events/audit-log.js";
import type { ApiBudget } from "./budget.js";
import type { Counts } from "./context.js";
import { RECONCILE_ACTOR } from "./installation-drift.js";

/** What one run did, in counts only: the log line and the audit event. */
export interface ReconcileSummary {
  /** Deliveries GitHub was asked to send again (and why, in `phases.deliveries`). */
  redelivered: number;
  /** Repairs by kind: installations created, deleted, suspended, unsuspended, renamed; repos whose reachability changed. */
  repaired: {
    created: number;
    deleted: number;
    suspended: number;
    unsuspended: number;
    renamed: number;
    repoAccess: number;
  };
  /** Installations compared with GitHub and found as stored. */
  unchanged: number;
  /** GitHub requests made: App JWT (token mints counted as made) and installation tokens. Retries not counted. */
  apiCalls: { app: number; installation: number };
  /** Phases (and extra steps) stopped by their budget or the clock before finishing: the next run goes on. */
  incomplete: number;
  /** Every phase's and extra step's own counts. */
  phases: Record<string, Counts>;
}

export function summarize(phases: Record<string, Counts>, incomplete: number, budget: ApiBudget): ReconcileSummary {
  const installations = phases.installations ?? {};
  const n = (counts: Counts | undefined, key: string) => counts?.[key] ?? 0;
  return {
    redelivered: n(phases.deliveries, "redelivered"),
    repaired: {
      created: n(installations, "created"),
      deleted: n(installations, "deleted"),
      suspended: n(installations, "suspended"),
      unsuspended: n(installations, "unsuspended"),
      renamed: n(installations, "renamed"),
      repoAccess: n(phases.repoAccess, "reposChanged"),
    },
    unchanged: n(installations, "unchanged"),
    apiCalls: { app: budget.app, installation: budget.installation },
    incomplete,
    phases,
  };
}

/** One log line and one audit event (no organization, actor "reconcile", counts only). */
export async function recordSummary(
  models: Models,
  at: Date,
  log: Logger,
  outcome: "completed" | "failed",
  summary: ReconcileSummary,
): Promise<void> {
  const { phases, ...totals } = summary;
  log[outcome === "completed" ? "info" : "error"]({ outcome, ...totals, phases }, `reconcile run ${outcome}`);
  await recordAudit(models, at, {
    organizationId: null,
    actor: RECONCILE_ACTOR,
    action: `reconcile.${outcome}`,
    details: { ...totals, phases },
  });
}
