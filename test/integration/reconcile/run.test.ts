import nock from "nock";
import { ProbotOctokit } from "probot";
import { describe, expect, test } from "vitest";
import type { ReconcileStep } from "../../../src/reconcile/context.js";
import { exitCodeOf } from "../../../src/reconcile/run-reconcile.js";
import { INSTALLATION_TOKEN } from "../../helpers/github/fixtures.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import { nockAppInstallations, nockInstallationRepositories } from "../../helpers/github/installations.js";
import { documentedBody } from "../../helpers/contract/openapi-responses.js";
import { GITHUB_API } from "../../helpers/github/rest.js";
import {
  deliveryAttemptJson,
  type DeliveryAttemptSpec,
  nockHookDeliveries,
  nockRedeliver,
} from "../../helpers/github/hook-deliveries.js";
import {
  completed,
  minutesAgo,
  RECONCILE_NOW,
  storeInstallations,
  useReconcileHarness,
} from "../../helpers/reconcile.js";

// A run as a whole: the lease, the summary, failures and crashes, the extension point.
const job = useReconcileHarness();

const failed = (id: number, guid: string, minutes: number): DeliveryAttemptSpec => ({
  id,
  guid,
  deliveredAt: minutesAgo(minutes),
  statusCode: 500,
});

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("a reconcile run", () => {
  test("writes its summary to the log and as an audit event (no organization, actor reconcile, counts only)", async () => {
    await storeInstallations(job.models, [{ installationId: 51101, organizationId: "org_acme" }]);
    nockHookDeliveries([[failed(6001, "guid-s", 10)]]);
    nockRedeliver(6001);
    nockAppInstallations([[{ id: 51101 }]]);
    nockInstallationToken(51101);
    nockInstallationRepositories([[]]);

    const result = await job.run();

    expect(exitCodeOf(result)).toBe(0);
    const summary = completed(result);
    expect(summary).toMatchObject({
      redelivered: 1,
      repaired: { created: 0, deleted: 0, suspended: 0, unsuspended: 0, renamed: 0, repoAccess: 0 },
      unchanged: 1,
      apiCalls: { app: 4, installation: 1 },
      incomplete: 0,
    });
    const events = await job.models.AuditEvent.find({ actor: "reconcile" }).lean();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      organizationId: null,
      action: "reconcile.completed",
      details: { redelivered: 1, unchanged: 1, apiCalls: { app: 4, installation: 1 } },
    });
    const numbersOnly = (value: unknown): boolean =>
      typeof value === "object" && value !== null ? Object.values(value).every(numbersOnly) : typeof value === "number";
    expect(numbersOnly(events[0]!.details)).toBe(true);
    expect(job.logs.lines.find((line) => line.msg === "reconcile run completed")).toMatchObject({
      outcome: "completed",
      redelivered: 1,
      apiCalls: { app: 4, installation: 1 },
    });
    expect(await job.models.JobLease.countDocuments()).toBe(0);
    // The installation token was used, never written down.
    expect(job.logs.text()).not.toContain(INSTALLATION_TOKEN);
  });

  test("two runs at once: one works, the other logs that another run holds the lease and exits 0", async () => {
    // The first run's listing is slow, so the second starts while the first holds the lease.
    nock(GITHUB_API)
      .get("/app/hook/deliveries")
      .query({ per_page: "100" })
      .delay(300)
      .reply(200, documentedBody("GET /app/hook/deliveries", 200, []));
    nockAppInstallations([[]]);

    const first = job.run({ holder: "run-1" });
    await waitFor(
      async () => (await job.models.JobLease.countDocuments({ holder: "run-1" })) === 1,
      "the first run's lease",
    );
    const second = await job.run({ holder: "run-2" });

    expect(second).toMatchObject({ outcome: "lease-held", heldBy: "run-1" });
    expect(exitCodeOf(second)).toBe(0);
    expect(
      job.logs.lines.find((line) => line.msg === "reconcile: another run holds the lease; not running"),
    ).toMatchObject({ holder: "run-2", heldBy: "run-1" });
    expect((await first).outcome).toBe("completed");
    expect(await job.models.AuditEvent.countDocuments({ action: "reconcile.completed" })).toBe(1);
  });

  test("a crash mid-run: the lease keeps others out until it expires, then the next run finishes the work", async () => {
    const page = [failed(7003, "guid-1", 10), failed(7002, "guid-2", 20), failed(7001, "guid-3", 30)];
    nockHookDeliveries([page]);
    nockRedeliver(7003);
    // The run freezes while asking for guid-2, as a process killed there would stop.
    nock(GITHUB_API)
      .post("/app/hook/deliveries/7002/attempts")
      .delay(1500)
      .reply(202, documentedBody("POST /app/hook/deliveries/{delivery_id}/attempts", 202, {}));
    const crashed = job.run({ holder: "crashed" });
    await waitFor(
      async () => (await job.models.RedeliveryRequest.countDocuments({ guid: "guid-2", status: "claimed" })) === 1,
      "the frozen request",
    );

    // Meanwhile the next scheduled run finds the lease held and leaves.
    expect(await job.run({ holder: "too-early" })).toMatchObject({ outcome: "lease-held", heldBy: "crashed" });
    expect((await job.models.ReconcileCheckpoint.findOne().lean())?.deliveriesSeenUntil ?? null).toBeNull();

    // 20 minutes later: the lease has expired, and so has the claim the crashed run never confirmed.
    job.setNow(new Date(RECONCILE_NOW.getTime() + 20 * 60_000));
    nockHookDeliveries([page]);
    nockRedeliver(7002);
    nockRedeliver(7001);
    nockAppInstallations([[]]);
    const next = completed(await job.run({ holder: "next" }));
    expect(next.phases.deliveries).toMatchObject({ redelivered: 2, alreadyRequested: 1 });
    expect(
      (await job.models.RedeliveryRequest.find().sort({ guid: 1 }).lean()).map((r) => [r.guid, r.status, r.holder]),
    ).toEqual([
      ["guid-1", "requested", "crashed"],
      ["guid-2", "requested", "next"],
      ["guid-3", "requested", "next"],
    ]);
    expect((await job.models.ReconcileCheckpoint.findOne().lean())?.deliveriesSeenUntil?.toISOString()).toBe(
      minutesAgo(10),
    );

    // Should the frozen run wake up, it finds its lease gone and stops without touching anything.
    const zombie = await crashed;
    expect(zombie.outcome).toBe("failed");
    expect(zombie.outcome === "failed" && (zombie.error as Error).name).toBe("LeaseLostError");
    expect(await job.models.RedeliveryRequest.findOne({ guid: "guid-2" }).lean()).toMatchObject({
      holder: "next",
      status: "requested",
    });
  });

  test("a GitHub 5xx midway fails the run cleanly: lease released, exit code 1, no checkpoint; the next run does it all", async () => {
    nock(GITHUB_API)
      .get("/app/hook/deliveries")
      .query({ per_page: "100" })
      .reply(200, documentedBody("GET /app/hook/deliveries", 200, [deliveryAttemptJson(failed(8002, "guid-a", 10))]), {
        link: `<${GITHUB_API}/app/hook/deliveries?per_page=100&cursor=v1_8002>; rel="next"`,
      })
      .get("/app/hook/deliveries")
      .query({ per_page: "100", cursor: "v1_8002" })
      .reply(502, { message: "Server Error" });

    const result = await job.run();

    expect(result.outcome).toBe("failed");
    expect(exitCodeOf(result)).toBe(1);
    expect(await job.models.JobLease.countDocuments()).toBe(0);
    expect(await job.models.RedeliveryRequest.countDocuments()).toBe(0);
    expect(await job.models.ReconcileCheckpoint.countDocuments({ deliveriesSeenUntil: { $ne: null } })).toBe(0);
    expect(await job.models.AuditEvent.findOne({ action: "reconcile.failed" }).lean()).toMatchObject({
      actor: "reconcile",
      organizationId: null,
    });
    expect(
      job.logs.lines.find((line) => line.msg === "reconcile run failed; the next run goes on from the last checkpoint"),
    ).toBeDefined();

    nockHookDeliveries([[failed(8002, "guid-a", 10)], [failed(8001, "guid-b", 20)]]);
    nockRedeliver(8002);
    nockRedeliver(8001);
    nockAppInstallations([[]]);
    expect(completed(await job.run()).redelivered).toBe(2);
  });

  test("with the App's retries on, a 502 on a redelivery request is retried and the run completes", async () => {
    const RetryingOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: true, retryAfterBaseValue: 10 },
      throttle: { ...(options.throttle as object | undefined), enabled: false },
    }));
    nockHookDeliveries([[failed(9001, "guid-r", 10)]]);
    nock(GITHUB_API).post("/app/hook/deliveries/9001/attempts").reply(502, { message: "Bad Gateway" });
    nockRedeliver(9001);
    nockAppInstallations([[]]);
    expect(completed(await job.run({ Octokit: RetryingOctokit })).redelivered).toBe(1);
  });

  test("extra steps (3. Marketplace plans) run after the installations, on the same budget, their counts in the summary", async () => {
    const seen: number[] = [];
    const marketplace: ReconcileStep = {
      name: "marketplacePlans",
      async run(ctx) {
        seen.push(ctx.budget.app);
        ctx.budget.takeApp();
        await ctx.keepAlive();
        return { counts: { checked: 3, changed: 1 }, complete: true };
      },
    };
    nockHookDeliveries([[]]);
    nockAppInstallations([[]]);
    const summary = completed(await job.run({ extraSteps: [marketplace] }));
    expect(seen).toEqual([2]);
    expect(summary.phases.marketplacePlans).toEqual({ checked: 3, changed: 1 });
    expect(summary.apiCalls.app).toBe(3);
  });

  test("an aborted run (the server shutting down) stops at its next unit of work and frees the lease", async () => {
    const controller = new AbortController();
    nock(GITHUB_API)
      .get("/app/hook/deliveries")
      .query({ per_page: "100" })
      .reply(() => {
        controller.abort();
        return [200, []];
      });
    const result = await job.run({ signal: controller.signal });
    expect(result.outcome === "failed" && (result.error as Error).name).toBe("RunStoppedError");
    expect(await job.models.JobLease.countDocuments()).toBe(0);
  });
});
