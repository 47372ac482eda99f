import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";
import { NOT_IMPLEMENTED } from "./webhook-delivery.js";

/**
 * The event log (docs/events.md): one document per change a domain writer made, for the pull
 * feed and the services that follow it. Its _id (an ObjectId) orders it by insertion: the feed's
 * cursor. `seq` numbers an organization's events one by one (events without an organization are
 * numbered in their own sequence, under organizationId null).
 */
const eventSchema = new Schema(
  {
    /** "evt_" + 32 hex characters: the event's id everywhere (feed, deliveries), never changed. */
    eventId: { type: String, required: true },
    type: { type: String, required: true },
    timestamp: { type: Date, required: true },
    organizationId: { type: String, default: null },
    data: { type: Schema.Types.Mixed, default: () => ({}) },
    seq: { type: Number, required: true },
    /** Who made the change when a person did: "operator:<email>" for the console's actions; null otherwise. Never served. */
    actor: { type: String, default: null },
    /** "operators": recorded for the console only (its own actions), never served to services; absent or "services" otherwise. */
    audience: { type: String, default: "services" },
  },
  { collection: "events", minimize: false },
);

eventSchema.index({ eventId: 1 }, { unique: true });
// The per-organization sequence: a second insert of the same number fails, and the writer takes the next.
eventSchema.index({ organizationId: 1, seq: 1 }, { unique: true });
// The feed filtered by organization, in insertion order.
eventSchema.index({ organizationId: 1, _id: 1 });
// The index on timestamp is built by createEventTimestampIndex below: its TTL option is not for every database.

export type EventDoc = InferSchemaType<typeof eventSchema>;
export type EventModel = Model<EventDoc>;

export function eventModel(connection: Connection): EventModel {
  return connection.model<EventDoc>("Event", eventSchema);
}

/** How long the log keeps an event: as long as the delivery log keeps a delivery. */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The index on timestamp: a TTL index on MongoDB, a plain one where the database refuses TTL
 * indexes (FerretDB 1.x), where pruneEventLog (with the delivery log's prune) does the deleting.
 */
export async function createEventTimestampIndex(model: Pick<Model<unknown>, "collection">): Promise<"ttl" | "plain"> {
  try {
    await model.collection.createIndex(
      { timestamp: 1 },
      { name: "timestamp_1", expireAfterSeconds: EVENT_RETENTION_MS / 1000 },
    );
    return "ttl";
  } catch (error) {
    if ((error as { code?: unknown }).code !== NOT_IMPLEMENTED) throw error;
    await model.collection.createIndex({ timestamp: 1 }, { name: "timestamp_1" });
    return "plain";
  }
}
