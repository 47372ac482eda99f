import type { FilterQuery } from "mongoose";
import type { EventDoc } from "../../models/event.js";
import type { GitHubInstallationDoc } from "../../models/github-installation.js";
import type { MarketplaceAccountDoc } from "../../models/marketplace-account.js";
import type { Models } from "../../models/index.js";
import type { RepoDoc } from "../../models/repo.js";
import type { GitHubConnectionState } from "../../installations/organization-connection.js";
import { pageWindow, type PageWindow } from "../../repos/repo-listing.js";
import { REPO_STATUSES, repoStatus, type RepoStatus } from "../../repos/repo-status.js";
import { OPERATOR_PAGE_SIZE } from "./operator-paths.js";

/**
 * The console's reads of organizations (read-only: every writer stays in its domain). An
 * organization is known here by the GitHub installations linked to it: one live at most (rule 1),
 * and the removed ones it keeps (a removal keeps organizationId, installations/README.md).
 */
export const ORGANIZATION_STATES = ["connected", "suspended", "removed"] as const;
export type OrganizationState = (typeof ORGANIZATION_STATES)[number];

/** The installations in each state, linked to an organization: indexed (organizationId, deletedAt, suspendedAt). */
export const LINKED_IN_STATE: Record<OrganizationState, FilterQuery<GitHubInstallationDoc>> = {
  connected: { organizationId: { $ne: null }, deletedAt: null, suspendedAt: null },
  suspended: { organizationId: { $ne: null }, deletedAt: null, suspendedAt: { $ne: null } },
  removed: { organizationId: { $ne: null }, deletedAt: { $ne: null } },
};

/** Installations nobody has claimed yet (the Unclaimed installations page). */
export const UNCLAIMED: FilterQuery<GitHubInstallationDoc> = { organizationId: null, deletedAt: null };

export function installationState(installation: Pick<GitHubInstallationDoc, "deletedAt" | "suspendedAt">) {
  if (installation.deletedAt) return "removed" as const;
  return installation.suspendedAt ? ("suspended" as const) : ("connected" as const);
}

/** What the organization's repos are paused by: findGitHubConnection's answer, from its live installation if any. */
function connectionStateOf(live: Pick<GitHubInstallationDoc, "suspendedAt"> | undefined): GitHubConnectionState {
  if (!live) return "deleted";
  return live.suspendedAt ? "suspended" : "connected";
}

/** A search the list accepts: an organization id, a GitHub login or an installation id (letters, digits, _ . -). */
export const SEARCH_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

export interface OrganizationListQuery {
  /** Exact organization id, exact login (as typed or lowercased), or an installation id; validated by SEARCH_PATTERN. */
  q: string | null;
  state: OrganizationState | null;
  page: number;
}

export interface OrganizationRow {
  installation: GitHubInstallationDoc;
  state: OrganizationState;
  /** For a removed installation whose organization connected another since: that one's id. */
  reconnectedAs: number | null;
  marketplace: MarketplaceAccountDoc | null;
  /** Repos by status (only the statuses it has). */
  repos: Partial<Record<RepoStatus, number>>;
  repoTotal: number;
  lastEvent: Pick<EventDoc, "type" | "timestamp" | "actor"> | null;
}

export interface OrganizationList {
  rows: OrganizationRow[];
  total: number;
  page: PageWindow;
  /** The page's organizations have more repos than one read takes: their counts are the first REPO_READ_LIMIT. */
  reposPartial: boolean;
}

/** One read of the page's repos: 200 each for 50 organizations, with a small projection. */
export const REPO_READ_LIMIT = OPERATOR_PAGE_SIZE * 200;
/** How many of the page's newest events one read takes to find each organization's last one. */
export const LAST_EVENT_READ = OPERATOR_PAGE_SIZE * 10;
/** Reads of the newest events at most (each finds at least one more organization's last event). */
const LAST_EVENT_ROUNDS = 3;

