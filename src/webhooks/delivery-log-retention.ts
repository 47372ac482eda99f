import type { Logger } from "pino";
import type { Models } from "../models/index.js";
import { DELIVERY_RETENTION_MS } from "../models/webhook-delivery.js";

/**
 * Deletes the deliveries, and the bodies remembered with them, last received more than
 * `retentionMs` before `now`; returns how many rows. MongoDB's TTL index does this by itself;
 * FerretDB 1.x has none, so start-up calls this too. One range delete on each receivedAt index:
 * cheap once the backlog is gone.
 */
export async function pruneDeliveryLog(
  models: Pick<Models, "WebhookDelivery" | "WebhookBody">,
  now: Date,
  retentionMs = DELIVERY_RETENTION_MS,
): Promise<number> {
  const expired = { receivedAt: { $lt: new Date(now.getTime() - retentionMs) } };
  const deliveries = await models.WebhookDelivery.deleteMany(expired);
  const bodies = await models.WebhookBody.deleteMany(expired);
  return deliveries.deletedCount + bodies.deletedCount;
}

/** pruneDeliveryLog for start-up: housekeeping, so a failure is logged and start-up goes on. */
export async function pruneDeliveryLogAtStartUp(
  models: Pick<Models, "WebhookDelivery" | "WebhookBody">,
  now: Date,
  log: Pick<Logger, "info" | "warn">,
): Promise<void> {
  try {
    const deleted = await pruneDeliveryLog(models, now);
    if (deleted > 0) log.info({ deleted }, "delivery log pruned");
  } catch (error) {
    log.warn({ err: error }, "delivery log not pruned; start-up goes on");
  }
}
