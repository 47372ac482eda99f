import { describe, expect, test } from "vitest";
import {
  ApiBudget,
  APP_HOURLY_LIMIT,
  DEFAULT_LIMITS,
  planApiCalls,
  RUNS_PER_HOUR,
  worstCaseAppCalls,
} from "../../src/reconcile/budget.js";

// The README's table: GitHub requests a reconcile run makes, and the App's hourly limit it stays within.
describe("the reconcile budget", () => {
  test("a steady-state run at 10, 1,000 and 10,000 installations (all linked)", () => {
    expect(planApiCalls(10)).toEqual({
      appPerRun: 12,
      installationPerRun: 10,
      appPerHour: 48,
      appShareOfLimit: 48 / 5000,
      repoSweepHours: 0.25,
    });
    expect(planApiCalls(1_000)).toEqual({
      appPerRun: 111,
      installationPerRun: 100,
      appPerHour: 444,
      appShareOfLimit: 444 / 5000,
      repoSweepHours: 2.5,
    });
    expect(planApiCalls(10_000)).toEqual({
      appPerRun: 201,
      installationPerRun: 100,
      appPerHour: 804,
      appShareOfLimit: 804 / 5000,
      repoSweepHours: 25,
    });
  });

  test("every cap reached at once, a run at 10,000 installations stays within its share, and four runs an hour within a third of the App's limit", () => {
    expect(worstCaseAppCalls(10_000)).toBe(100 + 50 + 60 + 20 + 100);
    expect(worstCaseAppCalls(10_000)).toBeLessThanOrEqual(DEFAULT_LIMITS.appCallsPerRun);
    expect(DEFAULT_LIMITS.appCallsPerRun * RUNS_PER_HOUR).toBeLessThanOrEqual(APP_HOURLY_LIMIT / 3);
    // Beyond ~17,000 installations the listing alone grows past the caps: the share still binds.
    expect(worstCaseAppCalls(100_000)).toBe(DEFAULT_LIMITS.appCallsPerRun);
  });

  test("a run stops at its share, when GitHub says the App's hour is nearly spent, and at its deadline", () => {
    const share = new ApiBudget({ ...DEFAULT_LIMITS, appCallsPerRun: 2 });
    expect([share.takeApp(), share.takeApp(), share.takeApp()]).toEqual([true, true, false]);
    expect(share.app).toBe(2);

    const reserve = new ApiBudget(DEFAULT_LIMITS);
    reserve.observeAppRemaining(1_001);
    expect(reserve.takeApp()).toBe(true);
    reserve.observeAppRemaining(1_000);
    expect(reserve.takeApp()).toBe(false);

    let clock = 1_000;
    const deadline = new ApiBudget(DEFAULT_LIMITS, 2_000, () => clock);
    expect(deadline.takeApp()).toBe(true);
    clock = 2_000;
    expect(deadline.takeApp()).toBe(false);
    expect(deadline.app).toBe(1);
  });
});
