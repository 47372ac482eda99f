import { Types } from "mongoose";
import { connectionData } from "../../src/events/event-data.js";
import { recordEvent } from "../../src/events/event-log.js";
import type { GitHubInstallationDoc } from "../../src/models/github-installation.js";
import type { Models } from "../../src/models/index.js";

/** The console tests' clock. */
export const CONSOLE_NOW = new Date("2026-11-24T12:00:00Z");
export const hoursAgo = (hours: number) => new Date(CONSOLE_NOW.getTime() - hours * 3600_000);
export const minutesAgo = (minutes: number) => new Date(CONSOLE_NOW.getTime() - minutes * 60_000);

export type SeedInstallation = Partial<GitHubInstallationDoc> & { installationId: number };

/** Installations as the installation writer would have left them (linked ones keep organizationId when removed). */
export async function seedInstallations(models: Models, installations: SeedInstallation[]): Promise<void> {
  await models.GitHubInstallation.insertMany(
    installations.map((installation) => ({
      accountId: 900_000 + installation.installationId,
      accountLogin: `account-${installation.installationId}`,
      accountType: "Organization",
      installedAt: hoursAgo(24 * 30),
      ...installation,
    })),
  );
}

/** The account's Marketplace purchase of the Pro plan, 5 seats, as the purchases writer stores it. */
export async function seedProPlan(models: Models, account: { accountId: number; accountLogin: string }): Promise<void> {
  await models.MarketplaceAccount.create({
    ...account,
    accountType: "Organization",
    plan: { id: 2, name: "Pro", priceModel: "PER_UNIT", unitName: "seat" },
    unitCount: 5,
  });
}

/** One connection.linked event for the organization, through the event log's writer (schema-valid). */
export async function seedLinkedEvent(
  models: Models,
  at: Date,
  organizationId: string,
  installation: { installationId: number; accountLogin: string; accountType?: string },
): Promise<void> {
  await recordEvent(models, at, {
    type: "connection.linked",
    organizationId,
    data: { ...connectionData({ accountType: "Organization", ...installation }), via: "oauth" },
  });
}

/** An outbound delivery row as the dispatcher writes it. */
export function deliveryRow(fields: {
  endpoint: string;
  status: "pending" | "delivered" | "failed";
  lastError?: string | null;
  deliveredAt?: Date | null;
  eventId?: string;
}) {
  return {
    eventId: fields.eventId ?? `evt_${new Types.ObjectId().toHexString().padEnd(32, "0")}`,
    eventObjectId: new Types.ObjectId(),
    organizationId: "org_any",
    endpoint: fields.endpoint,
    status: fields.status,
    attempts: fields.status === "pending" ? 0 : 1,
    nextAttemptAt: CONSOLE_NOW,
    claimToken: new Types.ObjectId().toHexString(),
    lastStatus: fields.lastError ? 500 : fields.status === "delivered" ? 200 : null,
    lastError: fields.lastError ?? null,
    createdAt: hoursAgo(1),
    deliveredAt: fields.deliveredAt ?? null,
  };
}
