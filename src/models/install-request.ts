import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

/**
 * An admin asked their GitHub organization's owner to approve the App (setup_action=request).
 * GitHub names the requester in the installation.created webhook once an owner approves, so the
 * requester's GitHub user id, verified with OAuth, is kept here to link that installation to the
 * organization automatically. One pending request per organization; the newest wins.
 */
const installRequestSchema = new Schema(
  {
    organizationId: { type: String, required: true },
    githubUserId: { type: Number, required: true },
    githubLogin: { type: String, required: true },
    /** Our user (WorkOS id) who made the request. */
    requestedBy: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    /** Set when an installation was linked from this request. */
    fulfilledAt: { type: Date, default: null },
    installationId: { type: Number, default: null },
  },
  { collection: "install_requests" },
);

installRequestSchema.index({ organizationId: 1 }, { unique: true });
installRequestSchema.index({ githubUserId: 1, requestedAt: -1 });

export type InstallRequestDoc = InferSchemaType<typeof installRequestSchema>;
export type InstallRequestModel = Model<InstallRequestDoc>;

export function installRequestModel(connection: Connection): InstallRequestModel {
  return connection.model<InstallRequestDoc>("InstallRequest", installRequestSchema);
}
