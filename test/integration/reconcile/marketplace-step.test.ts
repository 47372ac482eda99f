import { expect, test } from "vitest";
import { createAssembly } from "../../../src/assembly.js";
import { exitCodeOf } from "../../../src/reconcile/run-reconcile.js";
import { storedAll } from "../../helpers/documents.js";
import { ACME } from "../../helpers/github/fixtures.js";
import { nockAppInstallations } from "../../helpers/github/installations.js";
import {
  nockMarketplacePlanAccounts,
  nockMarketplacePlans,
  nockMarketplacePlansFailing,
} from "../../helpers/github/marketplace.js";
import { nockHookDeliveries } from "../../helpers/github/hook-deliveries.js";
import { LISTING } from "../../helpers/marketplace.js";
import { completed, RECONCILE_NOW } from "../../helpers/reconcile.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { TestOctokit } from "../../helpers/test-server.js";
import { useTestModels } from "../../helpers/use-test-server.js";

// Step 3 of a reconcile run, as the composition root wires it: only an App with a listing checks plans.
const db = useTestModels();

function assemblyWith(env: Record<string, string>) {
  const logs = captureLogger();
  return createAssembly({
    config: testConfig(env),
    log: logs.log,
    database: { connection: db.models.Repo.db },
    now: () => RECONCILE_NOW,
    Octokit: TestOctokit,
  });
}

async function storeStarterPurchase(): Promise<void> {
  await db.models.MarketplaceAccount.deleteMany({});
  await db.models.AuditEvent.deleteMany({});
  await db.models.MarketplaceAccount.create({
    accountId: ACME.id,
    accountLogin: ACME.login,
    accountType: "Organization",
    plan: {
      id: LISTING.starter.id,
      name: "Starter",
      priceModel: "FLAT_RATE",
      monthlyPriceInCents: 900,
      yearlyPriceInCents: 9000,
      unitName: null,
      hasFreeTrial: true,
    },
    billingCycle: "monthly",
    unitCount: 1,
  });
}

test("with MARKETPLACE_LISTING_URL, a run corrects a plan whose webhook was lost (Marketplace has no redelivery) and counts it in the summary", async () => {
  await storeStarterPurchase();
  nockHookDeliveries([[]]);
  nockAppInstallations([[]]);
  nockMarketplacePlans([[LISTING.team]]);
  nockMarketplacePlanAccounts(LISTING.team.id, [[{ account: ACME, plan: LISTING.team }]]);

  const result = await assemblyWith({
    MARKETPLACE_LISTING_URL: "https://github.com/marketplace/github-connect",
  }).reconcile();

  expect(exitCodeOf(result)).toBe(0);
  expect(completed(result).phases.marketplacePlans).toEqual({ checked: 1, corrected: 1, calls: 2 });
  const account = await db.models.MarketplaceAccount.findOne({ accountId: ACME.id }).lean();
  expect(account?.plan?.id).toBe(LISTING.team.id);
  expect(await storedAll(db.models.AuditEvent, { action: "marketplace.corrected" })).toHaveLength(1);
});

test("without MARKETPLACE_LISTING_URL but with purchases stored (webhooks came), a run still heals a lost one", async () => {
  await storeStarterPurchase();
  nockHookDeliveries([[]]);
  nockAppInstallations([[]]);
  nockMarketplacePlans([[LISTING.team]]);
  nockMarketplacePlanAccounts(LISTING.team.id, [[{ account: ACME, plan: LISTING.team }]]);

  const result = await assemblyWith({}).reconcile();

  expect(exitCodeOf(result)).toBe(0);
  expect(completed(result).phases.marketplacePlans).toEqual({ checked: 1, corrected: 1, calls: 2 });
  expect((await db.models.MarketplaceAccount.findOne({ accountId: ACME.id }).lean())?.plan?.id).toBe(LISTING.team.id);
});

test("with no listing configured and no purchase stored, a run asks the Marketplace API nothing", async () => {
  await db.models.MarketplaceAccount.deleteMany({});
  nockHookDeliveries([[]]);
  nockAppInstallations([[]]);

  const result = await assemblyWith({}).reconcile();

  expect(exitCodeOf(result)).toBe(0);
  expect(completed(result).phases.marketplacePlans).toEqual({ checked: 0, corrected: 0, calls: 0 });
});

test("GitHub answering 404 for the listing's plans (no listing) skips the check quietly: the run succeeds, nothing changes", async () => {
  await storeStarterPurchase();
  nockHookDeliveries([[]]);
  nockAppInstallations([[]]);
  nockMarketplacePlansFailing(404);

  const result = await assemblyWith({}).reconcile();

  expect(exitCodeOf(result)).toBe(0);
  expect(completed(result).phases.marketplacePlans).toEqual({ checked: 0, corrected: 0, calls: 1 });
  expect((await db.models.MarketplaceAccount.findOne({ accountId: ACME.id }).lean())?.plan?.id).toBe(
    LISTING.starter.id,
  );
});

test("GitHub Enterprise Server has no Marketplace: a link refreshes no purchase there", async () => {
  const ghes = createAssembly({
    config: testConfig({ GHE_HOST: "ghes.example.com" }),
    log: captureLogger().log,
    database: { connection: db.models.Repo.db },
    now: () => RECONCILE_NOW,
    Octokit: TestOctokit,
  });
  await expect(ghes.refreshMarketplace()).resolves.toBeUndefined();
  await expect(assemblyWith({}).refreshMarketplace()).resolves.toBeTypeOf("function");
});
