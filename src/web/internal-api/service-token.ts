import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import "./call-log.js";
import { sendApiError } from "./errors.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Finds which configured token was presented. Hashes first, so every comparison is of two
 * 32-byte values whatever was sent, and every configured token is compared, match or not.
 */
function createServiceTokenMatcher(tokens: readonly string[]): (presented: string | undefined) => number | undefined {
  const expected = tokens.map(digest);
  return (presented) => {
    const candidate = digest(presented ?? "");
    let match: number | undefined;
    expected.forEach((hash, index) => {
      if (timingSafeEqual(hash, candidate)) match ??= index;
    });
    return match;
  };
}

function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(header ?? "")?.[1];
}

/** 401, the same answer for a missing and a wrong token; the log says which, never the token. */
export function requireServiceToken(tokens: readonly string[]): RequestHandler {
  const match = createServiceTokenMatcher(tokens);
  return (req, res, next) => {
    const presented = bearerToken(req.get("authorization"));
    const index = match(presented);
    if (index === undefined) {
      req.log.warn(
        {
          path: req.path,
          outcome: "unauthorized",
          reason: presented === undefined ? "no bearer token" : "unknown token",
        },
        "internal API call refused",
      );
      res.set("www-authenticate", 'Bearer realm="github-connect-internal"');
      sendApiError(
        res,
        401,
        "unauthorized",
        "A service token is required: send Authorization: Bearer <one of this deployment's INTERNAL_API_TOKENS>.",
      );
      return;
    }
    res.locals.serviceTokenIndex = index;
    req.log = req.log.child({ serviceTokenIndex: index });
    next();
  };
}
