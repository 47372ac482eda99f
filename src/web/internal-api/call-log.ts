import type { RequestHandler } from "express";

declare module "express-serve-static-core" {
  interface Locals {
    /** Which of INTERNAL_API_TOKENS the caller presented (0 is the first): logged, so a rotation can be watched. */
    serviceTokenIndex?: number;
    /** The organization the call was about, once its id was read. */
    organizationId?: string;
    /** "issued", "state", or the error code the caller was sent. */
    outcome?: string;
    /** What else the log line should say about the call (installation id, credential kind, scoped or not). */
    callDetails?: Record<string, unknown>;
  }
}

/** One line per authorized service call, when its answer is sent: who (by token index), about which org, with what outcome. Never a token. */
export const logServiceCall: RequestHandler = (req, res, next) => {
  res.on("finish", () => {
    const { serviceTokenIndex, organizationId, outcome, callDetails } = res.locals;
    req.log.info(
      {
        serviceTokenIndex,
        organizationId,
        outcome,
        status: res.statusCode,
        method: req.method,
        route: req.route?.path,
        ...callDetails,
      },
      "internal API call",
    );
  });
  next();
};
