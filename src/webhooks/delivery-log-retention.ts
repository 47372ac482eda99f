import type { Logger } from "pino";
import type { Models } from "../models/index.js";
import { DELIVERY_RETENTION_MS } from "../models/webhook-delivery.js";
import { pruneEventLog } from "../events/event-log.js";

/** How often a Node server that stays up prunes the delivery log. */
export const DELIVERY_LOG_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

type PruneLog = Pick<Logger, "info" | "warn">;

/** The logs pruned together; the event log (30 days too) where the caller has it. */
type PrunedModels = Pick<Models, "WebhookDelivery" | "WebhookBody"> & Partial<Pick<Models, "Event">>;

/**
 * Deletes the deliveries, and the bodies remembered with them, last received more than
 * `retentionMs` before `now`; returns how many rows. MongoDB's TTL index does this by itself;
 * FerretDB 1.x has none, so start-up, the Node server's hourly schedule and every run of the
 * reconcile Lambda function (warm containers open the database once) call this too.
 * One range delete on each receivedAt index: cheap once the backlog is gone.
 */
export async function pruneDeliveryLog(
  models: Pick<Models, "WebhookDelivery" | "WebhookBody">,
  now: Date,
  retentionMs = DELIVERY_RETENTION_MS,
): Promise<number> {
  const expired = { receivedAt: { $lt: new Date(now.getTime() - retentionMs) } };
  const deliveries = await models.WebhookDelivery.deleteMany(expired);
  const bodies = await models.WebhookBody.deleteMany(expired);
  return deliveries.deletedCount + bodies.deletedCount;
}

/** pruneDeliveryLog as housekeeping: a failure (opening the models too) is logged, saying what goes on, and never thrown. */
export async function pruneDeliveryLogOrWarn(
  models: PrunedModels | Promise<PrunedModels>,
  now: Date,
  log: PruneLog,
  goesOn: string,
): Promise<void> {
  try {
    const opened = await models;
    const deleted = await pruneDeliveryLog(opened, now);
    if (deleted > 0) log.info({ deleted }, "delivery log pruned");
    const events = opened.Event ? await pruneEventLog({ Event: opened.Event }, now) : 0;
    if (events > 0) log.info({ deleted: events }, "event log pruned");
  } catch (error) {
    log.warn({ err: error }, `delivery log not pruned; ${goesOn}`);
  }
}

/** pruneDeliveryLog for start-up: a failure is logged and start-up goes on. */
export function pruneDeliveryLogAtStartUp(models: PrunedModels, now: Date, log: PruneLog): Promise<void> {
  return pruneDeliveryLogOrWarn(models, now, log, "start-up goes on");
}

export interface DeliveryLogPruning {
  /** No more prunes; waits for one under way. */
  stop(): Promise<void>;
}

/**
 * The Node server's prune every `intervalMs` (start-up alone would leave a server that stays up
 * keeping every row on FerretDB). Never two at once; a failure is logged and the next tick tries again.
 */
export function startDeliveryLogPruning(options: {
  models: PrunedModels;
  now: () => Date;
  log: PruneLog;
  intervalMs?: number;
}): DeliveryLogPruning {
  const { models, now, log } = options;
  const intervalMs = options.intervalMs ?? DELIVERY_LOG_PRUNE_INTERVAL_MS;
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = pruneDeliveryLogOrWarn(
      models,
      now(),
      log,
      "the server goes on and tries again at the next interval",
    ).finally(() => {
      running = null;
    });
  }, intervalMs);
  // The schedule alone must not keep a process alive that has nothing else to do.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
