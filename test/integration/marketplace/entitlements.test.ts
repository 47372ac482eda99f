import { describe, expect, test } from "vitest";
import { createEntitlements, type Entitlements } from "../../../src/marketplace/entitlements.js";
import { type AccountSpec, ACME } from "../../helpers/github/fixtures.js";
import { deliverPurchase, LISTING } from "../../helpers/marketplace.js";
import { startTestServer } from "../../helpers/test-server.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const LISTING_URL = "https://github.com/marketplace/github-connect-test";
const ctx = useTestServer(
  (connection) =>
    startTestServer({
      connection,
      config: testConfig({ MARKETPLACE_LISTING_URL: LISTING_URL }),
      now: new Date("2026-11-24T12:00:00Z"),
    }),
  { emptyBetweenTests: true },
);

const ORG = "org_plans";
const NOW = new Date("2026-11-24T12:00:00Z");
const TODAY = "2026-11-24T00:00:00+00:00";
/** When the announced downgrade or cancellation takes effect, and the instant before. */
const EFFECTIVE = "2026-12-01T00:00:00+00:00";
const AT_EFFECTIVE = new Date("2026-12-01T00:00:00Z");
const JUST_BEFORE = new Date("2026-11-30T23:59:59Z");

function entitlements(log = captureLogger().log): Entitlements {
  return createEntitlements({ models: ctx.server.models, config: ctx.server.config, log });
}

/** The organization's installation on `account`, as the connect flow leaves it. */
async function linkOrganization(
  account: AccountSpec = ACME,
  organizationId = ORG,
  installationId = 58001,
): Promise<void> {
  await ctx.server.models.GitHubInstallation.create({
    installationId,
    accountId: account.id,
    accountLogin: account.login,
    accountType: "Organization",
    organizationId,
  });
}

async function createRepos(count: number, organizationId = ORG): Promise<void> {
  const start = await ctx.server.models.Repo.countDocuments({ organizationId });
  await ctx.server.models.Repo.create(
    Array.from({ length: count }, (_, i) => ({
      organizationId,
      slug: `repo-${start + i}`,
      name: `Repo ${start + i}`,
      githubRepoId: 81000 + start + i,
    })),
  );
}

const purchase = { account: ACME, effectiveDate: TODAY } as const;

describe("an organization's plan without a purchase", () => {
  test("no Marketplace purchase: the free plan, 3 repos; the 4th is refused naming the plan that allows more, with the listing as upgrade link", async () => {
    await linkOrganization();
    const plans = entitlements();
    expect(await plans.describe(ORG, NOW)).toMatchObject({
      source: "none",
      plan: { id: null, name: "Free" },
      limits: { maxRepos: 3, seats: null, features: { privateRepos: false } },
      usage: { repos: 0 },
      upgrade: { name: "Starter", maxRepos: 5 },
    });
    await createRepos(2);
    expect(await plans.mayCreateRepo(ORG, NOW)).toEqual({ allowed: true });
    await createRepos(1);
    expect(await plans.mayCreateRepo(ORG, NOW)).toEqual({
      allowed: false,
      reason: "The Free plan allows 3 repos and your organization has 3. The Starter plan allows 5 repos.",
      upgradeUrl: LISTING_URL,
    });
  });

  test("an organization that never connected GitHub has the free plan too", async () => {
    expect(await entitlements().describe("org_never_connected", NOW)).toMatchObject({
      source: "none",
      account: null,
      limits: { maxRepos: 3 },
    });
  });
});

