import { describe, expect, test } from "vitest";
import { deliveryCutoff } from "../../src/reconcile/redeliver-failed.js";
import { groupByGuid, redeliveryReason, STUCK_AFTER_MS } from "../../src/reconcile/delivery-groups.js";
import type { HookDeliveryAttempt } from "../../src/github/reconcile-api.js";
import { deliveryAttemptJson } from "../helpers/github/hook-deliveries.js";

const NOW = new Date("2026-11-24T12:00:00Z");
const attempt = (id: number, guid: string, statusCode: number) =>
  deliveryAttemptJson({ id, guid, deliveredAt: "2026-11-24T11:00:00Z", statusCode }) as unknown as HookDeliveryAttempt;

describe("which deliveries are sent again", () => {
  test("attempts are grouped by guid, newest first as GitHub listed them", () => {
    const groups = groupByGuid([attempt(3, "a", 200), attempt(2, "b", 500), attempt(1, "a", 500)]);
    expect(groups.map((g) => [g.guid, g.attempts.map((a) => a.id)])).toEqual([
      ["a", [3, 1]],
      ["b", [2]],
    ]);
  });

  test("GitHub's view, corrected by our delivery log", () => {
    const [failedGroup] = groupByGuid([attempt(2, "g", 0), attempt(1, "g", 502)]);
    const [okGroup] = groupByGuid([attempt(3, "h", 202)]);
    const at = (msAgo: number) => new Date(NOW.getTime() - msAgo);
    expect(redeliveryReason(failedGroup!, undefined, NOW)).toBe("failed-at-github");
    expect(redeliveryReason(failedGroup!, { status: "failed", receivedAt: at(0) }, NOW)).toBe("failed-at-github");
    expect(redeliveryReason(failedGroup!, { status: "processed", receivedAt: at(0) }, NOW)).toBeNull();
    expect(redeliveryReason(okGroup!, undefined, NOW)).toBeNull();
    expect(redeliveryReason(okGroup!, { status: "ignored", receivedAt: at(0) }, NOW)).toBeNull();
    expect(redeliveryReason(okGroup!, { status: "failed", receivedAt: at(0) }, NOW)).toBe("failed-here");
    expect(redeliveryReason(okGroup!, { status: "processing", receivedAt: at(STUCK_AFTER_MS) }, NOW)).toBeNull();
    expect(redeliveryReason(okGroup!, { status: "processing", receivedAt: at(STUCK_AFTER_MS + 1) }, NOW)).toBe(
      "stuck-here",
    );
  });

  test("paging stops at the last complete run's newest delivery less an hour, and never beyond GitHub's 3 days", () => {
    expect(deliveryCutoff(NOW, null).toISOString()).toBe("2026-11-21T12:00:00.000Z");
    expect(deliveryCutoff(NOW, new Date("2026-11-24T11:45:00Z")).toISOString()).toBe("2026-11-24T10:45:00.000Z");
    expect(deliveryCutoff(NOW, new Date("2026-11-01T00:00:00Z")).toISOString()).toBe("2026-11-21T12:00:00.000Z");
  });
});
