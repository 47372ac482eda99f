import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

/** A repository the app created for an organization. Its GitHub id outlives any installation. */
const repoSchema = new Schema(
  {
    organizationId: { type: String, required: true },
    slug: { type: String, required: true },
    name: { type: String, required: true },
    githubRepoId: { type: Number, default: null },
    fullName: { type: String, default: null },
    /** Whether the org's current installation can reach it, as GitHub last told us. */
    accessible: { type: Boolean, default: false },
  },
  { timestamps: true, collection: "repos" },
);

repoSchema.index({ organizationId: 1, slug: 1 }, { unique: true });
repoSchema.index({ githubRepoId: 1 });

export type RepoDoc = InferSchemaType<typeof repoSchema>;
export type RepoModel = Model<RepoDoc>;

export function repoModel(connection: Connection): RepoModel {
  return connection.model<RepoDoc>("Repo", repoSchema);
}
