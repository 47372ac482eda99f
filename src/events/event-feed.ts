import { Types } from "mongoose";
import type { EventDoc } from "../models/event.js";
import type { Models } from "../models/index.js";
import { type PublicEvent, SERVED_TO_SERVICES } from "./event-log.js";

export const FEED_MAX_LIMIT = 500;

/** The feed's cursor: the base64url of the last event's _id (an ObjectId, which orders by insertion). Opaque to callers. */
export const encodeCursor = (id: Types.ObjectId): string => Buffer.from(id.toHexString(), "hex").toString("base64url");

/** The ObjectId a cursor names, or null when it is not one of ours. */
export function decodeCursor(cursor: string): Types.ObjectId | null {
  if (!/^[A-Za-z0-9_-]{16}$/.test(cursor)) return null;
  const bytes = Buffer.from(cursor, "base64url");
  if (bytes.length !== 12) return null;
  return new Types.ObjectId(bytes.toString("hex"));
}

/** A stored event as the feed serves it (organizationId null only for events the feed never serves). */
export function toPublicEvent(doc: EventDoc): PublicEvent {
  return {
    id: doc.eventId,
    type: doc.type,
    timestamp: doc.timestamp.toISOString(),
    organizationId: doc.organizationId ?? null,
    seq: doc.seq,
    data: (doc.data ?? {}) as Record<string, unknown>,
  };
}

export interface FeedPage {
  events: PublicEvent[];
  /** Where the next page starts: the last event's cursor, or the one asked with when there are no newer events. */
  next: string | null;
}

/**
 * One page of the feed, oldest first: events after `after` (none: from the oldest kept), of one
 * organization or of all that have one (events without an organization are never served). One
 * query on an index ({organizationId, _id} or _id), at most `limit` documents.
 */
export async function readEventPage(
  models: Pick<Models, "Event">,
  query: { after: Types.ObjectId | null; limit: number; organizationId?: string },
): Promise<FeedPage> {
  const filter: Record<string, unknown> = {
    organizationId: query.organizationId ?? { $ne: null },
    ...SERVED_TO_SERVICES,
  };
  if (query.after) filter._id = { $gt: query.after };
  const docs = await models.Event.find(filter).sort({ _id: 1 }).limit(query.limit).lean();
  const events = docs.map(toPublicEvent);
  const last = docs.at(-1);
  return { events, next: last ? encodeCursor(last._id) : query.after ? encodeCursor(query.after) : null };
}
