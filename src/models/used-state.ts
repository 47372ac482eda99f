import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

/**
 * The nonce of every connect/OAuth `state` that has been used once. The unique index is what
 * makes a state single-use: the second insert of a nonce fails with duplicate key (11000).
 * A nonce is only needed until its state expires (10 minutes); FerretDB has no TTL indexes,
 * so expired rows are pruned when a state is used (see src/connect/state-token.ts).
 */
const usedStateSchema = new Schema(
  {
    nonce: { type: String, required: true },
    purpose: { type: String, enum: ["install", "oauth", "confirm"], required: true },
    organizationId: { type: String, required: true },
    usedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: "used_states" },
);

usedStateSchema.index({ nonce: 1 }, { unique: true });
usedStateSchema.index({ expiresAt: 1 });

export type UsedStateDoc = InferSchemaType<typeof usedStateSchema>;
export type UsedStateModel = Model<UsedStateDoc>;

export function usedStateModel(connection: Connection): UsedStateModel {
  return connection.model<UsedStateDoc>("UsedState", usedStateSchema);
}
