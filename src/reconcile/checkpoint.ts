import type { Models } from "../models/index.js";
import type { ReconcileCheckpointDoc } from "../models/reconcile-checkpoint.js";
import { RECONCILE_JOB } from "./context.js";
import type { ReconcileSummary } from "./summary.js";

/** Where the last runs stopped (each field: models/reconcile-checkpoint.ts). */
export interface Checkpoint {
  deliveriesSeenUntil: Date | null;
  repoCursor: number | null;
  lastRunAt: Date | null;
}

/** Writes one phase's part of the checkpoint (an upsert of the job's single document). */
export async function saveCheckpoint(models: Models, fields: Partial<ReconcileCheckpointDoc>): Promise<void> {
  await models.ReconcileCheckpoint.updateOne(
    { name: RECONCILE_JOB },
    { $set: fields, $setOnInsert: { name: RECONCILE_JOB } },
    { upsert: true },
  );
}

export async function readCheckpoint(models: Models): Promise<Checkpoint> {
  const doc = await models.ReconcileCheckpoint.findOne({ name: RECONCILE_JOB }).lean();
  return {
    deliveriesSeenUntil: doc?.deliveriesSeenUntil ?? null,
    repoCursor: doc?.repoCursor ?? null,
    lastRunAt: doc?.lastRunAt ?? null,
  };
}

/** What the operator console shows of the last run (models/reconcile-checkpoint.ts lastRun). */
export interface LastReconcileRun {
  startedAt: Date;
  endedAt: Date;
  outcome: "completed" | "failed";
  incomplete: number;
  redelivered: number;
  repaired: ReconcileSummary["repaired"];
  apiCalls: ReconcileSummary["apiCalls"];
}

/** The end of a run, completed or failed: lastRunAt (the runs' spacing) and the run's counts, in one write. */
export async function saveRunEnd(
  models: Models,
  endedAt: Date,
  startedAt: Date,
  outcome: LastReconcileRun["outcome"],
  summary: ReconcileSummary,
): Promise<void> {
  const lastRun: LastReconcileRun = {
    startedAt,
    endedAt,
    outcome,
    incomplete: summary.incomplete,
    redelivered: summary.redelivered,
    repaired: summary.repaired,
    apiCalls: summary.apiCalls,
  };
  await saveCheckpoint(models, { lastRunAt: endedAt, lastRun } as Partial<ReconcileCheckpointDoc>);
}

/** The last run's record; null before any run ended. */
export async function readLastRun(models: Models): Promise<LastReconcileRun | null> {
  const doc = await models.ReconcileCheckpoint.findOne({ name: RECONCILE_JOB }, { lastRun: 1 }).lean();
  const run = doc?.lastRun;
  if (!run) return null;
  return {
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    outcome: run.outcome as LastReconcileRun["outcome"],
    incomplete: run.incomplete ?? 0,
    redelivered: run.redelivered ?? 0,
    repaired: {
      created: run.repaired?.created ?? 0,
      deleted: run.repaired?.deleted ?? 0,
      suspended: run.repaired?.suspended ?? 0,
      unsuspended: run.repaired?.unsuspended ?? 0,
      renamed: run.repaired?.renamed ?? 0,
      repoAccess: run.repaired?.repoAccess ?? 0,
    },
    apiCalls: { app: run.apiCalls?.app ?? 0, installation: run.apiCalls?.installation ?? 0 },
  };
}
