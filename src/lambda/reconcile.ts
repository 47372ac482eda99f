import type { Context as LambdaContext, ScheduledEvent } from "aws-lambda";
import type { Assembly } from "../assembly.js";
import type { ReconcileResult } from "../reconcile/run-reconcile.js";
import { createLambdaAssembly } from "./container.js";
import { logConfigError, type Env } from "./lambda-config.js";
import { pruneDeliveryLogOrWarn } from "../webhooks/delivery-log-retention.js";

/** Left of Lambda's timeout when the run starts no new GitHub request: its phase ends cleanly, the summary is written. */
export const DEADLINE_MARGIN_MS = 20_000;

export interface ReconcileHandlerOptions {
  /** Read on the first invocation (not at import), once per container. */
  env?: Env;
  now?: () => Date;
}

/** What the function returns (CloudWatch shows it with the invocation): the outcome and, when it ran, its counts. */
export type ReconcileAnswer = { outcome: ReconcileResult["outcome"] } & Record<string, unknown>;

/**
 * The reconcile function, on serverless.yml's schedule (every 15 minutes): one run through the
 * same composition root as `npm run reconcile`. A run that failed throws, so Lambda counts an
 * error (for alarms); another run holding the lease is not a failure.
 */
export function createReconcileHandler(options: ReconcileHandlerOptions = {}) {
  let assembly: Assembly | undefined;
  return async function handleReconcile(_event?: ScheduledEvent, context?: LambdaContext): Promise<ReconcileAnswer> {
    try {
      assembly ??= createLambdaAssembly(options.env ?? process.env, options.now);
    } catch (error) {
      logConfigError(error);
      throw new Error("The reconcile function is misconfigured; see its logs");
    }
    const stopAt = context ? Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : undefined;
    const log = assembly.log.child({ awsRequestId: context?.awsRequestId });
    // A warm container opened the database (and pruned) once: the schedule prunes the delivery
    // log on FerretDB, which has no TTL index. Housekeeping: a failure is logged, the run goes on.
    const models = assembly.database().then((open) => open.models);
    await pruneDeliveryLogOrWarn(models, assembly.now(), log, "the reconcile run goes on");
    const result = await assembly.reconcile({ stopAt, log });
    if (result.outcome === "failed") throw new Error("The reconcile run failed; see its logs");
    if (result.outcome === "completed") return { outcome: result.outcome, ...result.summary };
    return { outcome: result.outcome };
  };
}

export const handler = createReconcileHandler();
