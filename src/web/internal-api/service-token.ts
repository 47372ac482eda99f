import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import "./call-log.js";
import { sendApiError } from "./errors.js";
import type { FailedAttempts } from "./failed-attempts.js";

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

/**
 * 401, the same answer for a missing and a wrong token; the log says which, never the token.
 * An address past its allowance of failures gets 429 until its window ends, whatever it sends
 * (answering a right token then would still tell each guess apart); a right token is never counted.
 */
export function requireServiceToken(tokens: readonly string[], failedAttempts: FailedAttempts): RequestHandler {
  const match = createServiceTokenMatcher(tokens);
  return (req, res, next) => {
    const clientAddress = req.ip ?? "unknown";
    const retryAfter = failedAttempts.retryAfterSeconds(clientAddress);
    if (retryAfter > 0) {
      res.set("retry-after", String(retryAfter));
      sendApiError(
        res,
        429,
        "too_many_attempts",
        "Too many requests from this address presented no valid service token: wait the seconds Retry-After says, then try again with one of INTERNAL_API_TOKENS.",
      );
      return;
    }
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
      if (failedAttempts.recordFailure(clientAddress)) {
        req.log.warn(
          {
            clientAddress,
            failures: failedAttempts.failuresAllowed,
            retryAfter: failedAttempts.retryAfterSeconds(clientAddress),
          },
          "internal API: too many failed service tokens from one address",
        );
      }
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
