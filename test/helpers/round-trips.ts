import { randomUUID } from "node:crypto";
import type { CommandCounter } from "../../src/db/command-counter.js";
import type { Models } from "../../src/models/index.js";
import { deliverWebhook, webhookExamples, webhookFixture, type DeliveryOptions } from "./webhooks.js";

/**
 * The lifecycle events and the state each meets in the common case: the installation already
 * stored and linked to an organization that has repos, the Marketplace account already bought.
 * Shared by test/integration/webhooks/round-trips.test.ts and the webhook-ingest benchmark.
 */
export interface RoundTripScenario {
  /** event.action */
  name: string;
  delivery: () => DeliveryOptions;
  /** Changes to the stored installation before the event (e.g. already suspended). */
  installation?: Record<string, unknown>;
}

const INSTALLATION_ID = 43110412;
const ACCOUNT_ID = 6811672;
const MARKETPLACE_ACCOUNT_ID = 18404719;
/** Newer than anything stored, so every event applies. */
const EVENT_AT = "2026-11-21T10:00:00.000Z";

type Payload = Record<string, unknown>;

function installationEvent(action: string, extra: Payload = {}): DeliveryOptions {
  const payload = webhookFixture("installation.created.organization");
  payload.action = action;
  // GitHub names who suspended it: the sender.
  const suspendedBy = action === "suspend" ? { suspended_by: payload.sender } : {};
  Object.assign(payload.installation as Payload, { updated_at: EVENT_AT, ...suspendedBy, ...extra });
  return { event: "installation", payload };
}

function repositoriesEvent(action: "added" | "removed"): DeliveryOptions {
  const payload = webhookExamples("installation_repositories").find((e) => e.action === "added")!;
  const repo = {
    id: 700000001,
    node_id: "R_kgDOKbxa0Q",
    name: "acme-docs",
    full_name: "octo-org/acme-docs",
    private: true,
  };
  Object.assign(payload, {
    action,
    installation: { ...(installationEvent(action).payload as { installation: Payload }).installation },
    repository_selection: "selected",
    // Required by the schema: the user who asked for the change, null when no one did.
    requester: null,
    repositories_added: action === "added" ? [repo] : [],
    repositories_removed: action === "removed" ? [repo] : [],
  });
  return { event: "installation_repositories", payload };
}

function purchaseEvent(action: string): DeliveryOptions {
  const pending = action === "pending_change" || action === "pending_change_cancelled";
  const payload = pending
    ? webhookFixture(`marketplace_purchase.${action}`)
    : {
        ...webhookExamples("marketplace_purchase").find(
          (e) => e.action === (action === "cancelled" ? "purchased" : action),
        )!,
        action,
      };
  const purchase = payload.marketplace_purchase as { account: Payload };
  purchase.account = { ...purchase.account, id: MARKETPLACE_ACCOUNT_ID, login: "username" };
  if (!pending) payload.effective_date = EVENT_AT;
  return { event: "marketplace_purchase", payload, endpoint: "marketplace" };
}

export const ROUND_TRIP_SCENARIOS: readonly RoundTripScenario[] = [
  { name: "installation.created", delivery: () => installationEvent("created") },
  { name: "installation.deleted", delivery: () => installationEvent("deleted") },
  { name: "installation.suspend", delivery: () => installationEvent("suspend", { suspended_at: EVENT_AT }) },
  {
    name: "installation.unsuspend",
    delivery: () => installationEvent("unsuspend"),
    installation: { suspendedAt: new Date("2026-11-20T12:00:00Z") },
  },
  {
    name: "installation.new_permissions_accepted",
    delivery: () =>
      installationEvent("new_permissions_accepted", { permissions: { metadata: "read", contents: "write" } }),
  },
  { name: "installation_repositories.added", delivery: () => repositoriesEvent("added") },
  { name: "installation_repositories.removed", delivery: () => repositoriesEvent("removed") },
  { name: "marketplace_purchase.purchased", delivery: () => purchaseEvent("purchased") },
  { name: "marketplace_purchase.changed", delivery: () => purchaseEvent("changed") },
  { name: "marketplace_purchase.cancelled", delivery: () => purchaseEvent("cancelled") },
  { name: "marketplace_purchase.pending_change", delivery: () => purchaseEvent("pending_change") },
  { name: "marketplace_purchase.pending_change_cancelled", delivery: () => purchaseEvent("pending_change_cancelled") },
];

