import type { Models } from "../models/index.js";
import type { ReconcileCheckpointDoc } from "../models/reconcile-checkpoint.js";
import { RECONCILE_JOB } from "./context.js";

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
