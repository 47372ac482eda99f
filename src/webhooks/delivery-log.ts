import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { upsertOrRead } from "../db/duplicate-key.js";
import type { Models } from "../models/index.js";
import type { DeliveryStatus } from "../models/webhook-delivery.js";

/** What applying a delivery did: "applied" changed state, "stale" was older than what is stored, "ignored" needed nothing. */
export type DeliveryOutcome = "applied" | "stale" | "ignored";

export interface DeliveryInfo {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  source: "app" | "marketplace";
  /** The sha256 of the delivered body (bodyDigest): a replay under a new delivery id has the same. */
  bodyDigest: string;
}

/**
 * The sha256 of a delivery's body, from the payload Probot hands on (it passes no bytes): a
 * signed body fixes its parse, and JSON.stringify of one parse gives the same text every time.
 */
export function bodyDigest(payload: unknown): string {
  return createHash("sha256").update(JSON.stringify(payload)).digest("hex");
}

/**
 * Remembers `deliveryId` as the first carrier of its body; returns the delivery that first
 * carried it (this one, or the one it replays). One upsert on the unique digest.
 */
async function firstCarrierOfBody(models: Models, info: DeliveryInfo, receivedAt: Date): Promise<string> {
  const { bodyDigest: digest, deliveryId } = info;
  const first = await upsertOrRead(
    () =>
      models.WebhookBody.findOneAndUpdate(
        { digest },
        { $setOnInsert: { digest, deliveryId, receivedAt } },
        { upsert: true, new: false, lean: true },
      ),
    () => models.WebhookBody.findOne({ digest }).lean(),
  );
  return first?.deliveryId ?? deliveryId;
}

/**
 * A second copy arriving while the first is still being applied is acknowledged, not run twice.
 * Kept near GitHub's 10 s timeout: an attempt that died without recording its failure (the
 * database went away) must not block the redelivery for long.
 */
const IN_FLIGHT_MS = 15_000;

/**
 * Runs `apply` at most once per X-GitHub-Delivery, and once per body. A delivery that failed
 * before runs again (that is what a redelivery is for, with the same id and body); one that
 * succeeded is acknowledged and skipped; a body an earlier delivery carried, under a new id (a
 * replay: the signature does not cover the id), is recorded as ignored and not applied.
 * Returns what happened, for the log line.
 */
export async function processDeliveryOnce(
  models: Models,
  now: () => Date,
  info: DeliveryInfo,
  log: Logger,
  apply: () => Promise<DeliveryOutcome>,
): Promise<DeliveryOutcome | "duplicate"> {
  const receivedAt = now();
  const { bodyDigest: _digest, ...row } = info;
  const previous = await upsertOrRead(
    () =>
      models.WebhookDelivery.findOneAndUpdate(
        { deliveryId: info.deliveryId },
        { $setOnInsert: { ...row, status: "processing", receivedAt, attempts: 1 } },
        { upsert: true, new: false, lean: true },
      ),
    () => models.WebhookDelivery.findOne({ deliveryId: info.deliveryId }).lean(),
  );
  if (previous) {
    const inFlight =
      previous.status === "processing" && receivedAt.getTime() - previous.receivedAt.getTime() < IN_FLIGHT_MS;
    if (previous.status === "processed" || previous.status === "ignored" || inFlight) {
      log.info({ status: previous.status }, "delivery already received; acknowledged without applying it again");
      return "duplicate";
    }
    await models.WebhookDelivery.updateOne(
      { deliveryId: info.deliveryId },
      { $set: { status: "processing", receivedAt, error: null }, $inc: { attempts: 1 } },
    );
  }

  try {
    const duplicateOf = await firstCarrierOfBody(models, info, receivedAt);
    if (duplicateOf !== info.deliveryId) {
      await models.WebhookDelivery.updateOne(
        { deliveryId: info.deliveryId },
        { $set: { status: "ignored", duplicateOf, processedAt: now() } },
      );
      log.info({ duplicateOf }, "the same body came under another delivery id; acknowledged without applying it again");
      return "duplicate";
    }
    const outcome = await apply();
    // A stale event was received and deliberately not applied: that is a success for GitHub.
    const status: DeliveryStatus = outcome === "ignored" ? "ignored" : "processed";
    await models.WebhookDelivery.updateOne({ deliveryId: info.deliveryId }, { $set: { status, processedAt: now() } });
    return outcome;
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await models.WebhookDelivery.updateOne(
      { deliveryId: info.deliveryId },
      { $set: { status: "failed", error: message.slice(0, 500), processedAt: now() } },
    ).catch(() => undefined); // the database may be what failed; the original error matters more
    throw error;
  }
}
