import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

/**
 * One row per delivered body, by its sha256: the signature covers the body and not
 * X-GitHub-Delivery, so a signed body replayed under a new delivery id is recognised by this.
 * Kept as long as the delivery log (DELIVERY_RETENTION_MS).
 */
const webhookBodySchema = new Schema(
  {
    digest: { type: String, required: true },
    /** The delivery that first carried this body: the one applied. */
    deliveryId: { type: String, required: true },
    receivedAt: { type: Date, required: true },
  },
  { collection: "webhook_bodies" },
);

webhookBodySchema.index({ digest: 1 }, { unique: true });
// The index on receivedAt is built by createReceivedAtIndex (webhook-delivery.ts), as the delivery log's.

export type WebhookBodyDoc = InferSchemaType<typeof webhookBodySchema>;
export type WebhookBodyModel = Model<WebhookBodyDoc>;

export function webhookBodyModel(connection: Connection): WebhookBodyModel {
  return connection.model<WebhookBodyDoc>("WebhookBody", webhookBodySchema);
}
