import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

const githubInstallationSchema = new Schema(
  {
    installationId: { type: Number, required: true },
    accountId: { type: Number, required: true },
    /** The login, or an enterprise's slug (enterprises have no login). */
    accountLogin: { type: String, required: true },
    /** An enterprise's name, which the pages show; null for users and organizations. */
    accountName: { type: String, default: null },
    accountType: { type: String, enum: ["Organization", "User", "Enterprise"], required: true },
    repositorySelection: { type: String, enum: ["all", "selected"], default: "selected" },
    permissions: { type: Schema.Types.Mixed, default: () => ({}) },
    events: { type: [String], default: () => [] },
    htmlUrl: { type: String, default: null },
    /** When the account installed the App, as GitHub says (created_at). */
    installedAt: { type: Date, default: null },
    /** The WorkOS organization this installation is linked to; null until an admin claims it. */
    organizationId: { type: String, default: null },
    /** GitHub user who installed it, to link a "request" installation once approved. */
    requesterId: { type: Number, default: null },
    /** That requester's login as the webhook named it, for the operator console; null when GitHub named none. */
    requesterLogin: { type: String, default: null },
    suspendedAt: { type: Date, default: null },
    deletedAt: { type: Date, default: null },
    /** The newest payload timestamp applied; older deliveries do not overwrite state. */
    lastEventAt: { type: Date, default: null },
  },
  { timestamps: true, collection: "github_installations" },
);

githubInstallationSchema.index({ installationId: 1 }, { unique: true });
githubInstallationSchema.index({ organizationId: 1 });
githubInstallationSchema.index({ accountId: 1 });
// The operator console: counts and lists by state (linked or not, suspended, removed), and the search by login.
githubInstallationSchema.index({ organizationId: 1, deletedAt: 1, suspendedAt: 1 });
githubInstallationSchema.index({ accountLogin: 1 });

export type GitHubInstallationDoc = InferSchemaType<typeof githubInstallationSchema>;
export type GitHubInstallationModel = Model<GitHubInstallationDoc>;

export function githubInstallationModel(connection: Connection): GitHubInstallationModel {
  return connection.model<GitHubInstallationDoc>("GitHubInstallation", githubInstallationSchema);
}
