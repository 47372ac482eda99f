import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

/**
 * One event on its way to one endpoint (EVENT_ENDPOINTS): written only by src/events/dispatcher.ts.
 * `claimToken` changes after every attempt, so each attempt is claimed once (EventDeliveryClaim).
 */
const eventDeliverySchema = new Schema(
  {
    eventId: { type: String, required: true },
    /** The event's _id in the log: the dispatcher's scan cursor. */
    eventObjectId: { type: Schema.Types.ObjectId, required: true },
    organizationId: { type: String, required: true },
    endpoint: { type: String, required: true },
    status: { type: String, enum: ["pending", "delivered", "failed"], required: true },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    claimToken: { type: String, required: true },
    lastStatus: { type: Number, default: null },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
    deliveredAt: { type: Date, default: null },
    /** When the last attempt was settled (the console's "when"); null before the first. */
    lastAttemptAt: { type: Date, default: null },
  },
  { collection: "event_deliveries" },
);

eventDeliverySchema.index({ eventId: 1, endpoint: 1 }, { unique: true });
eventDeliverySchema.index({ status: 1, nextAttemptAt: 1 });
eventDeliverySchema.index({ eventObjectId: -1 });
// The operator console's per-endpoint counts and newest success or error (src/events/outbound-summary.ts).
eventDeliverySchema.index({ endpoint: 1, status: 1, deliveredAt: -1 });
eventDeliverySchema.index({ endpoint: 1, eventObjectId: -1 });
// The operator console's failed list, newest attempt first (src/events/outbound-listing.ts).
eventDeliverySchema.index({ status: 1, lastAttemptAt: -1 });

export type EventDeliveryDoc = InferSchemaType<typeof eventDeliverySchema>;
export type EventDeliveryModel = Model<EventDeliveryDoc>;

export function eventDeliveryModel(connection: Connection): EventDeliveryModel {
  return connection.model<EventDeliveryDoc>("EventDelivery", eventDeliverySchema);
}

/**
 * Who makes the next attempt of a delivery: one document per (delivery, claimToken it was read
 * with). The unique index decides between two dispatchers that read the same state, as the
 * database enforces it on every backend (a conditional update does not on FerretDB 1.x).
 */
const eventDeliveryClaimSchema = new Schema(
  {
    deliveryId: { type: Schema.Types.ObjectId, required: true },
    claimToken: { type: String, required: true },
    /** After this the holder is taken for dead: another dispatcher may take the attempt over. */
    expiresAt: { type: Date, required: true },
  },
  { collection: "event_delivery_claims" },
);

eventDeliveryClaimSchema.index({ deliveryId: 1, claimToken: 1 }, { unique: true });

export type EventDeliveryClaimDoc = InferSchemaType<typeof eventDeliveryClaimSchema>;
export type EventDeliveryClaimModel = Model<EventDeliveryClaimDoc>;

export function eventDeliveryClaimModel(connection: Connection): EventDeliveryClaimModel {
  return connection.model<EventDeliveryClaimDoc>("EventDeliveryClaim", eventDeliveryClaimSchema);
}

/**
 * How far the dispatchers' scans have read the log (one document, "scan"): where a new process
 * starts. Not the newest event with a delivery: on Lambda the invocation that records an event
 * creates its delivery itself, ahead of the scans, so that one can be newer than an event no scan
 * has reached yet.
 */
const eventScanCheckpointSchema = new Schema(
  {
    name: { type: String, required: true },
    /** The _id of the newest event a scan has read. */
    scannedThrough: { type: Schema.Types.ObjectId, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: "event_scan_checkpoints" },
);

eventScanCheckpointSchema.index({ name: 1 }, { unique: true });

export type EventScanCheckpointDoc = InferSchemaType<typeof eventScanCheckpointSchema>;
export type EventScanCheckpointModel = Model<EventScanCheckpointDoc>;

export function eventScanCheckpointModel(connection: Connection): EventScanCheckpointModel {
  return connection.model<EventScanCheckpointDoc>("EventScanCheckpoint", eventScanCheckpointSchema);
}
