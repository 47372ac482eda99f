import { Router, type Request } from "express";
import { accountDisplayName } from "../../github/account.js";
import { pageWindow } from "../../repos/repo-listing.js";
import { DELIVERY_ID } from "../../webhooks/delivery-headers.js";
import { REDELIVER_PAGES_MAX, requestRedelivery, type RedeliveryAnswer } from "../../webhooks/operator-redelivery.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { HttpError, NotFoundError } from "../http-error.js";
import { requestedPage } from "../pagination.js";
import { addFlash } from "../session/flow.js";
import { operatorActor } from "./operator-access.js";
import { OPERATOR_PAGE_SIZE, OPERATOR_PAGES } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";
import { consolePagination, instantView, number } from "./console-format.js";

export const REDELIVER_PATH = `${OPERATOR_PAGES.webhookDeliveries}/:deliveryId/redeliver`;
export const redeliverPath = (deliveryId: string) =>
  `${OPERATOR_PAGES.webhookDeliveries}/${encodeURIComponent(deliveryId)}/redeliver`;

/** The deliveries an operator may need to act on: failed here, or still (or stuck) being applied. */
const NEEDS_LOOKING_AT = { status: { $in: ["failed", "processing"] } };

function deliveryIdOf(req: Request): string {
  const raw = req.params.deliveryId;
  if (typeof raw !== "string" || !DELIVERY_ID.test(raw))
    throw new NotFoundError("There is no delivery with this id: it is not a delivery id.");
  return raw;
}

/** What GitHub answered, as the flash says it. */
function answerFlash(deliveryId: string, answer: RedeliveryAnswer): { kind: "success" | "error"; message: string } {
  switch (answer.outcome) {
    case "accepted":
      return {
        kind: "success",
        message: `GitHub accepted the redelivery of ${deliveryId} (202): it sends the delivery again in a moment, and this list shows how it went.`,
      };
    case "refused":
      return {
        kind: "error",
        message: `GitHub refused to redeliver ${deliveryId} (${answer.status}): “${answer.message}”. Nothing was sent again.`,
      };
    case "not-listed":
      return {
        kind: "error",
        message: `GitHub does not list ${deliveryId} among the App's newest deliveries (${number(answer.pagesRead)} ${answer.pagesRead === 1 ? "page" : "pages"} read, at most ${REDELIVER_PAGES_MAX}): GitHub keeps deliveries about 3 days. Nothing was asked.`,
      };
    case "not-app-webhook":
      return {
        kind: "error",
        message: `${deliveryId} came to the Marketplace listing's webhook, which GitHub does not redeliver through the App: redeliver it from the listing's page on GitHub. Nothing was asked.`,
      };
    case "unavailable":
      return {
        kind: "error",
        message: `GitHub could not be asked to redeliver ${deliveryId}: ${answer.message} Nothing was changed.`,
      };
  }
}

/**
 * Webhook deliveries (docs/operator-console.md): the deliveries that failed here or are still
 * being applied, newest first, and Redeliver, which asks GitHub to send one again and says what
 * GitHub answered.
 */
export function webhookDeliveriesRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();

  router.get(OPERATOR_PAGES.webhookDeliveries, async (req, res) => {
    const { WebhookDelivery, GitHubInstallation } = deps.models;
    const total = await WebhookDelivery.countDocuments(NEEDS_LOOKING_AT);
    const page = pageWindow(requestedPage(req.query.page), total, OPERATOR_PAGE_SIZE);
    const deliveries =
      total === 0
        ? []
        : await WebhookDelivery.find(NEEDS_LOOKING_AT)
            .sort({ receivedAt: -1, deliveryId: 1 })
            .skip(page.skip)
            .limit(page.limit)
            .lean();
    // One query for every row's installation, not one per row.
    const installationIds = [
      ...new Set(deliveries.map((d) => d.installationId).filter((id): id is number => typeof id === "number")),
    ];
    const installations = new Map(
      (installationIds.length === 0
        ? []
        : await GitHubInstallation.find(
            { installationId: { $in: installationIds } },
            { installationId: 1, accountLogin: 1, accountName: 1, organizationId: 1 },
          )
            .limit(installationIds.length)
            .lean()
      ).map((installation) => [installation.installationId, installation]),
    );
    const link = (n: number) => `${OPERATOR_PAGES.webhookDeliveries}?page=${n}`;
    renderOperatorPage(res, "webhookDeliveries", "operator-webhook-deliveries", {
      title: "Webhook deliveries",
      rows: deliveries.map((delivery) => {
        const installation =
          typeof delivery.installationId === "number" ? installations.get(delivery.installationId) : undefined;
        return {
          deliveryId: delivery.deliveryId,
          eventName: delivery.event,
          action: delivery.action ?? null,
          status: delivery.status,
          statusClass: delivery.status === "failed" ? "status-bad" : "status-warn",
          attempts: delivery.attempts ?? 1,
          received: instantView(delivery.receivedAt)!,
          installationId: delivery.installationId ?? null,
          account: installation ? accountDisplayName(installation) : null,
          organizationId: installation?.organizationId ?? null,
          source: delivery.source === "marketplace" ? "Marketplace listing" : null,
          error: delivery.error ?? null,
          redeliverUrl: delivery.source === "marketplace" ? null : redeliverPath(delivery.deliveryId),
        };
      }),
      totalText: `${number(total)} ${total === 1 ? "delivery" : "deliveries"} failed or being applied`,
      pagination: consolePagination(page, deliveries.length, total, ["delivery", "deliveries"], link),
    });
  });

  router.post(REDELIVER_PATH, async (req, res) => {
    const deliveryId = deliveryIdOf(req);
    if (!deps.hookDeliveries) throw new HttpError(503, "GitHub is not configured", "This server has no GitHub App.");
    const result = await requestRedelivery(
      { models: deps.models, now: deps.now, github: deps.hookDeliveries, log: req.log },
      deliveryId,
      operatorActor(req.auth!.email),
    );
    if (!result) throw new NotFoundError(`No webhook delivery ${deliveryId} is stored.`);
    const flash = answerFlash(deliveryId, result.answer);
    addFlash(req, flash.kind, flash.message);
    res.redirect(303, OPERATOR_PAGES.webhookDeliveries);
  });

  return router;
}
