import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

export const DELIVERY_STATUSES = ["processing", "processed", "ignored", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One row per X-GitHub-Delivery: how a redelivery is recognised and skipped. */
const webhookDeliverySchema = new Schema(
  {
    deliveryId: { type: String, required: true },
    event: { type: String, required: true },
    action: { type: String, default: null },
    installationId: { type: Number, default: null },
    /** "app" (the App's webhook) or "marketplace" (the listing's webhook). */
    source: { type: String, default: "app" },
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    attempts: { type: Number, default: 1 },
    receivedAt: { type: Date, required: true },
    processedAt: { type: Date, default: null },
    error: { type: String, default: null },
    /** A delivery whose body an earlier one carried (a replay under a new id): that one's id; not applied. */
    duplicateOf: { type: String, default: null },
  },
  { collection: "webhook_deliveries" },
);

webhookDeliverySchema.index({ deliveryId: 1 }, { unique: true });
// The operator console's counts of failed and stuck deliveries in a window, and its list of them
// newest first (an index serves its sort in either direction).
webhookDeliverySchema.index({ status: 1, receivedAt: 1 });
// The index on receivedAt is built by createReceivedAtIndex below: its TTL option is not for every database.

export type WebhookDeliveryDoc = InferSchemaType<typeof webhookDeliverySchema>;
export type WebhookDeliveryModel = Model<WebhookDeliveryDoc>;

export function webhookDeliveryModel(connection: Connection): WebhookDeliveryModel {
  return connection.model<WebhookDeliveryDoc>("WebhookDelivery", webhookDeliverySchema);
}

/**
 * How long a delivery is remembered. GitHub keeps its own delivery log about 3 days and
 * redelivers with the same X-GitHub-Delivery, so a month covers every redelivery with room.
 */
export const DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** MongoDB's code for a feature the server does not have (FerretDB 1.x answers it to a TTL index). */
export const NOT_IMPLEMENTED = 238;

/**
 * The index on receivedAt (of the delivery log and of the bodies it remembers): a TTL index that
 * has MongoDB delete rows DELIVERY_RETENTION_MS after their last receipt, or a plain one (under
 * the same name) where the database refuses TTL indexes, as FerretDB 1.x does; there
 * pruneDeliveryLog (at start-up, hourly, each reconcile run) does the deleting.
 */
export async function createReceivedAtIndex(model: Pick<Model<unknown>, "collection">): Promise<"ttl" | "plain"> {
  try {
    await model.collection.createIndex(
      { receivedAt: 1 },
      { name: "receivedAt_1", expireAfterSeconds: DELIVERY_RETENTION_MS / 1000 },
    );
    return "ttl";
  } catch (error) {
    if ((error as { code?: unknown }).code !== NOT_IMPLEMENTED) throw error;
    await model.collection.createIndex({ receivedAt: 1 }, { name: "receivedAt_1" });
    return "plain";
  }
}