describe("each Marketplace action, through the listing's webhook endpoint", () => {
  test("purchased applies at once", async () => {
    await linkOrganization();
    await deliverPurchase(ctx.server.url, { ...purchase, action: "purchased", plan: LISTING.starter });
    expect(await entitlements().describe(ORG, NOW)).toMatchObject({
      source: "purchase",
      account: { id: ACME.id, login: ACME.login },
      plan: { id: 7346, name: "Starter", priceModel: "FLAT_RATE", inCatalogue: true },
      limits: { maxRepos: 5, features: { privateRepos: true } },
      pendingChange: null,
      trialEndsOn: null,
    });
  });

  test("an upgrade (changed) applies at once", async () => {
    await linkOrganization();
    await deliverPurchase(ctx.server.url, { ...purchase, action: "purchased", plan: LISTING.starter });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "changed",
      plan: LISTING.team,
      previous: { plan: LISTING.starter },
    });
    expect(await entitlements().describe(ORG, NOW)).toMatchObject({ plan: { name: "Team" }, limits: { maxRepos: 25 } });
  });

  test("a downgrade announced by pending_change takes effect at its effective_date even if no further webhook arrives", async () => {
    await linkOrganization();
    await deliverPurchase(ctx.server.url, { ...purchase, action: "purchased", plan: LISTING.team });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "pending_change",
      effectiveDate: EFFECTIVE,
      plan: LISTING.starter,
      previous: { plan: LISTING.team },
    });
    const plans = entitlements();

    expect(await plans.describe(ORG, JUST_BEFORE)).toMatchObject({
      plan: { name: "Team" },
      limits: { maxRepos: 25 },
      pendingChange: { planName: "Starter", effectiveDate: AT_EFFECTIVE },
    });
    expect(await plans.describe(ORG, AT_EFFECTIVE)).toMatchObject({
      plan: { name: "Starter" },
      limits: { maxRepos: 5 },
      pendingChange: null,
    });

    // GitHub's `changed` at the effective date agrees, and clears the notice.
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "changed",
      effectiveDate: EFFECTIVE,
      plan: LISTING.starter,
      previous: { plan: LISTING.team },
    });
    expect(await plans.describe(ORG, AT_EFFECTIVE)).toMatchObject({ plan: { name: "Starter" }, pendingChange: null });
    expect(
      (await ctx.server.models.MarketplaceAccount.findOne({ accountId: ACME.id }).lean())?.pendingChange,
    ).toBeNull();
  });

  test("pending_change_cancelled drops the announced change: the plan stays after its date", async () => {
    await linkOrganization();
    await deliverPurchase(ctx.server.url, { ...purchase, action: "purchased", plan: LISTING.team });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "pending_change",
      effectiveDate: EFFECTIVE,
      plan: LISTING.starter,
      previous: { plan: LISTING.team },
    });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "pending_change_cancelled",
      effectiveDate: EFFECTIVE,
      plan: LISTING.team,
    });
    expect(await entitlements().describe(ORG, AT_EFFECTIVE)).toMatchObject({
      plan: { name: "Team" },
      limits: { maxRepos: 25 },
      pendingChange: null,
    });
  });

  test("cancelled ends the plan at its effective date: the free limits apply from then", async () => {
    await linkOrganization();
    await createRepos(4);
    await deliverPurchase(ctx.server.url, { ...purchase, action: "purchased", plan: LISTING.starter });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "cancelled",
      effectiveDate: EFFECTIVE,
      plan: LISTING.starter,
    });
    const plans = entitlements();
    expect(await plans.describe(ORG, JUST_BEFORE)).toMatchObject({
      source: "purchase",
      plan: { name: "Starter" },
      endsOn: AT_EFFECTIVE,
    });
    expect(await plans.mayCreateRepo(ORG, JUST_BEFORE)).toEqual({ allowed: true });
    expect(await plans.describe(ORG, AT_EFFECTIVE)).toMatchObject({
      source: "ended",
      plan: { name: "Free" },
      limits: { maxRepos: 3 },
      endedOn: AT_EFFECTIVE,
    });
    expect(await plans.mayCreateRepo(ORG, AT_EFFECTIVE)).toMatchObject({ allowed: false });
  });
});

