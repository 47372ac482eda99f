import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

/**
 * The id of every sign-in session signed out of (a development session's own id, a WorkOS
 * session's `sid`): its cookie may still be held somewhere, and must not sign anyone in again.
 * A row is only needed while such a cookie could still open (its 30 days); FerretDB has no TTL
 * indexes, so expired rows are pruned at each sign-out (see src/web/session/ended-sessions.ts).
 */
const endedSessionSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    endedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: "ended_sessions" },
);

endedSessionSchema.index({ sessionId: 1 }, { unique: true });
endedSessionSchema.index({ expiresAt: 1 });

export type EndedSessionDoc = InferSchemaType<typeof endedSessionSchema>;
export type EndedSessionModel = Model<EndedSessionDoc>;

export function endedSessionModel(connection: Connection): EndedSessionModel {
  return connection.model<EndedSessionDoc>("EndedSession", endedSessionSchema);
}
