import { setTimeout as delay } from "node:timers/promises";
import { type AttemptCounts, DISPATCH_POLL_INTERVAL_MS, type Dispatcher } from "./dispatcher.js";

/**
 * How long one scheduled dispatch keeps going (the Lambda `dispatch` function, every minute): the
 * first retry comes 30 s after a failure, so a run that only swept once would send it up to a
 * minute late on top. Under the function's timeout, with an attempt's 10 s to spare.
 */
export const DISPATCH_WINDOW_MS = 50_000;

/** What a window did: deliveries its scans created, and how its attempts went. */
export interface DispatchSummary extends AttemptCounts {
  scanned: number;
  rounds: number;
}

export interface DispatchWindowOptions {
  dispatcher: Dispatcher;
  /** How long after the start a round may still begin. */
  windowMs?: number;
  /** The clock the deliveries are scheduled by (the dispatcher's). */
  now?: () => Date;
  /** Waits between rounds (tests record the calls). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Rounds of scan + dispatchDue for up to `windowMs`: between rounds it sleeps until the next
 * pending delivery is due if that falls inside the window, and otherwise returns at once, so an
 * idle deployment costs one short run. What comes due after the window is the next run's.
 */
export async function runDispatchWindow(options: DispatchWindowOptions): Promise<DispatchSummary> {
  const { dispatcher } = options;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const endsAt = now().getTime() + (options.windowMs ?? DISPATCH_WINDOW_MS);
  const summary: DispatchSummary = { scanned: 0, attempted: 0, delivered: 0, failed: 0, rounds: 0 };
  for (;;) {
    summary.rounds++;
    summary.scanned += await dispatcher.scan();
    const counts = await dispatcher.dispatchDueCounted();
    summary.attempted += counts.attempted;
    summary.delivered += counts.delivered;
    summary.failed += counts.failed;
    const next = await dispatcher.nextDueAt();
    if (!next || next.getTime() >= endsAt) return summary;
    const wait = next.getTime() - now().getTime();
    // Due already, yet this round sent nothing: another dispatcher is on it; look again a little later.
    if (wait > 0) await sleep(wait);
    else if (counts.attempted === 0) await sleep(DISPATCH_POLL_INTERVAL_MS);
  }
}
