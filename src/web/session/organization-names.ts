import type { WorkOS } from "@workos-inc/node";
import type { Logger } from "pino";
import { messageOf, statusOf } from "../../lib/error-details.js";
import { createCachedLookup } from "../../lib/cached-lookup.js";

export interface OrganizationNames {
  /** The organization's name as its people know it; null when it is not known (yet), and pages show the id. */
  nameOf(organizationId: string): Promise<string | null>;
}

const NAME_TTL_MS = 10 * 60_000;
const RETRY_AFTER_MS = 60_000;
const FIRST_WAIT_MS = 1_500;
const MAX_ORGANIZATIONS = 1_000;

/** Development sign-in has no directory: the id the person typed is all there is. */
export const noOrganizationNames: OrganizationNames = { nameOf: async () => null };

/** Names from WorkOS (`GET /organizations/{id}`), cached per organization. */
export function createWorkOSOrganizationNames(deps: {
  workos: WorkOS;
  now: () => Date;
  log: Logger;
}): OrganizationNames {
  const lookup = createCachedLookup<string | null>({
    now: deps.now,
    ttlMs: NAME_TTL_MS,
    retryAfterMs: RETRY_AFTER_MS,
    waitMs: FIRST_WAIT_MS,
    maxEntries: MAX_ORGANIZATIONS,
    async load(organizationId) {
      const organization = await deps.workos.organizations.getOrganization(organizationId);
      const name = typeof organization.name === "string" ? organization.name.trim().slice(0, 200) : "";
      return name || null;
    },
    onError(organizationId, error) {
      const status = statusOf(error);
      deps.log.warn(
        { organizationId, workosStatus: status },
        `could not read the organization's name from WorkOS (${status ? `status ${status}` : messageOf(error)}); pages show its id for now`,
      );
    },
  });
  return { nameOf: async (organizationId) => (await lookup.get(organizationId)) ?? null };
}
