/**
 * Why no GitHub credential was issued. The messages are written for the engineer of the service
 * that asked (the internal API sends them as they are); they name no token or secret.
 */

/** The organization has no installation and is not a legacy tenant. */
export class GitHubNotConnectedError extends Error {
  override name = "GitHubNotConnectedError";
  constructor(readonly organizationId: string) {
    super(
      `Organization ${organizationId} has not connected GitHub: an admin of the organization must connect it in GitHub Connect (Settings, GitHub, Connect GitHub).`,
    );
  }
}

/** The installation exists but GitHub (or an owner of the account) suspended it. */
export class InstallationSuspendedError extends Error {
  override name = "InstallationSuspendedError";
  constructor(
    readonly organizationId: string,
    readonly installationId: number,
    readonly accountLogin: string,
  ) {
    super(
      `The GitHub App is suspended on ${accountLogin} (installation ${installationId}): tokens are issued again once it is unsuspended on GitHub (by an owner of ${accountLogin}, or by the App's owner if they suspended it).`,
    );
  }
}

/** The organization's installation was uninstalled; nothing live replaces it. */
export class InstallationDeletedError extends Error {
  override name = "InstallationDeletedError";
  constructor(
    readonly organizationId: string,
    readonly installationId: number,
    readonly accountLogin: string,
  ) {
    super(
      `The GitHub App was uninstalled from ${accountLogin} (installation ${installationId}): an admin of the organization must reconnect GitHub in GitHub Connect.`,
    );
  }
}

/** A permission the installation lacks, or a higher level than it has: refused, never widened. */
export class PermissionNotGrantedError extends Error {
  override name = "PermissionNotGrantedError";
  constructor(
    readonly installationId: number,
    readonly accountLogin: string,
    readonly problems: string[],
  ) {
    super(
      problems.length > 0
        ? `The installation on ${accountLogin} (installation ${installationId}) cannot grant ${problems.join("; ")}. Ask for no more than it has, or have an owner of ${accountLogin} accept the App's new permissions.`
        : `GitHub refused the permissions asked for: the installation on ${accountLogin} (installation ${installationId}) does not have them.`,
    );
  }
}

/** A repository the installation cannot reach. `repositoryIds` names them when known; GitHub's refusal does not say which. */
export class RepositoryNotReachableError extends Error {
  override name = "RepositoryNotReachableError";
  constructor(
    readonly installationId: number,
    readonly accountLogin: string,
    readonly repositoryIds: number[],
    readonly known: boolean,
  ) {
    super(
      known
        ? `The installation on ${accountLogin} (installation ${installationId}) cannot reach repositories ${repositoryIds.join(", ")}: an owner must grant it access on GitHub.`
        : `GitHub refused: at least one of repositories ${repositoryIds.join(", ")} does not exist or is not reachable by the installation on ${accountLogin} (installation ${installationId}).`,
    );
  }
}

/** A scope was asked for, but the organization has only the legacy personal token, which cannot be narrowed. */
export class LegacyTokenNotScopableError extends Error {
  override name = "LegacyTokenNotScopableError";
  constructor(readonly organizationId: string) {
    super(
      `Organization ${organizationId} uses the legacy personal token, which cannot be narrowed to repositories or permissions: ask without repositoryIds and permissions, or connect GitHub to get scoped tokens.`,
    );
  }
}

/**
 * GitHub did not mint the token for a reason of its own (5xx, no answer) or ours (the App's
 * credentials). `cause` is GitHub's answer, for the log line only: it carries the request's headers.
 */
export class GitHubTokenUnavailableError extends Error {
  override name = "GitHubTokenUnavailableError";
  constructor(
    readonly installationId: number,
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(
      `GitHub did not issue a token for installation ${installationId} (${status ? `HTTP ${status}` : "no answer"}); try again shortly.`,
      options,
    );
  }
}
