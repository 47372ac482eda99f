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
  },
  { collection: "webhook_deliveries" },
);

webhookDeliverySchema.index({ deliveryId: 1 }, { unique: true });
webhookDeliverySchema.index({ receivedAt: -1 });

export type WebhookDeliveryDoc = InferSchemaType<typeof webhookDeliverySchema>;
export type WebhookDeliveryModel = Model<WebhookDeliveryDoc>;

export function webhookDeliveryModel(connection: Connection): WebhookDeliveryModel {
  return connection.model<WebhookDeliveryDoc>("WebhookDelivery", webhookDeliverySchema);
}
