import type { GitHubConnectionState } from "../installations/organization-connection.js";
import { FREE_LIMITS, PLAN_CATALOGUE } from "../marketplace/plans.js";
import type { RepoDoc } from "../models/repo.js";
import { repoStatus } from "../repos/repo-status.js";

/** What every connection.* event carries. */
export function connectionData(installation: {
  installationId: number;
  accountLogin?: string | null;
  accountType?: string | null;
}): Record<string, unknown> {
  return {
    installationId: installation.installationId,
    accountLogin: installation.accountLogin ?? null,
    accountType: installation.accountType ?? null,
  };
}

type RepoFields = Pick<RepoDoc, "slug" | "name" | "githubRepoId" | "accessible"> &
  Partial<Pick<RepoDoc, "fullName" | "archived" | "deletedOnGitHubAt" | "transferredTo">>;

/** What every repo.* event carries: the repo as it is after the change, with its status (src/repos/repo-status.ts). */
export function repoData(repo: RepoFields, connection: GitHubConnectionState): Record<string, unknown> {
  return {
    githubRepoId: repo.githubRepoId ?? null,
    slug: repo.slug,
    name: repo.name,
    fullName: repo.fullName ?? null,
    status: repoStatus(repo, connection),
  };
}

/**
 * A plan as plan.* events carry it: GitHub's id and name, and the limits our catalogue gives it
 * (a plan the catalogue does not know gets the free limits, as entitlements do). null id: no
 * purchase in force (cancelled), the free limits.
 */
export function planData(plan: { id: number; name: string } | null): Record<string, unknown> {
  const known = plan ? PLAN_CATALOGUE.get(plan.id) : undefined;
  const limits = known ?? FREE_LIMITS;
  return {
    id: plan?.id ?? null,
    name: plan?.name ?? FREE_LIMITS.name,
    limits: { maxRepos: limits.maxRepos, privateRepos: limits.features.privateRepos },
  };
}
