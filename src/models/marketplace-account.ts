import { Schema, type Connection, type InferSchemaType, type Model } from "mongoose";

const planSchema = new Schema(
  {
    id: { type: Number, required: true },
    name: { type: String, required: true },
    /** Normalised to FREE, FLAT_RATE or PER_UNIT (payloads also say "flat-rate", "per-unit"). */
    priceModel: { type: String, enum: ["FREE", "FLAT_RATE", "PER_UNIT"], required: true },
    monthlyPriceInCents: { type: Number, default: 0 },
    yearlyPriceInCents: { type: Number, default: 0 },
    unitName: { type: String, default: null },
    hasFreeTrial: { type: Boolean, default: false },
  },
  { _id: false },
);

const pendingChangeSchema = new Schema(
  {
    plan: { type: planSchema, required: true },
    unitCount: { type: Number, default: null },
    billingCycle: { type: String, default: null },
    effectiveDate: { type: Date, required: true },
  },
  { _id: false },
);

/** A Marketplace purchase, keyed by GitHub account id: it may exist before any installation. */
const marketplaceAccountSchema = new Schema(
  {
    accountId: { type: Number, required: true },
    accountLogin: { type: String, required: true },
    accountType: { type: String, required: true },
    plan: { type: planSchema, default: null },
    billingCycle: { type: String, default: null },
    unitCount: { type: Number, default: null },
    onFreeTrial: { type: Boolean, default: false },
    freeTrialEndsOn: { type: Date, default: null },
    nextBillingDate: { type: Date, default: null },
    pendingChange: { type: pendingChangeSchema, default: null },
    cancelledAt: { type: Date, default: null },
    /** effective_date of the newest purchase/change/cancel applied. */
    planEffectiveAt: { type: Date, default: null },
    lastAction: { type: String, default: null },
  },
  { timestamps: true, collection: "marketplace_accounts" },
);

marketplaceAccountSchema.index({ accountId: 1 }, { unique: true });

export type MarketplaceAccountDoc = InferSchemaType<typeof marketplaceAccountSchema>;
export type MarketplacePlan = InferSchemaType<typeof planSchema>;
export type MarketplaceAccountModel = Model<MarketplaceAccountDoc>;

export function marketplaceAccountModel(connection: Connection): MarketplaceAccountModel {
  return connection.model<MarketplaceAccountDoc>("MarketplaceAccount", marketplaceAccountSchema);
}
