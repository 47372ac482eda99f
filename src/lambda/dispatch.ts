import type { Context as LambdaContext, ScheduledEvent } from "aws-lambda";
import type { Assembly } from "../assembly.js";
import { DISPATCH_WINDOW_MS, type DispatchSummary } from "../events/dispatch-window.js";
import { ATTEMPT_TIMEOUT_MS } from "../events/dispatcher.js";
import { createLambdaAssembly } from "./container.js";
import { logConfigError, type Env } from "./lambda-config.js";

/** Left of Lambda's timeout when the window closes: a round begun just before it has an attempt's time to end. */
export const DISPATCH_DEADLINE_MARGIN_MS = ATTEMPT_TIMEOUT_MS + 5_000;

export interface DispatchHandlerOptions {
  /** Read on the first invocation (not at import), once per container. */
  env?: Env;
  now?: () => Date;
  /** The window (DISPATCH_WINDOW_MS); shortened further to fit the invocation's remaining time. */
  windowMs?: number;
  /** Waits between rounds (tests record the calls). */
  sleep?: (ms: number) => Promise<void>;
  /** Replaces the retry delays (tests use short ones). */
  eventRetryDelaysMs?: readonly number[];
}

/** What the function returns (CloudWatch shows it with the invocation). */
export type DispatchAnswer = ({ outcome: "completed" } & DispatchSummary) | { outcome: "no-endpoints" };

/**
 * The dispatch function, on serverless.yml's schedule (every minute, EventBridge's shortest): one
 * window of scan + send rounds (src/events/dispatch-window.ts), which sleeps for a retry due
 * within it and otherwise returns at once. A failed window (the database unreachable) throws, so
 * Lambda counts an error; the next schedule goes on. Without EVENT_ENDPOINTS it says so once per
 * container and sends nothing.
 */
export function createDispatchHandler(options: DispatchHandlerOptions = {}) {
  let assembly: Assembly | undefined;
  let saidUnconfigured = false;
  return async function handleDispatch(_event?: ScheduledEvent, context?: LambdaContext): Promise<DispatchAnswer> {
    try {
      assembly ??= createLambdaAssembly(options.env ?? process.env, options.now, {
        eventRetryDelaysMs: options.eventRetryDelaysMs,
      });
    } catch (error) {
      logConfigError(error);
      throw new Error("The dispatch function is misconfigured; see its logs");
    }
    const log = assembly.log.child({ awsRequestId: context?.awsRequestId });
    if (!assembly.config.eventDelivery) {
      if (!saidUnconfigured) log.info("No EVENT_ENDPOINTS: the dispatch function sends nothing");
      saidUnconfigured = true;
      return { outcome: "no-endpoints" };
    }
    const left = context ? Math.max(0, context.getRemainingTimeInMillis() - DISPATCH_DEADLINE_MARGIN_MS) : Infinity;
    const windowMs = Math.min(options.windowMs ?? DISPATCH_WINDOW_MS, left);
    const summary = await assembly.dispatchEvents({ windowMs, sleep: options.sleep });
    if (!summary) return { outcome: "no-endpoints" };
    log.info(summary, "event dispatch window ended");
    return { outcome: "completed", ...summary };
  };
}

export const handler = createDispatchHandler();
