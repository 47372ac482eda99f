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
    /** Archived on GitHub: readable, never writable, until it is unarchived. */
    archived: { type: Boolean, default: false },
    /** When GitHub said the repository was deleted; its id is kept, Create again gives a new one. */
    deletedOnGitHubAt: { type: Date, default: null },
    /** The full name under another account it was transferred to: no longer the organization's. */
    transferredTo: { type: String, default: null },
    /** The newest GitHub timestamp applied (repository.updated_at / pushed_at): an older event changes nothing. */
    lastEventAt: { type: Date, default: null },
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
