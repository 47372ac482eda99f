import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { isDatabaseUnavailable } from "../../db/database-errors.js";
import { describeGitHubFailure, gitHubFailure } from "../../github/request-failure.js";
import { GitHubUnavailableError } from "../../connect/connect-errors.js";
import { noteRefusal } from "./access-log.js";
import { connectErrorPage } from "../connect/connect-error-pages.js";
import { HttpError, NotFoundError } from "../http-error.js";
import { appNameOf } from "./page-identity.js";
import { renderPage } from "../render.js";

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFoundError());

function describe(raw: unknown, appName: string): { status: number; title: string; message: string } {
  const error = connectErrorPage(raw, appName) ?? raw;
  if (error instanceof HttpError) return { status: error.status, title: error.title, message: error.message };
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      title: "Temporarily unavailable",
      message: `${appName} cannot reach its database right now. Nothing was changed; try again in a minute.`,
    };
  }
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return {
      status,
      title: "Request not understood",
      message: "The request could not be read. Go back and try again.",
    };
  }
  return {
    status: 500,
    title: "Something went wrong",
    message: "Something went wrong on our side. Try again in a minute.",
  };
}

/**
 * A failed GitHub call is one line with its status and what to do, not Octokit's error (its
 * stack, the request's headers and the whole response); anything else keeps its stack.
 */
function logFailure(log: Logger, error: unknown, path: string): void {
  const github = gitHubFailure(error);
  if (github)
    log.error({ path, github: { status: github.status, request: github.request } }, describeGitHubFailure(github));
  else if (error instanceof GitHubUnavailableError)
    log.error({ path }, `GitHub did not answer as expected: ${error.message}`);
  else log.error({ err: error, path }, "request failed");
}

/** One place turns errors into pages: a person sees what happened, never a stack trace. */
export function createErrorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const { status, title, message } = describe(error, appNameOf(res));
    const reqLog = (req as { log?: Logger }).log ?? log;
    if (status >= 500) logFailure(reqLog, error, req.path);
    // A refusal is said once, on the request's access line.
    else noteRefusal(res, (error as Error).message);
    if (res.headersSent) return;
    if (req.path.startsWith("/api/") || !req.accepts("html")) {
      res.status(status).json({ error: message });
      return;
    }
    // The way back a person can use: their settings page once signed in, else the start.
    const back = req.auth?.organizationId
      ? { href: "/workspace/settings/repos", label: "Back to Settings" }
      : { href: "/", label: "Back to the start" };
    renderPage(res, "error", { title, message, status, back }, status);
  };
}
