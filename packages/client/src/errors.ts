/** Every refusal GitHub Connect's internal API answers with, as `{ "error": code, "message": … }`. */
export type ApiErrorCode =
  | "invalid_organization_id"
  | "invalid_scope"
  | "invalid_cursor"
  | "invalid_limit"
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

/** The body of every refusal. */
export interface ApiErrorAnswer {
  error: ApiErrorCode;
  message: string;
}

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

/** 404: the organization never connected GitHub (and is not a legacy tenant). */
export class NotConnectedError extends GitHubConnectError {
  declare readonly code: "not_connected";
  override name = "NotConnectedError";
  constructor(status: number, message: string) {
    super("not_connected", status, message);
  }
}

/** 409: the App is suspended on the organization's account; nothing routes around it. */
export class InstallationSuspendedError extends GitHubConnectError {
  declare readonly code: "installation_suspended";
  override name = "InstallationSuspendedError";
  constructor(status: number, message: string) {
    super("installation_suspended", status, message);
  }
}

/** 410: the App was uninstalled and no legacy token applies. */
export class InstallationDeletedError extends GitHubConnectError {
  declare readonly code: "installation_deleted";
  override name = "InstallationDeletedError";
  constructor(status: number, message: string) {
    super("installation_deleted", status, message);
  }
}

/** 422: a permission the installation lacks, or a level above its own. */
export class PermissionNotGrantedError extends GitHubConnectError {
  declare readonly code: "permission_not_granted";
  override name = "PermissionNotGrantedError";
  constructor(status: number, message: string) {
    super("permission_not_granted", status, message);
  }
}

/** 422: a repository the installation cannot reach. */
export class RepositoryNotReachableError extends GitHubConnectError {
  declare readonly code: "repository_not_reachable";
  override name = "RepositoryNotReachableError";
  constructor(status: number, message: string) {
    super("repository_not_reachable", status, message);
  }
}

/** 422: a scope asked of an organization that has only the legacy token. */
export class LegacyTokenNotScopableError extends GitHubConnectError {
  declare readonly code: "legacy_token_not_scopable";
  override name = "LegacyTokenNotScopableError";
  constructor(status: number, message: string) {
    super("legacy_token_not_scopable", status, message);
  }
}

/** 400: the scope is not `{ repositoryIds?, permissions? }`. */
export class InvalidScopeError extends GitHubConnectError {
  declare readonly code: "invalid_scope";
  override name = "InvalidScopeError";
  constructor(status: number, message: string) {
    super("invalid_scope", status, message);
  }
}

/** 400: the organization id is not 1–64 letters, digits, `_` or `-`. */
export class InvalidOrganizationIdError extends GitHubConnectError {
  declare readonly code: "invalid_organization_id";
  override name = "InvalidOrganizationIdError";
  constructor(status: number, message: string) {
    super("invalid_organization_id", status, message);
  }
}

/** 400: `events.list()`'s `after` is not a cursor the feed answered (or one from another deployment). */
export class InvalidCursorError extends GitHubConnectError {
  declare readonly code: "invalid_cursor";
  override name = "InvalidCursorError";
  constructor(status: number, message: string) {
    super("invalid_cursor", status, message);
  }
}

/** 400: `events.list()`'s `limit` is not 1–500. */
export class InvalidLimitError extends GitHubConnectError {
  declare readonly code: "invalid_limit";
  override name = "InvalidLimitError";
  constructor(status: number, message: string) {
    super("invalid_limit", status, message);
  }
}

/** 401: no service token, or not one of the deployment's INTERNAL_API_TOKENS. */
export class UnauthorizedError extends GitHubConnectError {
  declare readonly code: "unauthorized";
  override name = "UnauthorizedError";
  constructor(status: number, message: string) {
    super("unauthorized", status, message);
  }
}

/** 429: too many failed service tokens from this address; `retryAfterSeconds` says how long to wait. */
export class TooManyAttemptsError extends GitHubConnectError {
  declare readonly code: "too_many_attempts";
  override name = "TooManyAttemptsError";
  retryAfterSeconds: number | null = null;
  constructor(status: number, message: string) {
    super("too_many_attempts", status, message);
  }
}

/** 502: GitHub did not mint the token. Worth retrying later. */
export class GitHubUnavailableError extends GitHubConnectError {
  declare readonly code: "github_unavailable";
  override name = "GitHubUnavailableError";
  constructor(status: number, message: string) {
    super("github_unavailable", status, message);
  }
}

/** 503: INTERNAL_API_TOKENS is not set on this deployment. */
export class InternalApiDisabledError extends GitHubConnectError {
  declare readonly code: "internal_api_disabled";
  override name = "InternalApiDisabledError";
  constructor(status: number, message: string) {
    super("internal_api_disabled", status, message);
  }
}

/** 503: GitHub Connect cannot reach its database. Worth retrying shortly. */
export class DatabaseUnavailableError extends GitHubConnectError {
  declare readonly code: "database_unavailable";
  override name = "DatabaseUnavailableError";
  constructor(status: number, message: string) {
    super("database_unavailable", status, message);
  }
}

/** 500: anything else on GitHub Connect's side. */
export class InternalError extends GitHubConnectError {
  declare readonly code: "internal_error";
  override name = "InternalError";
  constructor(status: number, message: string) {
    super("internal_error", status, message);
  }
}

/**
 * Each code's class. `null`: a plain GitHubConnectError with that code, for refusals of a request this
 * client never sends (a body that is not its JSON, a path it does not call): they mean a bug or a
 * deployment that is not GitHub Connect, nothing a caller handles. `satisfies` makes every
 * ApiErrorCode appear here; test/contract/client-types.test.ts holds the codes to the API's description.
 */
export const ERROR_CLASSES = {
  invalid_organization_id: InvalidOrganizationIdError,
  invalid_scope: InvalidScopeError,
  invalid_cursor: InvalidCursorError,
  invalid_limit: InvalidLimitError,
  invalid_json: null,
  invalid_body: null,
  unauthorized: UnauthorizedError,
  not_connected: NotConnectedError,
  not_found: null,
  installation_suspended: InstallationSuspendedError,
  installation_deleted: InstallationDeletedError,
  body_too_large: null,
  unsupported_media_type: null,
  permission_not_granted: PermissionNotGrantedError,
  repository_not_reachable: RepositoryNotReachableError,
  legacy_token_not_scopable: LegacyTokenNotScopableError,
  too_many_attempts: TooManyAttemptsError,
  github_unavailable: GitHubUnavailableError,
  internal_api_disabled: InternalApiDisabledError,
  database_unavailable: DatabaseUnavailableError,
  internal_error: InternalError,
} as const satisfies Record<ApiErrorCode, Refusal | null>;

/** The typed error for an answer that was not 2xx; a code this version does not know is a plain GitHubConnectError with that code. */
export function errorFromAnswer(status: number, body: unknown, headers: Headers): GitHubConnectError {
  const { error, message } = (typeof body === "object" && body !== null ? body : {}) as {
    [Key in keyof ApiErrorAnswer]?: unknown;
  };
  const text = typeof message === "string" ? message : `GitHub Connect answered ${status}`;
  if (typeof error !== "string") return new GitHubConnectError("unexpected_answer", status, text);
  const Known = Object.hasOwn(ERROR_CLASSES, error) ? ERROR_CLASSES[error as ApiErrorCode] : null;
  if (!Known) return new GitHubConnectError(error, status, text);
  const typed = new Known(status, text);
  if (typed instanceof TooManyAttemptsError) {
    const retryAfter = Number(headers.get("retry-after"));
    typed.retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  }
  return typed;
}
