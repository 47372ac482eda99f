import type { ProbotOctokit } from "probot";
import type { Models } from "../models/index.js";
import { statusOf } from "../lib/error-details.js";
import { repoSlug } from "../github/repo-name.js";
import { recordImportedRepo } from "./repo-records.js";
import { cappedPages } from "../github/request-limits.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * A single-tenant deployment moving to the App: the repositories it already uses, found with its
 * personal token and recorded by GitHub id in Repo documents, so that the organization's first
 * connect (or a later reconnect) pre-selects them and reports which the installation reaches.
 */

export interface LegacyRepo {
  githubRepoId: number;
  name: string;
  fullName: string;
}

export interface LegacyRepoListing {
  repos: LegacyRepo[];
  /** Something the operator should know about what the token could see. */
  warning?: string;
}

/** Named repositories that GitHub says do not exist, or the token cannot see. */
export class LegacyReposNotFoundError extends Error {
  override name = "LegacyReposNotFoundError";
  constructor(
    readonly owner: string,
    readonly names: string[],
  ) {
    super(
      `the legacy token cannot see ${names.map((name) => `${owner}/${name}`).join(", ")} (missing, renamed away, or not shared with it); nothing was written`,
    );
  }
}

function toLegacyRepo(repo: { id: number; name: string; full_name: string }): LegacyRepo {
  return { githubRepoId: repo.id, name: repo.name, fullName: repo.full_name };
}

async function namedRepos(octokit: Octokit, owner: string, names: string[]): Promise<LegacyRepo[]> {
  const found: LegacyRepo[] = [];
  const missing: string[] = [];
  for (const name of names) {
    try {
      found.push(toLegacyRepo((await octokit.request("GET /repos/{owner}/{repo}", { owner, repo: name })).data));
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      missing.push(name);
    }
  }
  if (missing.length > 0) throw new LegacyReposNotFoundError(owner, missing);
  return found;
}

/** 50,000 repositories: more than an account that migrates by hand has. */
const LEGACY_PAGES_MAX = 500;

/** Every page's items, up to the cap (past it GitHubLimitError: a partial listing would migrate a part). */
async function everyPage<T>(
  pages: AsyncIterable<{ data: T[]; headers: { link?: string } }>,
  what: string,
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of cappedPages(pages, what, LEGACY_PAGES_MAX)) all.push(...page.data);
  return all;
}

/**
 * Every repository of `owner` the token can see: an organization's (`GET /orgs/{org}/repos`), the
 * token's own user's private ones included (`GET /user/repos`), or another user's public ones
 * (`GET /users/{username}/repos` lists no private repository, whoever asks).
 */
async function ownerRepos(octokit: Octokit, owner: string): Promise<LegacyRepoListing> {
  const { data: account } = await octokit.request("GET /users/{username}", { username: owner });
  if (account.type === "Organization") {
    return {
      repos: (
        await everyPage(
          octokit.paginate.iterator("GET /orgs/{org}/repos", { org: owner, type: "all", per_page: 100 }),
          `GET /orgs/${owner}/repos`,
        )
      ).map(toLegacyRepo),
    };
  }
  const { data: me } = await octokit.request("GET /user");
  if (me.login.toLowerCase() === owner.toLowerCase()) {
    return {
      repos: (
        await everyPage(
          octokit.paginate.iterator("GET /user/repos", { affiliation: "owner", per_page: 100 }),
          "GET /user/repos",
        )
      ).map(toLegacyRepo),
    };
  }
  const repos = (
    await everyPage(
      octokit.paginate.iterator("GET /users/{username}/repos", { username: owner, type: "owner", per_page: 100 }),
      `GET /users/${owner}/repos`,
    )
  ).map(toLegacyRepo);
  return {
    repos,
    warning: `${owner} is a user other than the token's own (${me.login}): GitHub lists only their public repositories; name private ones with --repos`,
  };
}

export function listLegacyRepos(octokit: Octokit, owner: string, names?: string[]): Promise<LegacyRepoListing> {
  return names ? namedRepos(octokit, owner, names).then((repos) => ({ repos })) : ownerRepos(octokit, owner);
}

export type RecordAction = "create" | "update" | "unchanged" | "skip";

export interface RecordedRepo extends LegacyRepo {
  slug: string;
  action: RecordAction;
  /** Why a repo was skipped. */
  reason?: string;
}

/** Who the activity page says recorded a repository the legacy token found. */
const LEGACY_IMPORT_ACTOR = "script:migrate-legacy";

/**
 * Upserts each repo on (organizationId, slug), unless dryRun. A GitHub id already recorded keeps
 * its document: a repo recorded under another slug, or a slug holding another repo's id, is
 * skipped with the reason rather than overwritten (an id, once recorded, is what reconnect
 * pre-selects). New documents start unreachable: the installation's own check sets that.
 */
export async function recordLegacyRepos(
  models: Models,
  organizationId: string,
  repos: LegacyRepo[],
  options: { dryRun: boolean; now: () => Date },
): Promise<RecordedRepo[]> {
  type Known = { slug: string; githubRepoId?: number | null; name: string; fullName?: string | null };
  const stored: Known[] = await models.Repo.find(
    { organizationId },
    { slug: 1, githubRepoId: 1, name: 1, fullName: 1 },
  ).lean();
  const bySlug = new Map(stored.map((repo) => [repo.slug, repo]));
  const byId = new Map(
    stored.filter((repo) => typeof repo.githubRepoId === "number").map((repo) => [repo.githubRepoId, repo]),
  );
  const results: RecordedRepo[] = [];
  for (const repo of repos) {
    const slug = repoSlug(repo.name);
    const sameSlug = bySlug.get(slug);
    const sameId = byId.get(repo.githubRepoId);
    let action: RecordAction;
    let reason: string | undefined;
    if (sameId && sameId.slug !== slug) [action, reason] = ["skip", `already recorded as "${sameId.slug}"`];
    else if (sameSlug?.githubRepoId != null && sameSlug.githubRepoId !== repo.githubRepoId)
      [action, reason] = ["skip", `"${slug}" holds repository id ${sameSlug.githubRepoId}`];
    else if (
      sameSlug &&
      sameSlug.githubRepoId === repo.githubRepoId &&
      sameSlug.name === repo.name &&
      sameSlug.fullName === repo.fullName
    )
      action = "unchanged";
    else action = sameSlug ? "update" : "create";
    results.push({ ...repo, slug, action, ...(reason ? { reason } : {}) });
    if (action !== "create" && action !== "update") continue;
    // A repo named twice (--repos web,Web) is then "unchanged", as it would be on a second run.
    const known = { slug, ...repo };
    bySlug.set(slug, known);
    byId.set(repo.githubRepoId, known);
    if (options.dryRun) continue;
    await recordImportedRepo(models, options.now(), {
      organizationId,
      repo: { id: repo.githubRepoId, name: repo.name, fullName: repo.fullName },
      actor: LEGACY_IMPORT_ACTOR,
    });
  }
  return results;
}
