import type { Request, Response } from "express";
import type { Logger } from "pino";
import { pinoHttp, type HttpLogger } from "pino-http";
import { chooseRequestId } from "./request-id.js";

declare module "express-serve-static-core" {
  interface Locals {
    /** The access line's level when the handler knew better than the status (a 502 for GitHub's outage is a warning). */
    accessLogLevel?: "warn" | "error";
  }
}

export interface AccessLogDeps {
  log: Logger;
  /** An id the platform vouches for (API Gateway's on Lambda); it wins over the client's x-request-id. */
  platformRequestId?: (req: Request) => string | undefined;
}

/**
 * The path and the names of its query parameters, never their values: OAuth's `code` and
 * `state`, and GitHub's App registration code, arrive in the query.
 */
function redactQuery(url: string): string {
  const at = url.indexOf("?");
  if (at === -1) return url;
  const names = [...new URLSearchParams(url.slice(at + 1)).keys()];
  return `${url.slice(0, at)}?${names.map((name) => `${encodeURIComponent(name)}=[redacted]`).join("&")}`;
}

/** Files a page loads (stylesheet, icon) and health checks: one line per page at info is enough. */
const QUIET_PATHS = /^\/(assets\/|(favicon\.ico|healthz)(\?|$))/;

/** Why a request was refused (4xx), for its access line; the error handler sets it. */
export function noteRefusal(res: Response, reason: string): void {
  res.locals.refusedBecause = reason;
}

/**
 * pino-http: names each request (x-request-id on the answer, `requestId` on `req.log` and every
 * line logged through it) and writes one access line when the answer is finished, at info, warn
 * for 4xx (with the reason), error for 5xx; debug for the files a page loads and for health checks.
 * The line holds the method, the path with the query redacted, the status, the time taken and who
 * was signed in: never headers, cookies or query values.
 */
export function accessLog(deps: AccessLogDeps): HttpLogger<Request, Response> {
  return pinoHttp<Request, Response>({
    logger: deps.log,
    genReqId(req, res) {
      const sent = req.headers["x-request-id"];
      const id = chooseRequestId(typeof sent === "string" ? sent : undefined, deps.platformRequestId?.(req));
      res.setHeader("x-request-id", id);
      return id;
    },
    customAttributeKeys: { reqId: "requestId" },
    // req.log binds the id only; the request itself goes on the access line alone.
    quietReqLogger: true,
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: redactQuery(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (req, res, error) => {
      if (res.locals?.accessLogLevel && !error) return res.locals.accessLogLevel;
      if (error || res.statusCode >= 500) return "error";
      if (res.statusCode >= 400) return "warn";
      // originalUrl: inside /assets Express strips the mount point from req.url.
      return QUIET_PATHS.test(req.originalUrl ?? req.url) ? "debug" : "info";
    },
    // Read when the answer is finished, after the session middleware has set req.auth.
    customProps: (req, res) => ({
      ...(req.auth ? { userId: req.auth.userId, organizationId: req.auth.organizationId } : {}),
      ...(typeof res.locals?.refusedBecause === "string" ? { reason: res.locals.refusedBecause } : {}),
    }),
    // The error handler has already logged the error with its stack under the same requestId.
    customErrorObject: (_req, _res, _error, line: { res: unknown; responseTime: number }) => ({
      res: line.res,
      responseTime: line.responseTime,
    }),
  });
}