function searchFilter(q: string): FilterQuery<GitHubInstallationDoc> {
  const logins = [...new Set([q, q.toLowerCase()])];
  const or: FilterQuery<GitHubInstallationDoc>[] = [{ organizationId: q }, { accountLogin: { $in: logins } }];
  if (/^\d{1,15}$/.test(q)) or.push({ installationId: Number(q) });
  return { $or: or };
}

/**
 * One page of linked installations (one row each, by organization id), with each row's plan, repos
 * by status and last event: a count, the page, then one `$in` read per kind for the whole page.
 */
export async function listOrganizations(models: Models, query: OrganizationListQuery): Promise<OrganizationList> {
  const filter: FilterQuery<GitHubInstallationDoc> = {
    ...(query.state ? LINKED_IN_STATE[query.state] : { organizationId: { $ne: null } }),
    ...(query.q ? searchFilter(query.q) : {}),
  };
  const total = await models.GitHubInstallation.countDocuments(filter);
  const page = pageWindow(query.page, total, OPERATOR_PAGE_SIZE);
  const installations =
    total === 0
      ? []
      : await models.GitHubInstallation.find(filter)
          .sort({ organizationId: 1, installationId: 1 })
          .skip(page.skip)
          .limit(page.limit)
          .lean<GitHubInstallationDoc[]>();
  if (installations.length === 0) return { rows: [], total, page, reposPartial: false };

  const organizationIds = [...new Set(installations.map((i) => i.organizationId!))];
  const accountIds = [...new Set(installations.map((i) => i.accountId))];
  const [live, accounts, repos, lastEvents] = await Promise.all([
    models.GitHubInstallation.find(
      { organizationId: { $in: organizationIds }, deletedAt: null },
      { organizationId: 1, installationId: 1, suspendedAt: 1 },
    )
      .limit(organizationIds.length * 2)
      .lean(),
    models.MarketplaceAccount.find({ accountId: { $in: accountIds } })
      .limit(accountIds.length)
      .lean<MarketplaceAccountDoc[]>(),
    models.Repo.find(
      { organizationId: { $in: organizationIds } },
      { organizationId: 1, githubRepoId: 1, accessible: 1, archived: 1, deletedOnGitHubAt: 1, transferredTo: 1 },
    )
      .limit(REPO_READ_LIMIT)
      .lean<RepoDoc[]>(),
    lastEventOf(models, organizationIds),
  ]);

  const liveOf = new Map(live.map((i) => [i.organizationId!, i]));
  const accountOf = new Map(accounts.map((a) => [a.accountId, a]));
  const reposOf = new Map<string, RepoDoc[]>();
  for (const repo of repos) reposOf.set(repo.organizationId, [...(reposOf.get(repo.organizationId) ?? []), repo]);

  const rows = installations.map((installation): OrganizationRow => {
    const organizationId = installation.organizationId!;
    const state = installationState(installation);
    const connection = connectionStateOf(liveOf.get(organizationId));
    const byStatus: Partial<Record<RepoStatus, number>> = {};
    const own = reposOf.get(organizationId) ?? [];
    for (const repo of own) {
      const status = repoStatus(repo, connection);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }
    const other = liveOf.get(organizationId);
    return {
      installation,
      state,
      reconnectedAs: state === "removed" && other ? other.installationId : null,
      marketplace: accountOf.get(installation.accountId) ?? null,
      repos: Object.fromEntries(REPO_STATUSES.filter((s) => byStatus[s]).map((s) => [s, byStatus[s]])),
      repoTotal: own.length,
      lastEvent: lastEvents.get(organizationId) ?? null,
    };
  });
  return { rows, total, page, reposPartial: repos.length >= REPO_READ_LIMIT };
}

/**
 * Each organization's newest event, without a read per organization: the newest LAST_EVENT_READ
 * events of all of them at once (the (organizationId, _id) index), the first per organization
 * kept; organizations a busier one crowded out get the same read again, LAST_EVENT_ROUNDS at most.
 * Nothing new is stored for it (no per-organization "last event" document to keep true).
 */
