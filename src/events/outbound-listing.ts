import type { Types } from "mongoose";
import type { Models } from "../models/index.js";
import { pageWindow, type PageWindow } from "../repos/repo-listing.js";

/*
 * The operator console's reads of the outbound deliveries (docs/operator-console.md "Outbound
 * events"): the failed deliveries, a bounded count and find along the (status, lastAttemptAt)
 * index, never one query per row. Each endpoint's figures are summarizeOutbound's (outbound-summary.ts).
 */

export interface FailedDeliveryRow {
  id: string;
  eventId: string;
  /** The event's type; null when the event was pruned from the log (kept 30 days). */
  eventType: string | null;
  organizationId: string;
  endpoint: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
}

export interface FailedDeliveryPage {
  rows: FailedDeliveryRow[];
  total: number;
  page: PageWindow;
}

/** One page of the failed deliveries, newest attempt first, with each event's type from one `$in` read. */
export async function findFailedDeliveries(
  models: Pick<Models, "EventDelivery" | "Event">,
  requested: number,
  pageSize: number,
): Promise<FailedDeliveryPage> {
  const total = await models.EventDelivery.countDocuments({ status: "failed" });
  const page = pageWindow(requested, total, pageSize);
  const deliveries = await models.EventDelivery.find({ status: "failed" })
    .sort({ lastAttemptAt: -1, _id: -1 })
    .skip(page.skip)
    .limit(page.limit)
    .lean<Array<{ _id: Types.ObjectId } & Record<string, unknown>>>();
  const eventIds = [...new Set(deliveries.map((delivery) => String(delivery.eventId)))];
  const events =
    eventIds.length === 0
      ? []
      : await models.Event.find({ eventId: { $in: eventIds } }, { eventId: 1, type: 1 })
          .limit(eventIds.length)
          .lean();
  const typeOf = new Map(events.map((event) => [event.eventId, event.type]));
  const rows = deliveries.map((delivery) => ({
    id: delivery._id.toHexString(),
    eventId: String(delivery.eventId),
    eventType: typeOf.get(String(delivery.eventId)) ?? null,
    organizationId: String(delivery.organizationId),
    endpoint: String(delivery.endpoint),
    attempts: Number(delivery.attempts),
    lastStatus: (delivery.lastStatus as number | null | undefined) ?? null,
    lastError: (delivery.lastError as string | null | undefined) ?? null,
    lastAttemptAt: (delivery.lastAttemptAt as Date | null | undefined) ?? null,
  }));
  return { rows, total, page };
}
