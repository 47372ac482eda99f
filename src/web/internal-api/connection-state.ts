import type { Models } from "../../models/index.js";
import { findGitHubConnection } from "../../installations/organization-connection.js";
import {
  GitHubNotConnectedError,
  InstallationDeletedError,
  InstallationSuspendedError,
} from "../../credentials/credential-errors.js";
import type { Credentials } from "../../credentials/credentials.js";
import { repoStatus, type RepoStatus } from "../../repos/repo-status.js";

export interface ConnectionStateView {
  organizationId: string;
  state: "connected" | "suspended" | "deleted" | "not_connected";
  /** What POST …/github-token would hand out now. */
  credential: "installation" | "legacy" | "none";
  installation: {
    installationId: number;
    accountLogin: string;
    accountType: string;
    repositorySelection: string;
    permissions: Record<string, unknown>;
    suspendedAt: string | null;
    deletedAt: string | null;
  } | null;
  /** The organization's repos, ids kept through any disconnect; `reachable` only while connected. */
  repos: Array<{
    slug: string;
    name: string;
    fullName: string | null;
    githubRepoId: number | null;
    reachable: boolean;
    /** What the repo is now (repos/repo-status.ts), the words the settings page says. */
    status: RepoStatus;
  }>;
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** GET /api/internal/orgs/:organizationId/github: the connection and its repos, as plain JSON. */
export async function connectionStateView(
  deps: { models: Models; credentials: Credentials },
  organizationId: string,
): Promise<ConnectionStateView> {
  const { state, installation } = await findGitHubConnection(deps.models, organizationId);
  const credential = await deps.credentials.resolve(organizationId).then(
    (source) => source.kind,
    (error: unknown) => {
      // A refusal means no credential; anything else (the database) is the caller's 5xx.
      const refused =
        error instanceof GitHubNotConnectedError ||
        error instanceof InstallationSuspendedError ||
        error instanceof InstallationDeletedError;
      if (refused) return "none" as const;
      throw error;
    },
  );
  const repos = await deps.models.Repo.find({ organizationId }).sort({ name: 1 }).lean();
  return {
    organizationId,
    state: state === "disconnected" ? "not_connected" : state,
    credential,
    installation: installation && {
      installationId: installation.installationId,
      accountLogin: installation.accountLogin,
      accountType: installation.accountType,
      repositorySelection: installation.repositorySelection ?? "selected",
      permissions: (installation.permissions ?? {}) as Record<string, unknown>,
      suspendedAt: iso(installation.suspendedAt),
      deletedAt: iso(installation.deletedAt),
    },
    repos: repos.map((repo) => ({
      slug: repo.slug,
      name: repo.name,
      fullName: repo.fullName ?? null,
      githubRepoId: repo.githubRepoId ?? null,
      reachable: state === "connected" && repo.accessible === true,
      status: repoStatus(repo, state),
    })),
  };
}
