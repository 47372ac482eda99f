import { describe, expect, test } from "vitest";
import { nockAppInstallations } from "../../helpers/github/installations.js";
import { type DeliveryAttemptSpec, nockHookDeliveries, nockRedeliver } from "../../helpers/github/hook-deliveries.js";
import { completed, minutesAgo, RECONCILE_NOW, useReconcileHarness } from "../../helpers/reconcile.js";

// Design rule 7, first half: GitHub never redelivers by itself, so each run pages the App's
// delivery log back to its checkpoint and asks, once per delivery (guid), for what failed.
const job = useReconcileHarness();

const attempt = (
  id: number,
  guid: string,
  minutes: number,
  statusCode: number,
  redelivery = false,
  from = RECONCILE_NOW,
): DeliveryAttemptSpec => ({
  id,
  guid,
  deliveredAt: minutesAgo(minutes, from),
  statusCode,
  redelivery,
});
const DAY = 24 * 60;

async function requested() {
  return (await job.models.RedeliveryRequest.find().sort({ guid: 1 }).lean()).map((r) => ({
    guid: r.guid,
    attemptId: r.attemptId,
    reason: r.reason,
    status: r.status,
  }));
}

describe("failed deliveries are redelivered", () => {
  test("across cursor pages, back to GitHub's 3 days: one attempt of each guid no attempt of which succeeded; a guid that later succeeded is left", async () => {
    const deliveries = nockHookDeliveries(
      [
        [
          attempt(1006, "guid-a", 10, 200, true),
          attempt(1005, "guid-b", 20, 500),
          attempt(1004, "guid-c", 30, 0, true),
        ],
        [attempt(1003, "guid-a", 40, 503), attempt(1002, "guid-c", 50, 500), attempt(1001, "guid-d", 60, 200)],
        // guid-f is older than GitHub keeps deliveries (and than this first run looks): paging stops here.
        [attempt(1000, "guid-e", 2 * DAY, 502), attempt(999, "guid-f", 3 * DAY + 5, 500)],
      ],
      { lastPageHasNext: true },
    );
    const asks = [nockRedeliver(1005), nockRedeliver(1004), nockRedeliver(1000)];
    nockAppInstallations([[]]);

    const summary = completed(await job.run());

    deliveries.done();
    for (const ask of asks) ask.done();
    expect(summary.redelivered).toBe(3);
    expect(summary.phases.deliveries).toMatchObject({
      pages: 3,
      attempts: 7,
      groups: 5,
      redelivered: 3,
      failedAtGitHub: 3,
      alreadyRequested: 0,
    });
    expect(await requested()).toEqual([
      { guid: "guid-b", attemptId: 1005, reason: "failed-at-github", status: "requested" },
      // The newest attempt of the group is the one asked for.
      { guid: "guid-c", attemptId: 1004, reason: "failed-at-github", status: "requested" },
      { guid: "guid-e", attemptId: 1000, reason: "failed-at-github", status: "requested" },
    ]);
    // The checkpoint: the newest delivery this complete run saw.
    expect((await job.models.ReconcileCheckpoint.findOne().lean())?.deliveriesSeenUntil?.toISOString()).toBe(
      minutesAgo(10),
    );
    // 3 pages + 3 redeliveries + 1 page of installations, all with the App's JWT.
    expect(summary.apiCalls).toEqual({ app: 7, installation: 0 });
  });

  test("the next run pages back only to the checkpoint less an hour, and does not ask again for a guid asked for before", async () => {
    nockHookDeliveries([[attempt(2002, "guid-b", 20, 500), attempt(2001, "guid-d", 100, 200)]]);
    nockRedeliver(2002);
    nockAppInstallations([[]]);
    expect(completed(await job.run()).redelivered).toBe(1);

    // 15 minutes later: guid-b's redelivery failed again, a new delivery failed.
    const later = new Date(RECONCILE_NOW.getTime() + 15 * 60_000);
    job.setNow(later);
    const deliveries = nockHookDeliveries(
      [
        [attempt(2004, "guid-b", 5, 500, true, later), attempt(2003, "guid-k", 10, 500, false, later)],
        // guid-d (100 minutes before the first run) is older than the checkpoint (20 minutes) less an hour: no page after this.
        [attempt(2002, "guid-b", 20, 500), attempt(2001, "guid-d", 100, 200)],
      ],
      { lastPageHasNext: true },
    );
    nockRedeliver(2003);
    nockAppInstallations([[]]);

    const summary = completed(await job.run());

    deliveries.done();
    expect(summary.phases.deliveries).toMatchObject({ pages: 2, groups: 2, redelivered: 1, alreadyRequested: 1 });
    expect((await requested()).map((r) => [r.guid, r.attemptId])).toEqual([
      ["guid-b", 2002],
      ["guid-k", 2003],
    ]);
    expect((await job.models.ReconcileCheckpoint.findOne().lean())?.deliveriesSeenUntil?.toISOString()).toBe(
      minutesAgo(5, later),
    );
  });

  test("our delivery log corrects GitHub's view: answered 2xx but failed here, or stuck processing, is redelivered; applied here is not", async () => {
    const at = (minutes: number) => new Date(minutesAgo(minutes));
    await job.models.WebhookDelivery.create([
      { deliveryId: "guid-failed", event: "installation", status: "failed", receivedAt: at(30), error: "Error: boom" },
      { deliveryId: "guid-stuck", event: "installation", status: "processing", receivedAt: at(10) },
      { deliveryId: "guid-busy", event: "installation", status: "processing", receivedAt: at(1) },
      { deliveryId: "guid-ok", event: "installation", status: "processed", receivedAt: at(40) },
      // GitHub gave up waiting (timed out), but the delivery was applied: nothing to send again.
      { deliveryId: "guid-late", event: "installation", status: "processed", receivedAt: at(50) },
    ]);
    nockHookDeliveries([
      [
        attempt(3005, "guid-busy", 1, 200),
        attempt(3004, "guid-stuck", 10, 200),
        attempt(3003, "guid-failed", 30, 200),
        attempt(3002, "guid-ok", 40, 200),
        attempt(3001, "guid-late", 50, 0),
      ],
    ]);
    nockRedeliver(3004);
    nockRedeliver(3003);
    nockAppInstallations([[]]);

    const summary = completed(await job.run());

    expect(summary.phases.deliveries).toMatchObject({
      groups: 5,
      redelivered: 2,
      failedHere: 1,
      stuckHere: 1,
      failedAtGitHub: 0,
    });
    expect((await requested()).map((r) => [r.guid, r.reason])).toEqual([
      ["guid-failed", "failed-here"],
      ["guid-stuck", "stuck-here"],
    ]);
  });

  test("a redelivery GitHub refuses (422) is remembered and not asked again; the run still completes", async () => {
    nockHookDeliveries([[attempt(4002, "guid-x", 10, 500), attempt(4001, "guid-y", 20, 500)]]);
    nockRedeliver(4002, 422);
    nockRedeliver(4001);
    nockAppInstallations([[]]);
    const summary = completed(await job.run());
    expect(summary.phases.deliveries).toMatchObject({ redelivered: 1, refused: 1 });
    expect((await requested()).map((r) => [r.guid, r.status])).toEqual([
      ["guid-x", "refused"],
      ["guid-y", "requested"],
    ]);

    nockHookDeliveries([[attempt(4002, "guid-x", 10, 500), attempt(4001, "guid-y", 20, 500)]]);
    nockAppInstallations([[]]);
    expect(completed(await job.run()).phases.deliveries).toMatchObject({
      redelivered: 0,
      refused: 0,
      alreadyRequested: 2,
    });
  });

  test("the redeliveries a run makes are capped; the checkpoint waits until the rest are asked for", async () => {
    const page = [attempt(5003, "guid-1", 10, 500), attempt(5002, "guid-2", 20, 500), attempt(5001, "guid-3", 30, 500)];
    nockHookDeliveries([page]);
    nockRedeliver(5003);
    nockRedeliver(5002);
    nockAppInstallations([[]]);
    const first = completed(await job.run({ limits: { redeliveriesPerRun: 2 } }));
    expect(first).toMatchObject({ redelivered: 2, incomplete: 1 });
    expect((await job.models.ReconcileCheckpoint.findOne().lean())?.deliveriesSeenUntil ?? null).toBeNull();

    nockHookDeliveries([page]);
    nockRedeliver(5001);
    nockAppInstallations([[]]);
    const second = completed(await job.run({ limits: { redeliveriesPerRun: 2 } }));
    expect(second).toMatchObject({ redelivered: 1, incomplete: 0 });
    expect(second.phases.deliveries).toMatchObject({ alreadyRequested: 2 });
    expect((await job.models.ReconcileCheckpoint.findOne().lean())?.deliveriesSeenUntil?.toISOString()).toBe(
      minutesAgo(10),
    );
  });
});
