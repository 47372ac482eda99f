import type { FailedDeliveryPage } from "../../events/outbound-listing.js";
import type { OutboundEndpointSummary } from "../../events/outbound-summary.js";
import {
  consolePagination,
  type ConsolePagination,
  type InstantView,
  instantView,
  number,
  pageLink,
} from "./console-format.js";
import { OPERATOR_PAGES } from "./operator-paths.js";

/** What views/pages/operator-outbound.ejs shows; every word is decided here. */
export interface OutboundView {
  title: string;
  /** False: EVENT_ENDPOINTS is not set, and the page says how to set it. */
  configured: boolean;
  endpoints: Array<{
    endpoint: string;
    pendingText: string;
    failedText: string;
    failedClass: string;
    lastSuccess: InstantView | null;
    lastError: { when: InstantView | null; text: string } | null;
  }>;
  failed: {
    totalText: string;
    rows: Array<{
      id: string;
      eventId: string;
      eventType: string;
      organizationId: string;
      endpoint: string;
      attempts: string;
      answer: string;
      when: InstantView | null;
      retryAction: string;
    }>;
    pagination: ConsolePagination | null;
  };
  [key: string]: unknown;
}

/** Where a delivery's Retry posts. */
export const retryPath = (deliveryId: string) => `${OPERATOR_PAGES.outbound}/${deliveryId}/retry`;

/** What went wrong, as one line: the HTTP status and the start of what was kept. */
export function answerText(status: number | null, error: string | null): string {
  const kept = (error ?? "").replace(/\s+/g, " ").trim();
  const short = kept.length > 160 ? `${kept.slice(0, 160)}…` : kept;
  if (status !== null && short) return short.startsWith(`answered ${status}`) ? short : `${status}: ${short}`;
  if (status !== null) return `answered ${status}`;
  return short || "no answer recorded";
}

export function buildOutboundView(input: {
  configured: boolean;
  endpoints: OutboundEndpointSummary[];
  failed: FailedDeliveryPage;
}): OutboundView {
  const { failed } = input;
  return {
    title: "Outbound events",
    configured: input.configured,
    endpoints: input.endpoints.map((summary) => ({
      endpoint: summary.endpoint,
      pendingText: number(summary.pending),
      failedText: number(summary.failed),
      failedClass: summary.failed > 0 ? "status-warn" : "status-ok",
      lastSuccess: instantView(summary.lastDeliveredAt),
      lastError: summary.lastError
        ? {
            when: instantView(summary.lastError.at),
            text: answerText(summary.lastError.lastStatus, summary.lastError.error),
          }
        : null,
    })),
    failed: {
      totalText:
        failed.total === 0
          ? "No delivery has failed."
          : `${number(failed.total)} ${failed.total === 1 ? "delivery has" : "deliveries have"} failed for good (every retry used).`,
      rows: failed.rows.map((row) => ({
        id: row.id,
        eventId: row.eventId,
        eventType: row.eventType ?? "(no longer in the log)",
        organizationId: row.organizationId,
        endpoint: row.endpoint,
        attempts: number(row.attempts),
        answer: answerText(row.lastStatus, row.lastError),
        when: instantView(row.lastAttemptAt),
        retryAction: retryPath(row.id),
      })),
      pagination: consolePagination(
        failed.page,
        failed.rows.length,
        failed.total,
        ["failed delivery", "failed deliveries"],
        pageLink(OPERATOR_PAGES.outbound),
      ),
    },
  };
}
