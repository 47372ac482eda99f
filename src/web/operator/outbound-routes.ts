import { Router } from "express";
import { Types } from "mongoose";
import { retryFailedDelivery } from "../../events/dispatcher.js";
import { findFailedDeliveries } from "../../events/outbound-listing.js";
import { summarizeOutbound } from "../../events/outbound-summary.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { HttpError, NotFoundError } from "../http-error.js";
import { requestedPage } from "../pagination.js";
import { addFlash } from "../session/flow.js";
import { operatorActor } from "./operator-access.js";
import { OPERATOR_PAGE_SIZE, OPERATOR_PAGES } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";
import { buildOutboundView } from "./outbound-view-model.js";

/** An event delivery's id in a URL: its ObjectId, 24 hex digits. */
export const EVENT_DELIVERY_ID_PATTERN = /^[0-9a-fA-F]{24}$/;

const REFUSED = "Nothing was retried";

/** Outbound events (docs/operator-console.md): each endpoint's state, the failed deliveries, and Retry. */
export function outboundRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();
  const endpoints = () => deps.config.eventDelivery?.endpoints ?? [];

  router.get(OPERATOR_PAGES.outbound, async (req, res) => {
    const [summaries, failed] = await Promise.all([
      summarizeOutbound(deps.models, { endpoints: endpoints() }),
      findFailedDeliveries(deps.models, requestedPage(req.query.page), OPERATOR_PAGE_SIZE),
    ]);
    renderOperatorPage(
      res,
      "outbound",
      "operator-outbound",
      buildOutboundView({ configured: deps.config.eventDelivery !== null, endpoints: summaries, failed }),
    );
  });

  router.post(`${OPERATOR_PAGES.outbound}/:deliveryId/retry`, async (req, res) => {
    const raw = req.params.deliveryId ?? "";
    const missing = new NotFoundError(`There is no outbound delivery with the id “${raw.slice(0, 40)}”.`);
    if (!EVENT_DELIVERY_ID_PATTERN.test(raw)) throw missing;
    const { actor, actorName } = operatorActor(req.auth!.email);
    const outcome = await retryFailedDelivery(deps.models, new Types.ObjectId(raw.toLowerCase()), deps.now(), {
      actor,
      actorName,
      endpoints: endpoints(),
    });
    switch (outcome.outcome) {
      case "not-found":
        throw missing;
      case "not-failed":
        throw new HttpError(
          409,
          REFUSED,
          outcome.status === "delivered"
            ? "This delivery is not failed: it was delivered. Retry only re-sends a failed delivery."
            : "This delivery is not failed: it is pending, and the dispatcher is still retrying it on its schedule. Retry only re-sends a failed delivery.",
        );
      case "endpoint-gone":
        throw new HttpError(
          409,
          REFUSED,
          `${outcome.endpoint} is no longer in EVENT_ENDPOINTS, so the event is not sent there again. Add it back to EVENT_ENDPOINTS to retry it.`,
        );
      case "event-gone":
        throw new HttpError(
          409,
          REFUSED,
          `The event ${outcome.eventId} is no longer in the event log (events are kept 30 days), so there is nothing to send. The service can read the current state from GET /api/internal/orgs/{id}/github.`,
        );
    }
    req.log.info(
      { eventId: outcome.eventId, endpoint: outcome.endpoint, organizationId: outcome.organizationId },
      "an operator retried a failed event delivery",
    );
    addFlash(
      req,
      "success",
      `${outcome.eventId} (${outcome.eventType}) for ${outcome.organizationId} is queued for ${outcome.endpoint} again: the dispatcher's next round sends it, with its full retry schedule.`,
    );
    res.redirect(303, OPERATOR_PAGES.outbound);
  });
  return router;
}