async function lastEventOf(
  models: Models,
  organizationIds: string[],
): Promise<Map<string, Pick<EventDoc, "type" | "timestamp" | "actor">>> {
  const found = new Map<string, Pick<EventDoc, "type" | "timestamp" | "actor">>();
  let missing = organizationIds;
  for (let round = 0; round < LAST_EVENT_ROUNDS && missing.length > 0; round++) {
    const events = await models.Event.find(
      { organizationId: { $in: missing } },
      { organizationId: 1, type: 1, timestamp: 1, actor: 1 },
    )
      .sort({ _id: -1 })
      .limit(LAST_EVENT_READ)
      .lean();
    for (const event of events) {
      if (event.organizationId && !found.has(event.organizationId)) found.set(event.organizationId, event);
    }
    // Fewer than a full read: every organization left has no event at all.
    if (events.length < LAST_EVENT_READ) break;
    missing = missing.filter((id) => !found.has(id));
  }
  return found;
}

export interface OrganizationDetail {
  organizationId: string;
  /** Every installation linked to it, newest first (the live one, then the removed ones). */
  installations: GitHubInstallationDoc[];
  connection: GitHubConnectionState;
  marketplace: MarketplaceAccountDoc | null;
  events: EventDoc[];
  eventTotal: number;
  eventPage: PageWindow;
}

/** More installations than one organization ever has (each reconnect after a removal adds one). */
const INSTALLATIONS_SHOWN = 20;

/** An organization's installations, plan and one page of its events (newest first); null when nothing is known of it. */
const hasRepos = async (models: Models, organizationId: string) =>
  (await models.Repo.exists({ organizationId })) !== null;

/**
 * Whether the console has a page for the organization: a GitHub installation was linked to it, or it
 * has events or repos (findOrganizationDetail's rule, in three indexed existence checks).
 */
export async function isKnownOrganization(models: Models, organizationId: string): Promise<boolean> {
  const [installation, event, repos] = await Promise.all([
    models.GitHubInstallation.exists({ organizationId }),
    models.Event.exists({ organizationId }),
    hasRepos(models, organizationId),
  ]);
  return installation !== null || event !== null || repos;
}

export async function findOrganizationDetail(
  models: Models,
  organizationId: string,
  requestedPage: number,
): Promise<OrganizationDetail | null> {
  const [installations, eventTotal] = await Promise.all([
    models.GitHubInstallation.find({ organizationId })
      .sort({ updatedAt: -1 })
      .limit(INSTALLATIONS_SHOWN)
      .lean<GitHubInstallationDoc[]>(),
    models.Event.countDocuments({ organizationId }),
  ]);
  const eventPage = pageWindow(requestedPage, eventTotal, OPERATOR_PAGE_SIZE);
  // The live one first, then the most recently removed.
  installations.sort((a, b) => {
    if (!a.deletedAt !== !b.deletedAt) return a.deletedAt ? 1 : -1;
    return (b.deletedAt?.getTime() ?? 0) - (a.deletedAt?.getTime() ?? 0);
  });
  const current = installations[0];
  const [events, marketplace] = await Promise.all([
    eventTotal === 0
      ? Promise.resolve([] as EventDoc[])
      : models.Event.find({ organizationId })
          .sort({ _id: -1 })
          .skip(eventPage.skip)
          .limit(eventPage.limit)
          .lean<EventDoc[]>(),
    current
      ? models.MarketplaceAccount.findOne({ accountId: current.accountId }).lean<MarketplaceAccountDoc>()
      : Promise.resolve(null),
  ]);
  if (installations.length === 0 && eventTotal === 0 && !(await hasRepos(models, organizationId))) return null;
  const live = installations.find((i) => !i.deletedAt);
  return {
    organizationId,
    installations,
    connection: current ? connectionStateOf(live) : "disconnected",
    marketplace: marketplace ?? null,
    events,
    eventTotal,
    eventPage,
  };
}
