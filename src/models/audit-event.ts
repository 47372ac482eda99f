import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

/** An append-only record of every state change, for admins and support. */
const auditEventSchema = new Schema(
  {
    organizationId: { type: String, default: null },
    /** "github:<login>", "user:<id>" or "system". */
    actor: { type: String, required: true },
    /** How the activity page names a person signed in here (their email); null for GitHub and the system. */
    actorName: { type: String, default: null },
    action: { type: String, required: true },
    details: { type: Schema.Types.Mixed, default: () => ({}) },
    at: { type: Date, required: true },
  },
  { collection: "audit_events" },
);

auditEventSchema.index({ organizationId: 1, at: -1 });

export type AuditEventDoc = InferSchemaType<typeof auditEventSchema>;
export type AuditEventModel = Model<AuditEventDoc>;

export function auditEventModel(connection: Connection): AuditEventModel {
  return connection.model<AuditEventDoc>("AuditEvent", auditEventSchema);
}
