import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

/**
 * Where the reconcile job stopped, one document per job name. Each field is written only when
 * its phase completed, so a run that crashed leaves the previous values and the next run
 * does that phase again.
 */
/** The last run as the operator console shows it: written at the end of every run, completed or failed. */
const lastRunSchema = new Schema(
  {
    startedAt: { type: Date, required: true },
    endedAt: { type: Date, required: true },
    outcome: { type: String, enum: ["completed", "failed"], required: true },
    /** Phases stopped by their budget or the clock (the next run goes on with them). */
    incomplete: { type: Number, required: true, default: 0 },
    /** Deliveries GitHub was asked to send again. */
    redelivered: { type: Number, required: true, default: 0 },
    /** Repairs by kind (ReconcileSummary.repaired). */
    repaired: {
      created: { type: Number, default: 0 },
      deleted: { type: Number, default: 0 },
      suspended: { type: Number, default: 0 },
      unsuspended: { type: Number, default: 0 },
      renamed: { type: Number, default: 0 },
      repoAccess: { type: Number, default: 0 },
    },
    apiCalls: { app: { type: Number, default: 0 }, installation: { type: Number, default: 0 } },
  },
  { _id: false },
);

const reconcileCheckpointSchema = new Schema(
  {
    name: { type: String, required: true },
    /** The newest delivered_at seen by the last complete redelivery phase; the next run pages back to it (less an overlap). */
    deliveriesSeenUntil: { type: Date, default: null },
    /** The last installation id whose repository access was checked; the next run goes on after it. */
    repoCursor: { type: Number, default: null },
    deliveriesCompletedAt: { type: Date, default: null },
    installationsCompletedAt: { type: Date, default: null },
    reposCompletedAt: { type: Date, default: null },
    /** When the last run ended, completed or failed: Node servers sharing one interval space their runs by it. */
    lastRunAt: { type: Date, default: null },
    lastRun: { type: lastRunSchema, default: null },
  },
  { collection: "reconcile_checkpoints" },
);

reconcileCheckpointSchema.index({ name: 1 }, { unique: true });

export type ReconcileCheckpointDoc = InferSchemaType<typeof reconcileCheckpointSchema>;
export type ReconcileCheckpointModel = Model<ReconcileCheckpointDoc>;

export function reconcileCheckpointModel(connection: Connection): ReconcileCheckpointModel {
  return connection.model<ReconcileCheckpointDoc>("ReconcileCheckpoint", reconcileCheckpointSchema);
}
