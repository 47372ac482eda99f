import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

/**
 * Who runs a scheduled job right now: at most one document per job name, held until expiresAt.
 * Taken by inserting (the unique index on name decides between two takers), renewed by the
 * holder while it works, deleted when it is done; a holder that crashed leaves one that expires.
 */
const jobLeaseSchema = new Schema(
  {
    name: { type: String, required: true },
    /** One run: host, pid and a random part, so a renewal never mistakes another run's lease for its own. */
    holder: { type: String, required: true },
    acquiredAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: "job_leases" },
);

jobLeaseSchema.index({ name: 1 }, { unique: true });

export type JobLeaseDoc = InferSchemaType<typeof jobLeaseSchema>;
export type JobLeaseModel = Model<JobLeaseDoc>;

export function jobLeaseModel(connection: Connection): JobLeaseModel {
  return connection.model<JobLeaseDoc>("JobLease", jobLeaseSchema);
}
