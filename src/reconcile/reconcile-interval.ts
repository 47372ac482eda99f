import type { Logger } from "pino";
import type { ReconcileResult, ReconcileRunOptions } from "./run-reconcile.js";

export interface ReconcileInterval {
  /** No more runs; a run under way stops at its next unit of work and releases its lease. */
  stop(): Promise<void>;
}

/**
 * RECONCILE_INTERVAL on the Node server: a run every `intervalMs`, never two from one process
 * at once. Several servers with the same interval share one job: the lease keeps their runs
 * apart, and a run that finds the last one ended within 90% of the interval does nothing.
 */
export function startReconcileInterval(
  run: (options: ReconcileRunOptions) => Promise<ReconcileResult>,
  intervalMs: number,
  log: Logger,
): ReconcileInterval {
  const controller = new AbortController();
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = run({ signal: controller.signal, notWithinMs: Math.floor(intervalMs * 0.9) })
      .then(() => undefined)
      .catch((error: unknown) => log.error({ err: error }, "reconcile run could not start"))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  // The interval alone must not keep a process alive that has nothing else to do.
  timer.unref();
  log.info({ intervalMs }, "reconcile job scheduled (RECONCILE_INTERVAL)");
  return {
    async stop() {
      clearInterval(timer);
      controller.abort();
      await running;
    },
  };
}
