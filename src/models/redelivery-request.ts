import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

export const REDELIVERY_REASONS = ["failed-at-github", "failed-here", "stuck-here"] as const;
export type RedeliveryReason = (typeof REDELIVERY_REASONS)[number];

/**
 * A delivery (GitHub's guid, our X-GitHub-Delivery) the reconcile job asked GitHub to send again:
 * once per guid, ever. The unique index makes the claim, inserted before the request is made,
 * so two runs can never both ask; a claim whose request failed is removed for the next run.
 */
const redeliveryRequestSchema = new Schema(
  {
    guid: { type: String, required: true },
    /** The attempt (GET /app/hook/deliveries item id) redelivered. */
    attemptId: { type: Number, required: true },
    reason: { type: String, enum: REDELIVERY_REASONS, required: true },
    /** claimed: about to ask; requested: GitHub accepted (202); refused: GitHub answered 4xx, not asked again. */
    status: { type: String, enum: ["claimed", "requested", "refused"], required: true },
    holder: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    requestedAt: { type: Date, default: null },
  },
  { collection: "redelivery_requests" },
);

redeliveryRequestSchema.index({ guid: 1 }, { unique: true });
redeliveryRequestSchema.index({ claimedAt: 1 });

export type RedeliveryRequestDoc = InferSchemaType<typeof redeliveryRequestSchema>;
export type RedeliveryRequestModel = Model<RedeliveryRequestDoc>;

export function redeliveryRequestModel(connection: Connection): RedeliveryRequestModel {
  return connection.model<RedeliveryRequestDoc>("RedeliveryRequest", redeliveryRequestSchema);
}
