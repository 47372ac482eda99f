import express, { Router, type Request, type RequestHandler } from "express";
import { ORGANIZATION_ID_PATTERN } from "../../config/service-access.js";
import type { Models } from "../../models/index.js";
import type { Credentials } from "../../credentials/credentials.js";
import { isScoped, parseTokenScope } from "../../credentials/token-scope.js";
import { decodeCursor, FEED_MAX_LIMIT, readEventPage } from "../../events/event-feed.js";
import { logServiceCall } from "./call-log.js";
import { connectionStateView } from "./connection-state.js";
import { InternalApiError, internalApiErrorHandler, sendApiError } from "./errors.js";
import { createFailedAttempts, SERVICE_TOKEN_LIMITS } from "./failed-attempts.js";
import { requireServiceToken } from "./service-token.js";

export interface InternalApiDeps {
  /** INTERNAL_API_TOKENS; empty: every call answers 503 internal_api_disabled. */
  tokens: readonly string[];
  credentials: Credentials;
  models: Models;
  now: () => Date;
}

/** A scope is a few hundred bytes; 500 repository ids fit in 5 KB. */
const BODY_LIMIT = "16kb";
const parseJson = express.json({ limit: BODY_LIMIT, strict: true, type: "application/json" });

/** A body that is not JSON is refused, not skipped: a scope read as "none" would be a wider token than asked for. */
const jsonScopeBody: RequestHandler = (req, res, next) => {
  // A POST with no body still says content-length: 0, which type-is counts as a body.
  if (req.get("content-length") === "0") return next();
  if (req.is("application/json") === false) {
    next(
      new InternalApiError(
        415,
        "unsupported_media_type",
        "Send the scope as JSON (Content-Type: application/json), or no body at all.",
      ),
    );
    return;
  }
  parseJson(req, res, next);
};

function organizationIdOf(req: Request): string {
  const id = req.params.organizationId;
  if (typeof id !== "string" || !ORGANIZATION_ID_PATTERN.test(id)) {
    throw new InternalApiError(
      400,
      "invalid_organization_id",
      "The organization id must be a WorkOS organization id: 1 to 64 letters, digits, _ or -.",
    );
  }
  return id;
}

const single = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The feed's query: ?after=<cursor>&limit=<1..500>&organizationId=<id>, each checked. */
function feedQueryOf(req: Request) {
  const { after, limit, organizationId } = req.query;
  let cursor = null;
  if (after !== undefined) {
    cursor = single(after) === undefined ? null : decodeCursor(single(after) as string);
    if (!cursor)
      throw new InternalApiError(400, "invalid_cursor", "after must be a cursor the feed answered (its next).");
  }
  let count = 100;
  if (limit !== undefined) {
    const text = single(limit);
    count = text && /^\d{1,3}$/.test(text) ? Number(text) : 0;
    if (count < 1 || count > FEED_MAX_LIMIT)
      throw new InternalApiError(400, "invalid_limit", `limit must be a whole number from 1 to ${FEED_MAX_LIMIT}.`);
  }
  let organization: string | undefined;
  if (organizationId !== undefined) {
    organization = single(organizationId);
    if (!organization || !ORGANIZATION_ID_PATTERN.test(organization)) {
      throw new InternalApiError(
        400,
        "invalid_organization_id",
        "The organization id must be a WorkOS organization id: 1 to 64 letters, digits, _ or -.",
      );
    }
  }
  return { after: cursor, limit: count, organizationId: organization };
}

/**
 * /api/internal: GitHub credentials for other backend services, behind a service token. No
 * session, cookie or CSRF here (mounted before the session; the CSRF check skips /api/), and
 * nothing is cached by anyone between us and the caller.
 */
export function internalApiRoutes(deps: InternalApiDeps): Router {
  const api = Router();
  api.use((_req, res, next) => {
    res.set("cache-control", "no-store");
    next();
  });
  if (deps.tokens.length === 0) {
    api.use((req, res) => {
      req.log.warn({ path: req.path }, "internal API called but INTERNAL_API_TOKENS is not set");
      sendApiError(
        res,
        503,
        "internal_api_disabled",
        "The internal API is off on this deployment: its operator must set INTERNAL_API_TOKENS (comma-separated tokens of 32 or more characters) and restart it.",
      );
    });
  } else {
    // Per process: on Lambda each container counts its own failures.
    const failedAttempts = createFailedAttempts(SERVICE_TOKEN_LIMITS, deps.now);
    api.use(requireServiceToken(deps.tokens, failedAttempts), logServiceCall);

    api.post("/orgs/:organizationId/github-token", jsonScopeBody, async (req, res) => {
      const organizationId = organizationIdOf(req);
      res.locals.organizationId = organizationId;
      const scope = parseTokenScope(req.body);
      const issued = await deps.credentials.issueToken(organizationId, scope);
      res.locals.outcome = "issued";
      res.locals.callDetails = {
        source: issued.source,
        installationId: issued.installationId,
        scoped: isScoped(scope),
      };
      const { token, expiresAt, installationId, accountLogin, permissions, repositorySelection, source } = issued;
      res.json({
        token,
        expiresAt,
        installationId,
        accountLogin,
        permissions,
        repositorySelection,
        source,
        ...(issued.repositoryIds ? { repositoryIds: issued.repositoryIds } : {}),
      });
    });

    api.get("/orgs/:organizationId/github", async (req, res) => {
      const organizationId = organizationIdOf(req);
      res.locals.organizationId = organizationId;
      const view = await connectionStateView({ models: deps.models, credentials: deps.credentials }, organizationId);
      res.locals.outcome = "state";
      res.locals.callDetails = { state: view.state, credential: view.credential };
      res.json(view);
    });

    api.get("/events", async (req, res) => {
      const { after, limit, organizationId } = feedQueryOf(req);
      if (organizationId) res.locals.organizationId = organizationId;
      const page = await readEventPage(deps.models, { after, limit, organizationId });
      res.locals.outcome = "events";
      res.locals.callDetails = { events: page.events.length };
      res.json(page);
    });

    api.use((_req, _res, next) =>
      next(
        new InternalApiError(
          404,
          "not_found",
          "No such internal API endpoint: POST /api/internal/orgs/{organizationId}/github-token, GET /api/internal/orgs/{organizationId}/github and GET /api/internal/events exist.",
        ),
      ),
    );
  }
  api.use(internalApiErrorHandler);

  const router = Router();
  router.use("/api/internal", api);
  return router;
}
