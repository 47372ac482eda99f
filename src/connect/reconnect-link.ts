import type { Models } from "../models/index.js";
import type { GitHubUrls } from "../github/urls.js";

/** Longer links are refused or cut by browsers, proxies and servers on the way (8 KB is the common limit). */
export const MAX_LINK_LENGTH = 8 * 1024;
/** The shortest id takes 19 characters (`repository_ids[]=1&`), so a link never holds more than this: no more are read. */
const MOST_IDS_A_LINK_HOLDS = Math.ceil(MAX_LINK_LENGTH / "repository_ids[]=1&".length);
/** How many names the page lists before saying how many more. */
const NAMES_LISTED = 20;

export interface ReconnectLink {
  /** GitHub's install page for the account, with every stored repo pre-selected when they fit. */
  url: string;
  /** How many repos the link pre-selects. */
  preselected: number;
  /** True when the repos did not fit, so the link names the account alone and they must be ticked by hand. */
  overflow: boolean;
}

// A repo deleted or transferred away on GitHub has an id no installation can be given again.
const withGitHubId = (organizationId: string) => ({
  organizationId,
  githubRepoId: { $ne: null },
  deletedOnGitHubAt: null,
  transferredTo: null,
});

/**
 * The reconnect link (rule 5): the account and every repo the app made, by GitHub id. GitHub
 * takes them only as query parameters, so past MAX_LINK_LENGTH the link falls back to the
 * account alone (suggested_target_id) and the page names the repos to tick (reposToTick).
 */
export async function buildReconnectLink(
  deps: { models: Models; urls: GitHubUrls },
  options: { organizationId: string; accountId: number; state: string },
): Promise<ReconnectLink> {
  // Only the ids, and never more than a link could hold, in one batch: one bounded read whatever the org's size.
  const most = MOST_IDS_A_LINK_HOLDS + 1;
  const rows = await deps.models.Repo.find(withGitHubId(options.organizationId), { _id: 0, githubRepoId: 1 })
    .limit(most)
    .batchSize(most)
    .lean();
  const ids = rows.map((row) => row.githubRepoId).filter((id): id is number => typeof id === "number");
  const link = (repositoryIds: number[]) =>
    deps.urls.reconnectUrl({ accountId: options.accountId, repositoryIds, state: options.state });
  const url = link(ids);
  if (ids.length < most && url.length <= MAX_LINK_LENGTH) return { url, preselected: ids.length, overflow: false };
  return { url: link([]), preselected: 0, overflow: true };
}

/** The repos to tick on GitHub when the link could not pre-select them: how many, and the first few names in list order. */
export async function reposToTick(models: Models, organizationId: string): Promise<{ total: number; names: string[] }> {
  const [total, named] = await Promise.all([
    models.Repo.countDocuments(withGitHubId(organizationId)),
    models.Repo.find(withGitHubId(organizationId), { _id: 0, name: 1 }).sort({ slug: 1 }).limit(NAMES_LISTED).lean(),
  ]);
  return { total, names: named.map((repo) => repo.name) };
}
