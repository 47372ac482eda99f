import type { GitHubConnectionState } from "../installations/organization-connection.js";
import type { RepoDoc } from "../models/repo.js";

/** What a stored repo is now, the one answer the settings page and the internal API both give. */
export const REPO_STATUSES = [
  "reachable",
  "not_selected",
  "deleted",
  "transferred",
  "archived",
  "not_created",
  "paused",
] as const;

export type RepoStatus = (typeof REPO_STATUSES)[number];

type StatusFields = Pick<RepoDoc, "githubRepoId" | "accessible"> &
  Partial<Pick<RepoDoc, "archived" | "deletedOnGitHubAt" | "transferredTo">>;

/**
 * A repo's status. What became of the repo itself comes first (no reconnect brings back a deleted
 * or transferred repo); then the installation (suspended or removed: every repo paused); then
 * what the installation reaches. An archived repo the installation reaches is read-only; one it
 * does not reach is first of all not selected.
 */
export function repoStatus(repo: StatusFields, connection: GitHubConnectionState): RepoStatus {
  if (typeof repo.githubRepoId !== "number") return "not_created";
  if (repo.deletedOnGitHubAt) return "deleted";
  if (repo.transferredTo) return "transferred";
  if (connection !== "connected") return "paused";
  if (!repo.accessible) return "not_selected";
  return repo.archived ? "archived" : "reachable";
}
