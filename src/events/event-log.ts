import { randomBytes } from "node:crypto";
import { isDuplicateKeyError } from "../db/duplicate-key.js";
import { EVENT_RETENTION_MS } from "../models/event.js";
import type { Models } from "../models/index.js";

/** Every event type the domain writers record; docs/events.md describes each one. */
export const EVENT_TYPES = [
  "connection.linked",
  "connection.suspended",
  "connection.unsuspended",
  "connection.removed",
  "connection.account_renamed",
  "connection.permissions_changed",
  "repo.created",
  "repo.adopted",
  "repo.reachable",
  "repo.unreachable",
  "repo.renamed",
  "repo.archived",
  "repo.unarchived",
  "repo.deleted",
  "repo.transferred",
  "plan.changed",
  "plan.change_scheduled",
  "plan.change_cancelled",
  "operator.webhook_redelivery_requested",
  "operator.event_delivery_retried",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface NewEvent {
  type: EventType;
  /** null: an installation nobody has claimed yet; kept, never served by the feed. */
  organizationId?: string | null;
  data: Record<string, unknown>;
  /** The person who made the change, when one did ("operator:<email>"); kept for the console, never served. */
  actor?: string | null;
  /** "operators": the console's own record (e.g. a redelivery asked for), never sent to services nor in the feed. */
  audience?: "services" | "operators";
}

/** Matches the events services get (the feed and the dispatcher): not the console's own records. */
export const SERVED_TO_SERVICES = { audience: { $ne: "operators" } } as const;

/** The event as the feed (and every consumer) sees it. */
export interface PublicEvent {
  id: string;
  type: string;
  timestamp: string;
  /** Never null in the feed; null for an unclaimed installation's events, which only the operator sees. */
  organizationId: string | null;
  seq: number;
  data: Record<string, unknown>;
}

/** Enough for any realistic burst of one organization's writers at once; more is a bug worth a loud error. */
const MAX_SEQ_ATTEMPTS = 50;

export const newEventId = () => `evt_${randomBytes(16).toString("hex")}`;

/** What a listener hears of each event once it is in the log. */
export interface RecordedEvent {
  eventId: string;
  organizationId: string | null;
}
export type EventRecordedListener = (event: RecordedEvent) => void;

const recordedListeners = new Set<EventRecordedListener>();

/**
 * Calls `listener` after each event this process records, until the returned function is called.
 * A Lambda invocation collects the events it recorded this way (a container runs one invocation
 * at a time), to try their delivery before it answers; a listener's error never fails the record.
 */
export function onEventRecorded(listener: EventRecordedListener): () => void {
  recordedListeners.add(listener);
  return () => {
    recordedListeners.delete(listener);
  };
}

function notifyRecorded(event: RecordedEvent) {
  for (const listener of recordedListeners) {
    try {
      listener(event);
    } catch {
      // The change and its event are stored; hearing about it is the listener's concern.
    }
  }
}

/**
 * Records one event, numbered after the organization's last one. Not with a $inc counter:
 * FerretDB 1.x serves findAndModify as a read then a write, so two writers could take the same
 * number. Instead the unique index on (organizationId, seq) refuses a second insert of a number,
 * and the loser reads the last number again and tries the next. The sequence has no gaps and no
 * repeats on either database.
 */
export async function recordEvent(models: Pick<Models, "Event">, at: Date, event: NewEvent): Promise<string> {
  const organizationId = event.organizationId ?? null;
  const eventId = newEventId();
  for (let attempt = 0; attempt < MAX_SEQ_ATTEMPTS; attempt++) {
    const last = await models.Event.findOne({ organizationId }, { seq: 1 }).sort({ seq: -1 }).lean();
    try {
      await models.Event.create({
        eventId,
        type: event.type,
        timestamp: at,
        organizationId,
        data: event.data,
        seq: (last?.seq ?? 0) + 1,
        actor: event.actor ?? null,
        audience: event.audience ?? "services",
      });
      notifyRecorded({ eventId, organizationId });
      return eventId;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  throw new Error(
    `no sequence number for an event of ${organizationId ?? "no organization"} after ${MAX_SEQ_ATTEMPTS} tries`,
  );
}

/** Deletes the events older than `retentionMs` (MongoDB's TTL index does it by itself; FerretDB 1.x has none). */
export async function pruneEventLog(
  models: Pick<Models, "Event">,
  now: Date,
  retentionMs = EVENT_RETENTION_MS,
): Promise<number> {
  const result = await models.Event.deleteMany({ timestamp: { $lt: new Date(now.getTime() - retentionMs) } });
  return result.deletedCount;
}
