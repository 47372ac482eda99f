import { describe, expect, test } from "vitest";
import type { ReconcileStep } from "../../../src/reconcile/context.js";
import { readLastRun } from "../../../src/reconcile/checkpoint.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import { nockAppInstallations, nockInstallationRepositories } from "../../helpers/github/installations.js";
import { nockHookDeliveries, nockRedeliver } from "../../helpers/github/hook-deliveries.js";
import {
  completed,
  minutesAgo,
  RECONCILE_NOW,
  storeInstallations,
  useReconcileHarness,
} from "../../helpers/reconcile.js";

// The last run as the operator console shows it: when it ran, how long, what it repaired, whether it finished.
const job = useReconcileHarness();
const later = (seconds: number) => new Date(RECONCILE_NOW.getTime() + seconds * 1000);

/** A step that takes `seconds` of the test's clock, then ends as told. */
const taking = (seconds: number, end: "complete" | "incomplete" | "throw"): ReconcileStep => ({
  name: "slowStep",
  async run() {
    job.setNow(later(seconds));
    if (end === "throw") throw new Error("the step broke");
    return { counts: { checked: 1 }, complete: end === "complete" };
  },
});

describe("the reconcile run's record for the console", () => {
  test("a completed run records its start, end, outcome and repairs, with lastRunAt", async () => {
    await storeInstallations(job.models, [{ installationId: 51201, organizationId: "org_acme" }]);
    nockHookDeliveries([[{ id: 6101, guid: "guid-lr", deliveredAt: minutesAgo(10), statusCode: 500 }]]);
    nockRedeliver(6101);
    nockAppInstallations([[{ id: 51201 }]]);
    nockInstallationToken(51201);
    nockInstallationRepositories([[]]);

    const summary = completed(await job.run({ extraSteps: [taking(95, "complete")] }));

    expect(await readLastRun(job.models)).toEqual({
      startedAt: RECONCILE_NOW,
      endedAt: later(95),
      outcome: "completed",
      incomplete: 0,
      redelivered: 1,
      repaired: summary.repaired,
      apiCalls: summary.apiCalls,
    });
    const stored = await job.models.ReconcileCheckpoint.findOne().lean();
    expect(stored?.lastRunAt).toEqual(later(95));
  });

  test("a run stopped by its budget says how many phases were left for the next run", async () => {
    nockHookDeliveries([[]]);
    nockAppInstallations([[]]);
    completed(await job.run({ extraSteps: [taking(30, "incomplete")] }));
    expect(await readLastRun(job.models)).toMatchObject({ outcome: "completed", incomplete: 1, endedAt: later(30) });
  });

  test("a failed run is recorded too, replacing the previous run's record", async () => {
    nockHookDeliveries([[]]);
    nockAppInstallations([[]]);
    completed(await job.run());
    expect(await readLastRun(job.models)).toMatchObject({ outcome: "completed", startedAt: RECONCILE_NOW });

    job.setNow(later(3600));
    nockHookDeliveries([[]]);
    nockAppInstallations([[]]);
    const result = await job.run({ extraSteps: [{ ...taking(3660, "throw") }] });

    expect(result.outcome).toBe("failed");
    expect(await readLastRun(job.models)).toEqual({
      startedAt: later(3600),
      endedAt: later(3660),
      outcome: "failed",
      incomplete: 0,
      redelivered: 0,
      repaired: { created: 0, deleted: 0, suspended: 0, unsuspended: 0, renamed: 0, repoAccess: 0 },
      apiCalls: { app: 2, installation: 0 },
    });
  });

  test("before any run there is no record", async () => {
    expect(await readLastRun(job.models)).toBeNull();
  });
});