describe("limits against what exists", () => {
  test("a downgrade below what exists deletes nothing and refuses creation until under the limit", async () => {
    await linkOrganization();
    await createRepos(7);
    await deliverPurchase(ctx.server.url, { ...purchase, action: "purchased", plan: LISTING.team });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "pending_change",
      effectiveDate: EFFECTIVE,
      plan: LISTING.starter,
      previous: { plan: LISTING.team },
    });
    const plans = entitlements();
    expect(await plans.mayCreateRepo(ORG, JUST_BEFORE)).toEqual({ allowed: true });

    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "changed",
      effectiveDate: EFFECTIVE,
      plan: LISTING.starter,
      previous: { plan: LISTING.team },
    });
    expect(await plans.mayCreateRepo(ORG, AT_EFFECTIVE)).toEqual({
      allowed: false,
      reason:
        "The Starter plan allows 5 repos and your organization has 7. Nothing was deleted, but no repo can be created until there are fewer than 5. The Team plan allows 25 repos.",
      upgradeUrl: LISTING_URL,
    });
    expect(await ctx.server.models.Repo.countDocuments({ organizationId: ORG })).toBe(7);

    // Down to 4: creation is allowed again.
    await ctx.server.models.Repo.deleteMany({ organizationId: ORG, slug: { $in: ["repo-4", "repo-5", "repo-6"] } });
    expect(await plans.mayCreateRepo(ORG, AT_EFFECTIVE)).toEqual({ allowed: true });
  });

  test("a free trial shows its end; past free_trial_ends_on with no change it is the paid plan (GitHub bills it); cancelled during the trial it ends at once", async () => {
    await linkOrganization();
    const trialEnds = "2026-12-08T00:00:00+00:00";
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "purchased",
      plan: LISTING.team,
      onFreeTrial: true,
      freeTrialEndsOn: trialEnds,
    });
    const plans = entitlements();
    expect(await plans.describe(ORG, NOW)).toMatchObject({
      plan: { name: "Team" },
      limits: { maxRepos: 25 },
      trialEndsOn: new Date(trialEnds),
    });
    expect(await plans.describe(ORG, new Date(trialEnds))).toMatchObject({
      source: "purchase",
      plan: { name: "Team" },
      limits: { maxRepos: 25 },
      trialEndsOn: null,
    });

    // GitHub sends `cancelled` at once for a trial: the free limits apply from its effective date.
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "cancelled",
      effectiveDate: "2026-11-25T09:00:00+00:00",
      plan: LISTING.team,
      onFreeTrial: true,
      freeTrialEndsOn: trialEnds,
    });
    expect(await plans.describe(ORG, new Date("2026-11-25T09:00:00Z"))).toMatchObject({
      source: "ended",
      limits: { maxRepos: 3 },
      trialEndsOn: null,
    });
  });

  test("a per-unit plan gives seatsPerUnit seats for each unit bought", async () => {
    await linkOrganization();
    await createRepos(40);
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "purchased",
      plan: LISTING.organization,
      unitCount: 3,
    });
    const plans = entitlements();
    expect(await plans.describe(ORG, NOW)).toMatchObject({
      plan: { name: "Organization", priceModel: "PER_UNIT" },
      unitCount: 3,
      limits: { maxRepos: null, seats: 15 },
      upgrade: null,
    });
    expect(await plans.mayCreateRepo(ORG, NOW)).toEqual({ allowed: true });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "changed",
      plan: LISTING.organization,
      unitCount: 4,
      previous: { plan: LISTING.organization, unitCount: 3 },
    });
    expect((await plans.describe(ORG, NOW)).limits.seats).toBe(20);
  });

  test("a plan the catalogue does not know gets the free limits, by its price model, and one warning naming it", async () => {
    await linkOrganization();
    await deliverPurchase(ctx.server.url, { ...purchase, action: "purchased", plan: LISTING.unknown });
    const logs = captureLogger();
    const plans = entitlements(logs.log);
    expect(await plans.describe(ORG, NOW)).toMatchObject({
      source: "purchase",
      plan: { id: 7399, name: "Legacy Pro", inCatalogue: false },
      limits: { maxRepos: 3, seats: null, features: { privateRepos: false } },
    });
    await plans.mayCreateRepo(ORG, NOW);
    const warnings = logs.lines.filter((line) => line.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        planId: 7399,
        planName: "Legacy Pro",
        msg: "Marketplace plan not in src/marketplace/plans.ts: the free limits apply until it is added",
      }),
    ]);

    const perUnit = { id: 7398, name: "Seats (old)", priceModel: "PER_UNIT", unitName: "seat" } as const;
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "changed",
      plan: perUnit,
      unitCount: 6,
      previous: { plan: LISTING.unknown },
    });
    expect(await plans.describe(ORG, NOW)).toMatchObject({
      plan: { name: "Seats (old)", inCatalogue: false },
      limits: { maxRepos: 3, seats: 6 },
    });
  });
});
