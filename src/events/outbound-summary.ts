import type { Models } from "../models/index.js";

/** One endpoint's outbound deliveries, as the operator console shows them. */
export interface OutboundEndpointSummary {
  endpoint: string;
  /** Deliveries still to be (re)tried. */
  pending: number;
  /** Deliveries the dispatcher gave up on (retries exhausted). */
  failed: number;
  /** When the newest successful delivery to it was made; null when none is kept. */
  lastDeliveredAt: Date | null;
  /** The newest attempt's error among the deliveries kept (pending or failed), with its event; null when none failed. */
  lastError: {
    error: string;
    eventId: string;
    status: "pending" | "delivered" | "failed";
    lastStatus: number | null;
    /** When that attempt was made (null for deliveries older than the field). */
    at: Date | null;
  } | null;
}

/** More endpoints than any configuration lists: the distinct() below stays bounded by it. */
const MAX_ENDPOINTS = 100;

/**
 * Per endpoint: counts and two single-document reads on indexed filters (models/event-delivery.ts).
 * Read-only: the dispatcher (src/events/dispatcher.ts) stays the one writer. The endpoints are the
 * configured ones (EVENT_ENDPOINTS) plus any a delivery still names (an endpoint since removed from
 * the configuration keeps its pending and failed rows), configured ones first.
 */
export async function summarizeOutbound(
  models: Pick<Models, "EventDelivery">,
  options: { endpoints?: readonly string[] } = {},
): Promise<OutboundEndpointSummary[]> {
  const stored = (await models.EventDelivery.distinct("endpoint")) as string[];
  const endpoints = [...new Set([...(options.endpoints ?? []), ...stored.sort()])].slice(0, MAX_ENDPOINTS);
  return Promise.all(
    endpoints.map(async (endpoint) => {
      const [pending, failed, delivered, errored] = await Promise.all([
        models.EventDelivery.countDocuments({ endpoint, status: "pending" }),
        models.EventDelivery.countDocuments({ endpoint, status: "failed" }),
        models.EventDelivery.findOne({ endpoint, status: "delivered" }, { deliveredAt: 1 })
          .sort({ deliveredAt: -1 })
          .lean(),
        models.EventDelivery.findOne(
          { endpoint, lastError: { $ne: null } },
          { lastError: 1, eventId: 1, status: 1, lastStatus: 1, lastAttemptAt: 1 },
        )
          .sort({ eventObjectId: -1 })
          .lean(),
      ]);
      return {
        endpoint,
        pending,
        failed,
        lastDeliveredAt: delivered?.deliveredAt ?? null,
        lastError: errored?.lastError
          ? {
              error: errored.lastError,
              eventId: errored.eventId,
              status: errored.status as "pending" | "delivered" | "failed",
              lastStatus: errored.lastStatus ?? null,
              at: errored.lastAttemptAt ?? null,
            }
          : null,
      };
    }),
  );
}
