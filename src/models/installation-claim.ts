import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

/**
 * Which organization claimed an installation: one row per installation id, ever (GitHub never
 * reuses an id, and a deleted installation cannot be linked again). The unique index is what
 * makes "one installation ↔ at most one org" hold when two organizations claim the same
 * installation at once: FerretDB 1.x applies a conditional update (findOneAndUpdate with a
 * filter) as a read and a separate write, so two racing claims could both "match", while a
 * duplicate insert is refused by the index on MongoDB and FerretDB alike.
 */
const installationClaimSchema = new Schema(
  {
    installationId: { type: Number, required: true },
    organizationId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    /** "user:<id>" or "github:<login>". */
    claimedBy: { type: String, required: true },
  },
  { collection: "installation_claims" },
);

installationClaimSchema.index({ installationId: 1 }, { unique: true });

export type InstallationClaimDoc = InferSchemaType<typeof installationClaimSchema>;
export type InstallationClaimModel = Model<InstallationClaimDoc>;

export function installationClaimModel(connection: Connection): InstallationClaimModel {
  return connection.model<InstallationClaimDoc>("InstallationClaim", installationClaimSchema);
}
