import { describe, expect, test } from "vitest";
import { ConfigError } from "../../src/config/env.js";
import { parseReconcileInterval } from "../../src/config/reconcile-interval.js";
import { startReconcileInterval } from "../../src/reconcile/reconcile-interval.js";
import type { ReconcileResult, ReconcileRunOptions } from "../../src/reconcile/run-reconcile.js";
import { testConfig } from "../helpers/test-config.js";
import { captureLogger } from "../helpers/test-logger.js";

describe("RECONCILE_INTERVAL", () => {
  test("off unless set; a duration from 1m to 24h", () => {
    expect(testConfig().reconcileIntervalMs).toBeNull();
    expect(testConfig({ RECONCILE_INTERVAL: "off" }).reconcileIntervalMs).toBeNull();
    expect(testConfig({ RECONCILE_INTERVAL: "15m" }).reconcileIntervalMs).toBe(15 * 60_000);
    expect(parseReconcileInterval("1h")).toBe(3_600_000);
    expect(parseReconcileInterval("90s")).toBe(90_000);
    for (const bad of ["15", "30s", "25h", "0m", "fifteen minutes", "-5m"]) {
      expect(() => testConfig({ RECONCILE_INTERVAL: bad }), bad).toThrow(ConfigError);
    }
    expect(() => testConfig({ RECONCILE_INTERVAL: "15" })).toThrow(
      'RECONCILE_INTERVAL must be a duration from 1m to 24h such as 15m, 1h or 90s (or off), got "15"',
    );
  });

  test("the Node server runs the job on the interval, one run at a time, spaced by the last run; stop aborts the run under way", async () => {
    const calls: ReconcileRunOptions[] = [];
    let release!: () => void;
    const run = (options: ReconcileRunOptions) =>
      new Promise<ReconcileResult>((resolve) => {
        calls.push(options);
        release = () => resolve({ outcome: "skipped", lastRunAt: new Date() });
        options.signal?.addEventListener("abort", () => release());
      });
    const interval = startReconcileInterval(run, 20, captureLogger().log);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Several ticks passed while the first run was still going: no second run started.
    expect(calls).toHaveLength(1);
    expect(calls[0]!.notWithinMs).toBe(18);
    release();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls.length).toBeGreaterThanOrEqual(2);
    await interval.stop();
    expect(calls.at(-1)!.signal?.aborted).toBe(true);
    const count = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toHaveLength(count);
  });
});
