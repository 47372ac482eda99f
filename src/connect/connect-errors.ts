/**
 * What can go wrong while connecting GitHub, as classes the web error handler turns into pages
 * (src/web/connect/connect-error-pages.ts). Messages here are for the log; pages have their own words.
 */

/** GitHub's authorize page was declined (`error=access_denied` on the callback). */
export class AuthorizationDeniedError extends Error {
  override name = "AuthorizationDeniedError";
  constructor(readonly githubError: string) {
    super(`GitHub authorization not given: ${githubError}`);
  }
}

/** The OAuth code was wrong, already used or expired (GitHub answers 200 with `bad_verification_code`). */
export class BadVerificationCodeError extends Error {
  override name = "BadVerificationCodeError";
  constructor() {
    super("GitHub refused the OAuth code: bad_verification_code");
  }
}

/** GitHub answered in a way that means our configuration is wrong, or not at all. */
export class GitHubUnavailableError extends Error {
  override name = "GitHubUnavailableError";
}

/** The signed-in GitHub user cannot see the installation the setup URL named (rule 1). */
export class InstallationNotVisibleError extends Error {
  override name = "InstallationNotVisibleError";
  constructor(readonly installationId: number) {
    super(`installation ${installationId} is not among the user's installations`);
  }
}

/** The installation is linked to another organization (rule 1: one installation, one org). */
export class InstallationLinkedElsewhereError extends Error {
  override name = "InstallationLinkedElsewhereError";
  constructor(readonly installationId: number) {
    super(`installation ${installationId} is linked to another organization`);
  }
}

/** The organization already has a live installation (rule 1: one org, one installation). */
export class OrganizationAlreadyConnectedError extends Error {
  override name = "OrganizationAlreadyConnectedError";
  constructor(
    readonly organizationId: string,
    readonly installationId: number,
  ) {
    super(`organization ${organizationId} is already connected to installation ${installationId}`);
  }
}

/** The installation was uninstalled on GitHub; it cannot be linked again. */
export class InstallationGoneError extends Error {
  override name = "InstallationGoneError";
  constructor(readonly installationId: number) {
    super(`installation ${installationId} was deleted`);
  }
}