/** Empties every collection and stores the common-case state the scenarios meet. */
export async function seedCommonCase(models: Models, installation: Record<string, unknown> = {}): Promise<void> {
  await Promise.all(
    Object.values(models).map((model) => (model as { deleteMany(f: object): Promise<unknown> }).deleteMany({})),
  );
  const stored = {
    accountType: "Organization",
    repositorySelection: "selected",
    installedAt: new Date("2026-11-01T00:00:00Z"),
    lastEventAt: new Date("2026-11-20T10:00:00Z"),
  };
  await models.GitHubInstallation.create([
    {
      ...stored,
      installationId: INSTALLATION_ID,
      accountId: ACCOUNT_ID,
      accountLogin: "octo-org",
      organizationId: "org_acme",
      ...installation,
    },
    {
      ...stored,
      installationId: 43110499,
      accountId: MARKETPLACE_ACCOUNT_ID,
      accountLogin: "username",
      organizationId: "org_market",
    },
  ]);
  await models.Repo.create([
    {
      organizationId: "org_acme",
      slug: "acme-docs",
      name: "acme-docs",
      githubRepoId: 700000001,
      fullName: "octo-org/acme-docs",
      accessible: true,
    },
    {
      organizationId: "org_acme",
      slug: "acme-site",
      name: "acme-site",
      githubRepoId: 700000002,
      fullName: "octo-org/acme-site",
      accessible: false,
    },
  ]);
  const plan = {
    id: 9,
    name: "Basic Plan",
    priceModel: "FLAT_RATE",
    monthlyPriceInCents: 1000,
    yearlyPriceInCents: 10000,
  };
  await models.MarketplaceAccount.create({
    accountId: MARKETPLACE_ACCOUNT_ID,
    accountLogin: "username",
    accountType: "Organization",
    plan,
    billingCycle: "monthly",
    planEffectiveAt: new Date("2026-11-01T00:00:00Z"),
    lastAction: "purchased",
  });
}

export interface RoundTripResult {
  name: string;
  status: number;
  /** Database commands the delivery sent, in order. */
  commands: string[];
}

/** Seeds the common case, delivers the scenario's event through the real HTTP server, and counts its commands. */
export async function measureScenario(
  scenario: RoundTripScenario,
  target: { url: string; models: Models; counter: CommandCounter },
): Promise<RoundTripResult> {
  await seedCommonCase(target.models, scenario.installation);
  target.counter.reset();
  const response = await deliverWebhook(target.url, scenario.delivery());
  return { name: scenario.name, status: response.status, commands: [...target.counter.commands] };
}

/** A delivery already processed, sent again with the same X-GitHub-Delivery. */
export async function measureDuplicate(target: {
  url: string;
  models: Models;
  counter: CommandCounter;
}): Promise<RoundTripResult> {
  const scenario = ROUND_TRIP_SCENARIOS.find((s) => s.name === "installation.suspend")!;
  await seedCommonCase(target.models);
  const delivery = { ...scenario.delivery(), deliveryId: randomUUID() };
  const first = await deliverWebhook(target.url, delivery);
  if (first.status !== 200) return { name: "duplicate delivery", status: first.status, commands: [] };
  target.counter.reset();
  const again = await deliverWebhook(target.url, delivery);
  return { name: "duplicate delivery", status: again.status, commands: [...target.counter.commands] };
}
