/** Every refusal GitHub Connect's internal API answers with, as `{ "error": code, "message": … }`. */
export type ApiErrorCode =
  | "invalid_organization_id"
  | "invalid_scope"
  | "invalid_json"
  | "invalid_body"
  | "unauthorized"
  | "not_connected"
  | "not_found"
  | "installation_suspended"
  | "installation_deleted"
  | "body_too_large"
  | "unsupported_media_type"
  | "permission_not_granted"
  | "repository_not_reachable"
  | "legacy_token_not_scopable"
  | "too_many_attempts"
  | "github_unavailable"
  | "internal_api_disabled"
  | "database_unavailable"
  | "internal_error";

/** A refusal from GitHub Connect, or no answer from it: `code` is the API's (or `unreachable`), `status` its HTTP status (0 for no answer). */
export class GitHubConnectError extends Error {
  override name = "GitHubConnectError";
  readonly code: string;
  readonly status: number;
  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = status;
  }
}

type Refusal = new (status: number, message: string) => GitHubConnectError;

function refusal<C extends string>(name: string, code: C) {
  return class extends GitHubConnectError {
    declare readonly code: C;
    override name = name;
    constructor(status: number, message: string) {
      super(code, status, message);
    }
  };
}

/** 404: the organization never connected GitHub (and is not a legacy tenant). */
export class NotConnectedError extends refusal("NotConnectedError", "not_connected") {}
/** 409: the App is suspended on the organization's account; nothing routes around it. */
export class InstallationSuspendedError extends refusal("InstallationSuspendedError", "installation_suspended") {}
/** 410: the App was uninstalled and no legacy token applies. */
export class InstallationDeletedError extends refusal("InstallationDeletedError", "installation_deleted") {}
/** 422: a permission the installation lacks, or a level above its own. */
export class PermissionNotGrantedError extends refusal("PermissionNotGrantedError", "permission_not_granted") {}
/** 422: a repository the installation cannot reach. */
export class RepositoryNotReachableError extends refusal("RepositoryNotReachableError", "repository_not_reachable") {}
/** 422: a scope asked of an organization that has only the legacy token. */
export class LegacyTokenNotScopableError extends refusal("LegacyTokenNotScopableError", "legacy_token_not_scopable") {}
/** 400: the scope is not `{ repositoryIds?, permissions? }`. */
export class InvalidScopeError extends refusal("InvalidScopeError", "invalid_scope") {}
/** 400: the organization id is not 1–64 letters, digits, `_` or `-`. */
export class InvalidOrganizationIdError extends refusal("InvalidOrganizationIdError", "invalid_organization_id") {}
/** 401: no service token, or not one of the deployment's INTERNAL_API_TOKENS. */
export class UnauthorizedError extends refusal("UnauthorizedError", "unauthorized") {}
/** 429: too many failed service tokens from this address; `retryAfterSeconds` says how long to wait. */
export class TooManyAttemptsError extends refusal("TooManyAttemptsError", "too_many_attempts") {
  retryAfterSeconds: number | null = null;
}
/** 502: GitHub did not mint the token. Worth retrying later. */
export class GitHubUnavailableError extends refusal("GitHubUnavailableError", "github_unavailable") {}
/** 503: INTERNAL_API_TOKENS is not set on this deployment. */
export class InternalApiDisabledError extends refusal("InternalApiDisabledError", "internal_api_disabled") {}
/** 503: GitHub Connect cannot reach its database. Worth retrying shortly. */
export class DatabaseUnavailableError extends refusal("DatabaseUnavailableError", "database_unavailable") {}
/** 500: anything else on GitHub Connect's side. */
export class InternalError extends refusal("InternalError", "internal_error") {}

const BY_CODE: Record<string, Refusal> = {
  not_connected: NotConnectedError,
  installation_suspended: InstallationSuspendedError,
  installation_deleted: InstallationDeletedError,
  permission_not_granted: PermissionNotGrantedError,
  repository_not_reachable: RepositoryNotReachableError,
  legacy_token_not_scopable: LegacyTokenNotScopableError,
  invalid_scope: InvalidScopeError,
  invalid_organization_id: InvalidOrganizationIdError,
  unauthorized: UnauthorizedError,
  too_many_attempts: TooManyAttemptsError,
  github_unavailable: GitHubUnavailableError,
  internal_api_disabled: InternalApiDisabledError,
  database_unavailable: DatabaseUnavailableError,
  internal_error: InternalError,
};

/** The typed error for an answer that was not 2xx; a code this version does not know is a plain GitHubConnectError with that code. */
export function errorFromAnswer(status: number, body: unknown, headers: Headers): GitHubConnectError {
  const { error, message } = (typeof body === "object" && body !== null ? body : {}) as {
    error?: unknown;
    message?: unknown;
  };
  const text = typeof message === "string" ? message : `GitHub Connect answered ${status}`;
  if (typeof error !== "string") return new GitHubConnectError("unexpected_answer", status, text);
  const Known = BY_CODE[error];
  if (!Known) return new GitHubConnectError(error, status, text);
  const typed = new Known(status, text);
  if (typed instanceof TooManyAttemptsError) {
    const retryAfter = Number(headers.get("retry-after"));
    typed.retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  }
  return typed;
}
