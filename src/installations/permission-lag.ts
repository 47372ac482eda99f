import type { Models } from "../models/index.js";
import type { GitHubInstallationDoc } from "../models/github-installation.js";
import { levelsAtLeast } from "../github/app-permissions.js";
import { pageWindow, type PageWindow } from "../repos/repo-listing.js";

/*
 * The installations that have not accepted the App's current permissions: what each stored
 * installation was granted (installation webhooks and the reconcile job keep `permissions`)
 * held against what the live App asks for. One filter, counted and paged in the database.
 */

/** Matches an installation (not uninstalled) granted less than `required` on any permission. */
export function behindFilter(required: Record<string, string>): Record<string, unknown> | null {
  const lacking = Object.entries(required).map(([name, level]) => ({
    [`permissions.${name}`]: { $nin: levelsAtLeast(level) },
  }));
  return lacking.length === 0 ? null : { deletedAt: null, $or: lacking };
}

export interface BehindPage {
  installations: GitHubInstallationDoc[];
  total: number;
  page: PageWindow;
}

/** One page of them, by installation id. */
export async function findInstallationsBehind(
  models: Pick<Models, "GitHubInstallation">,
  required: Record<string, string>,
  requested: number,
  pageSize: number,
): Promise<BehindPage> {
  const filter = behindFilter(required);
  if (!filter) return { installations: [], total: 0, page: pageWindow(1, 0, pageSize) };
  const total = await models.GitHubInstallation.countDocuments(filter);
  const page = pageWindow(requested, total, pageSize);
  const installations = await models.GitHubInstallation.find(filter)
    .sort({ installationId: 1 })
    .skip(page.skip)
    .limit(page.limit)
    .lean();
  return { installations, total, page };
}
