import type { RepoNameProblem } from "../github/repo-name.js";
import type { ManageTarget } from "../github/urls.js";

/**
 * Why the app did not create (or adopt) a repository. Messages here are for the log; the settings
 * page says each in its own words (src/web/projects/project-messages.ts). A connection that is missing,
 * suspended or uninstalled is one of the credentials module's errors (credential-errors.ts).
 */
export class RepoRefusedError extends Error {
  override name = "RepoRefusedError";
  constructor(
    /** The name asked for, as typed (trimmed). */
    readonly repoName: string,
    message: string,
  ) {
    super(message);
  }
}

/** The name breaks one of GitHub's rules: refused before any call. */
export class InvalidRepoNameError extends RepoRefusedError {
  override name = "InvalidRepoNameError";
  constructor(
    repoName: string,
    readonly problem: RepoNameProblem,
  ) {
    super(repoName, `invalid repository name (${problem.rule})`);
  }
}

/**
 * The organization is connected to a personal account, where an installation token cannot create
 * a repository (`POST /user/repos` takes a user token) and no repo of that name is reachable to adopt.
 */
export class PersonalAccountError extends RepoRefusedError {
  override name = "PersonalAccountError";
  constructor(
    repoName: string,
    readonly installation: ManageTarget,
  ) {
    super(
      repoName,
      `installation ${installation.installationId} is on the personal account ${installation.accountLogin}: an App cannot create its repositories`,
    );
  }
}

/** The organization's plan allows no more repositories. */
export class RepoNotAllowedError extends RepoRefusedError {
  override name = "RepoNotAllowedError";
  constructor(
    repoName: string,
    readonly reason: string,
    readonly upgradeUrl: string | null,
  ) {
    super(repoName, `entitlements refused one more repository: ${reason}`);
  }
}

/** A repository of that name exists in the account, but the installation cannot reach it (not selected for the App). */
export class RepoNotSelectedError extends RepoRefusedError {
  override name = "RepoNotSelectedError";
  constructor(
    repoName: string,
    readonly installation: ManageTarget,
  ) {
    super(
      repoName,
      `${installation.accountLogin}/${repoName} exists but installation ${installation.installationId} cannot reach it`,
    );
  }
}

/** GitHub refused the installation the right to create repositories (403: no Administration write, or a policy). */
export class RepoCreationForbiddenError extends RepoRefusedError {
  override name = "RepoCreationForbiddenError";
  constructor(
    repoName: string,
    readonly installation: ManageTarget,
  ) {
    super(
      repoName,
      `GitHub refused POST /orgs/${installation.accountLogin}/repos for installation ${installation.installationId} (403)`,
    );
  }
}

/** GitHub failed, or answered in a way we did not expect; nothing was stored. */
export class RepoGitHubError extends RepoRefusedError {
  override name = "RepoGitHubError";
  constructor(
    repoName: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(repoName, `GitHub did not create or return ${repoName}: ${detail}`);
  }
}
