import type { ProbotOctokit } from "probot";
import { statusOf } from "../lib/error-details.js";
import { isObject } from "./payload.js";
import { RepoGitHubError } from "../repos/repo-errors.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** What the app keeps of a repository GitHub describes. */
export interface GitHubRepo {
  id: number;
  name: string;
  fullName: string;
}

export type CreateRepoResult = { kind: "created"; repo: GitHubRepo } | { kind: "name-taken" } | { kind: "forbidden" };

const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** GitHub's repository object, checked for the three fields kept (rule 9: no shape is trusted). */
function readRepo(data: unknown, asked: { owner: string; name: string }): GitHubRepo {
  const fail = (what: string) => new RepoGitHubError(asked.name, undefined, `GitHub's answer ${what}`);
  if (!isObject(data)) throw fail("is not a repository object");
  const { id, name, full_name: fullName } = data;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) throw fail("has no repository id");
  if (typeof name !== "string" || !NAME.test(name)) throw fail("has no valid name");
  const [owner, repoName, ...rest] = typeof fullName === "string" ? fullName.split("/") : [];
  if (!owner || !LOGIN.test(owner) || repoName !== name || rest.length > 0) throw fail("has no valid full_name");
  // Another account's repository, or another name (a redirect followed): not the one asked for.
  if (owner.toLowerCase() !== asked.owner.toLowerCase() || name.toLowerCase() !== asked.name.toLowerCase()) {
    throw fail(`names ${owner}/${name}, not ${asked.owner}/${asked.name}`);
  }
  return { id, name, fullName: `${owner}/${name}` };
}

/** GitHub's 422 for a name in use: `errors: [{resource: "Repository", field: "name", message: "name already exists on this account"}]`. */
function isNameTaken(error: unknown): boolean {
  if (statusOf(error) !== 422) return false;
  const errors = (error as { response?: { data?: { errors?: unknown } } }).response?.data?.errors;
  return (
    Array.isArray(errors) &&
    errors.some(
      (e) => isObject(e) && e.field === "name" && typeof e.message === "string" && /already exists/i.test(e.message),
    )
  );
}

function failure(name: string, call: string, error: unknown): RepoGitHubError {
  const status = statusOf(error);
  return new RepoGitHubError(name, status, `${call} answered ${status ? `HTTP ${status}` : "nothing"}`);
}

/**
 * `POST /orgs/{org}/repos` with an installation token (Administration: write): private, with a
 * first commit so it can be cloned and branched at once. An App installed on "only select
 * repositories" is granted the repositories it creates.
 */
export async function createOrgRepo(octokit: Octokit, org: string, name: string): Promise<CreateRepoResult> {
  try {
    const { data } = await octokit.request("POST /orgs/{org}/repos", { org, name, private: true, auto_init: true });
    return { kind: "created", repo: readRepo(data, { owner: org, name }) };
  } catch (error) {
    if (error instanceof RepoGitHubError) throw error;
    if (isNameTaken(error)) return { kind: "name-taken" };
    if (statusOf(error) === 403) return { kind: "forbidden" };
    throw failure(name, `POST /orgs/${org}/repos`, error);
  }
}

/** `GET /repos/{owner}/{repo}`: the repository if this token reaches it, null on 404 (missing, or not selected for the App). */
export async function findRepo(octokit: Octokit, owner: string, name: string): Promise<GitHubRepo | null> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}", { owner, repo: name });
    return readRepo(data, { owner, name });
  } catch (error) {
    if (error instanceof RepoGitHubError) throw error;
    if (statusOf(error) === 404) return null;
    throw failure(name, `GET /repos/${owner}/${name}`, error);
  }
}
