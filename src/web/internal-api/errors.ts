import type { ErrorRequestHandler, Request, Response } from "express";
import { isDatabaseUnavailable } from "../../db/database-errors.js";
import {
  GitHubNotConnectedError,
  GitHubTokenUnavailableError,
  InstallationDeletedError,
  InstallationSuspendedError,
  LegacyTokenNotScopableError,
  PermissionNotGrantedError,
  RepositoryNotReachableError,
} from "../../credentials/credential-errors.js";
import { InvalidTokenScopeError } from "../../credentials/token-scope.js";
import { describeGitHubFailure, failureLevel, gitHubFailure } from "../../github/request-failure.js";
import { messageOf } from "../../lib/error-details.js";

/** A refusal of the internal API's own (a bad path or body): status, a stable code, and words for the caller. */
export class InternalApiError extends Error {
  override name = "InternalApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiErrorBody {
  status: number;
  error: string;
  message: string;
}

/** Every answer the internal API gives a service when it gives no credential. */
export function sendApiError(res: Response, status: number, error: string, message: string): void {
  res.status(status).json({ error, message });
}

const BODY_PARSER: Record<string, ApiErrorBody> = {
  "entity.too.large": { status: 413, error: "body_too_large", message: "The request body is larger than 16 KB." },
  "entity.parse.failed": { status: 400, error: "invalid_json", message: "The request body is not valid JSON." },
  "encoding.unsupported": {
    status: 415,
    error: "unsupported_media_type",
    message: "The request body's encoding is not supported: send plain or gzip JSON.",
  },
  "charset.unsupported": {
    status: 415,
    error: "unsupported_media_type",
    message: "The request body must be UTF-8 JSON.",
  },
};

/** The status and code a service sees for each domain error; null for the unexpected (500). */
function describeApiError(error: unknown): ApiErrorBody | null {
  const message = (error as Error).message;
  if (error instanceof InternalApiError) return { status: error.status, error: error.code, message };
  if (error instanceof InvalidTokenScopeError)
    return { status: 400, error: "invalid_scope", message: `Invalid scope: ${message}.` };
  if (error instanceof GitHubNotConnectedError) return { status: 404, error: "not_connected", message };
  if (error instanceof InstallationSuspendedError) return { status: 409, error: "installation_suspended", message };
  if (error instanceof InstallationDeletedError) return { status: 410, error: "installation_deleted", message };
  if (error instanceof PermissionNotGrantedError) return { status: 422, error: "permission_not_granted", message };
  if (error instanceof RepositoryNotReachableError) return { status: 422, error: "repository_not_reachable", message };
  if (error instanceof LegacyTokenNotScopableError) return { status: 422, error: "legacy_token_not_scopable", message };
  if (error instanceof GitHubTokenUnavailableError) return { status: 502, error: "github_unavailable", message };
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      error: "database_unavailable",
      message: "GitHub Connect cannot reach its database right now; try again shortly.",
    };
  }
  const type = (error as { type?: unknown }).type;
  if (typeof type === "string" && BODY_PARSER[type]) return BODY_PARSER[type];
  const status = bodyParserStatus(error);
  if (status !== null) return { status, error: "invalid_body", message: UNREADABLE_BODY };
  return null;
}

const UNREADABLE_BODY = "The request body could not be read: check that it is JSON sent as its Content-Encoding says.";

/**
 * The 4xx body-parser gives a body it could not read for a reason it has no `type` for (a corrupt
 * gzip or br stream, an aborted upload). Its errors come from http-errors, which sets `statusCode`
 * and `expose`; Octokit's errors have a `status` of GitHub's, and are not the caller's fault.
 */
function bodyParserStatus(error: unknown): number | null {
  const { statusCode, expose } = error as { statusCode?: unknown; expose?: unknown };
  return typeof statusCode === "number" && expose === true && statusCode >= 400 && statusCode < 500 ? statusCode : null;
}

/**
 * Why GitHub gave no token, for the operator: GitHub's status and words and the host that was
 * asked, at warn when GitHub was at fault (5xx, no answer) and error when we were (a refused JWT,
 * a request that never left). Picked field by field: the cause carries the request's headers.
 */
function logTokenRefusal(req: Request, res: Response, error: GitHubTokenUnavailableError): void {
  const failure = gitHubFailure(error.cause);
  const level = failureLevel(failure);
  // The access line of the same call says it at the same level.
  res.locals.accessLogLevel = level;
  const github = failure
    ? { status: failure.status, message: failure.message, host: failure.host, request: failure.request }
    : { error: messageOf(error.cause) };
  req.log[level](
    { installationId: error.installationId, organizationId: res.locals.organizationId, github },
    failure
      ? `no token for installation ${error.installationId}: ${describeGitHubFailure(failure)}`
      : `no token for installation ${error.installationId}: the mint failed before GitHub answered`,
  );
}

/** JSON `{error, message}` for everything under /api/internal, never a page or a stack. */
export const internalApiErrorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const known = describeApiError(error);
  res.locals.outcome = known?.error ?? "internal_error";
  if (error instanceof GitHubTokenUnavailableError) logTokenRefusal(req, res, error);
  if (known) {
    if (!res.headersSent) sendApiError(res, known.status, known.error, known.message);
    return;
  }
  req.log.error({ err: error, path: req.path }, "internal API call failed");
  if (!res.headersSent)
    sendApiError(res, 500, "internal_error", "Something went wrong in GitHub Connect; try again shortly.");
};
