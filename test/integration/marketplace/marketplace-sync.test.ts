import type { Connection } from "mongoose";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createAssembly } from "../../../src/assembly.js";
import type { Models } from "../../../src/models/index.js";
import {
  checkMarketplacePlans,
  refreshMarketplaceAccount,
  type MarketplaceSyncDeps,
} from "../../../src/marketplace/marketplace-sync.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { stored, storedAll } from "../../helpers/documents.js";
import { type AccountSpec, ACME } from "../../helpers/github/fixtures.js";
import {
  type ListingPlanSpec,
  nockMarketplaceAccount,
  nockMarketplacePlanAccounts,
  nockMarketplacePlans,
  nockMarketplacePlansFailing,
} from "../../helpers/github/marketplace.js";
import { LISTING } from "../../helpers/marketplace.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger, type CapturedLogger } from "../../helpers/test-logger.js";
import { TestOctokit } from "../../helpers/test-server.js";

const NOW = new Date("2026-11-24T12:00:00Z");
const GLOBEX: AccountSpec = { id: 90002, login: "globex" };
const INITECH: AccountSpec = { id: 90003, login: "initech" };
const HOOLI: AccountSpec = { id: 90004, login: "hooli" };

let connection: Connection;
let models: Models;
let logs: CapturedLogger;

/** The reconcile job's view, built by the composition root as the job builds it. */
async function syncDeps(env: Record<string, string> = {}): Promise<MarketplaceSyncDeps> {
  logs = captureLogger();
  const assembly = createAssembly({
    config: testConfig(env),
    log: logs.log,
    database: { connection },
    now: () => NOW,
    Octokit: TestOctokit,
  });
  return assembly.marketplaceSync();
}

beforeAll(async () => {
  connection = await connectTestDatabase();
  models = (
    await createAssembly({ config: testConfig(), log: captureLogger().log, database: { connection } }).database()
  ).models;
});
beforeEach(async () => {
  await Promise.all([
    models.MarketplaceAccount.deleteMany({}),
    models.AuditEvent.deleteMany({}),
    models.GitHubInstallation.deleteMany({}),
  ]);
});
afterAll(() => dropAndClose(connection));

/** A purchase as the webhook handler stores it. */
async function storePurchase(
  account: AccountSpec,
  plan: ListingPlanSpec,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await models.MarketplaceAccount.create({
    accountId: account.id,
    accountLogin: account.login,
    accountType: "Organization",
    plan: {
      id: plan.id,
      name: plan.name,
      priceModel: plan.priceModel,
      monthlyPriceInCents: plan.monthlyPriceInCents ?? 0,
      yearlyPriceInCents: (plan.monthlyPriceInCents ?? 0) * 10,
      unitName: null,
      hasFreeTrial: false,
    },
    billingCycle: "monthly",
    unitCount: 1,
    nextBillingDate: new Date("2026-12-01T00:00:00Z"),
    planEffectiveAt: new Date("2026-11-01T00:00:00Z"),
    ...extra,
  });
}

async function link(account: AccountSpec, organizationId: string, installationId: number): Promise<void> {
  await models.GitHubInstallation.create({
    installationId,
    accountId: account.id,
    accountLogin: account.login,
    accountType: "Organization",
    organizationId,
  });
}

describe("checkMarketplacePlans: the reconcile job's Marketplace step", () => {
  test("corrects stored plans that drifted from GitHub's listing, one small AuditEvent each, paging plans and accounts", async () => {
    await storePurchase(ACME, LISTING.starter); // GitHub: Team (an upgrade whose webhook was lost)
    await storePurchase(GLOBEX, LISTING.team); // GitHub: Team, as stored
    await link(ACME, "org_acme", 59001);
    nockMarketplacePlans([
      [LISTING.free, LISTING.starter],
      [LISTING.team, LISTING.organization],
    ]);
    nockMarketplacePlanAccounts(LISTING.free.id, [[]]);
    nockMarketplacePlanAccounts(LISTING.starter.id, [[]]);
    nockMarketplacePlanAccounts(LISTING.team.id, [
      [{ account: ACME, plan: LISTING.team }],
      [{ account: GLOBEX, plan: LISTING.team }],
    ]);
    nockMarketplacePlanAccounts(LISTING.organization.id, [
      [{ account: INITECH, plan: LISTING.organization, unitCount: 3 }],
    ]);

    const result = await checkMarketplacePlans(await syncDeps(), { maxCalls: 50 });

    expect(result).toEqual({ checked: 3, corrected: 2, calls: 7, complete: true });
    expect((await stored(models.MarketplaceAccount, { accountId: ACME.id }))?.plan?.id).toBe(LISTING.team.id);
    expect(await stored(models.MarketplaceAccount, { accountId: INITECH.id })).toMatchObject({
      accountLogin: "initech",
      plan: { id: 7348, priceModel: "PER_UNIT" },
      unitCount: 3,
    });
    const corrections = await storedAll(models.AuditEvent, { action: "marketplace.corrected" });
    expect(
      corrections.map((event) => [event.organizationId, (event.details as { accountId: number }).accountId]),
    ).toEqual([
      ["org_acme", ACME.id],
      [null, INITECH.id],
    ]);
    expect(corrections[0]).toMatchObject({
      actor: "system",
      details: { source: "reconcile", from: { planId: 7346 }, to: { planId: 7347 } },
    });
    for (const event of corrections) expect(JSON.stringify(event.details).length).toBeLessThan(600);
  });

  test("a plan still in force that GitHub lists nowhere is asked about by id: GitHub's 404 ends it, an answer is stored", async () => {
    await storePurchase(HOOLI, LISTING.team); // cancelled, and the `cancelled` webhook was lost
    await storePurchase(GLOBEX, LISTING.starter); // moved to Team while the listing was paged
    await storePurchase(INITECH, LISTING.team, { cancelledAt: new Date("2026-11-01T00:00:00Z") }); // already ended: not asked
    nockMarketplacePlans([[LISTING.team]]);
    nockMarketplacePlanAccounts(LISTING.team.id, [[]]);
    nockMarketplaceAccount(HOOLI.id, null);
    nockMarketplaceAccount(GLOBEX.id, { account: GLOBEX, plan: LISTING.team });

    const result = await checkMarketplacePlans(await syncDeps(), { maxCalls: 50 });

    expect(result).toEqual({ checked: 2, corrected: 2, calls: 4, complete: true });
    expect(await stored(models.MarketplaceAccount, { accountId: HOOLI.id })).toMatchObject({
      cancelledAt: NOW,
      pendingChange: null,
    });
    expect((await stored(models.MarketplaceAccount, { accountId: GLOBEX.id }))?.plan?.id).toBe(LISTING.team.id);
    expect(await stored(models.AuditEvent, { "details.accountId": HOOLI.id })).toMatchObject({
      details: { from: { ended: false }, to: { ended: true } },
    });
  });

  test("stops at its budget and says so; what it corrected stands for the next run to continue", async () => {
    await storePurchase(ACME, LISTING.starter);
    nockMarketplacePlans([[LISTING.team]]);
    // Only page 1 of the accounts fits in 2 calls; GitHub's Link header says there are 3.
    nockMarketplacePlanAccounts(LISTING.team.id, [[{ account: ACME, plan: LISTING.team }]], { totalPages: 3 });
    const result = await checkMarketplacePlans(await syncDeps(), { maxCalls: 2 });
    expect(result).toEqual({ checked: 1, corrected: 1, calls: 2, complete: false });
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ msg: "Marketplace check stopped at its budget; the next run starts again", calls: 2 }),
    );
  });

  test("a GitHub failure stops the check and ends nothing; so does a listing with no plans", async () => {
    await storePurchase(HOOLI, LISTING.team);
    nockMarketplacePlansFailing(500);
    expect(await checkMarketplacePlans(await syncDeps(), { maxCalls: 50 })).toEqual({
      checked: 0,
      corrected: 0,
      calls: 1,
      complete: false,
    });
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: 40, msg: "Marketplace check stopped: GitHub failed", status: 500 }),
    );

    nockMarketplacePlans([[]]);
    expect(await checkMarketplacePlans(await syncDeps(), { maxCalls: 50 })).toEqual({
      checked: 0,
      corrected: 0,
      calls: 1,
      complete: true,
    });
    expect((await stored(models.MarketplaceAccount, { accountId: HOOLI.id }))?.cancelledAt).toBeNull();
  });
});

describe("refreshMarketplaceAccount: the link's refresh", () => {
  test("asks GitHub once: a 5xx is not retried while the admin's redirect or the webhook waits, and is one warning line", async () => {
    nockMarketplaceAccount(ACME.id, "server-error");
    logs = captureLogger();
    // The production Octokit (plugin-retry on: a 5xx is otherwise tried again after 1, 4 and 9 s).
    const deps = await createAssembly({
      config: testConfig(),
      log: logs.log,
      database: { connection },
      now: () => NOW,
    }).marketplaceSync();
    const started = Date.now();
    expect(await refreshMarketplaceAccount(deps, ACME.id)).toBe("failed");
    expect(Date.now() - started).toBeLessThan(900);
    expect(logs.lines.filter((line) => (line.level as number) >= 40)).toEqual([
      expect.objectContaining({
        accountId: ACME.id,
        status: 500,
        msg: "Marketplace plan not refreshed from GitHub at link; the stored plan stands until the next check",
      }),
    ]);
  });
});

describe("MARKETPLACE_STUBBED=true: GitHub's stubbed endpoints, for a listing that is not live yet", () => {
  test("the check reads /marketplace_listing/stubbed/plans and …/accounts, and ends nothing for being absent from GitHub's fixed data", async () => {
    await storePurchase(HOOLI, LISTING.team);
    nockMarketplacePlans([[LISTING.starter]], { stubbed: true });
    nockMarketplacePlanAccounts(
      LISTING.starter.id,
      [[{ account: { id: 4, login: "github" }, plan: LISTING.starter }]],
      { stubbed: true },
    );
    const deps = await syncDeps({ MARKETPLACE_STUBBED: "true" });
    expect(await checkMarketplacePlans(deps, { maxCalls: 50 })).toEqual({
      checked: 1,
      corrected: 1,
      calls: 2,
      complete: true,
    });
    expect((await stored(models.MarketplaceAccount, { accountId: 4 }))?.plan?.name).toBe("Starter");
    expect((await stored(models.MarketplaceAccount, { accountId: HOOLI.id }))?.cancelledAt).toBeNull();
  });

  test("the refresh at link reads /marketplace_listing/stubbed/accounts/{id} and keeps GitHub's example under the account asked about", async () => {
    nockMarketplaceAccount(
      ACME.id,
      {
        account: { id: 4, login: "github" },
        plan: LISTING.team,
        onFreeTrial: true,
        freeTrialEndsOn: "2026-12-08T00:00:00Z",
      },
      { stubbed: true },
    );
    const deps = await syncDeps({ MARKETPLACE_STUBBED: "true" });
    expect(await refreshMarketplaceAccount(deps, ACME.id)).toBe("corrected");
    expect(await stored(models.MarketplaceAccount, { accountId: ACME.id })).toMatchObject({
      plan: { id: LISTING.team.id },
      onFreeTrial: true,
      freeTrialEndsOn: new Date("2026-12-08T00:00:00Z"),
    });
  });

  test("without it, the refresh asks the live endpoint, /marketplace_listing/accounts/{id}", async () => {
    nockMarketplaceAccount(ACME.id, { account: ACME, plan: LISTING.starter });
    expect(await refreshMarketplaceAccount(await syncDeps(), ACME.id)).toBe("corrected");
    expect((await stored(models.MarketplaceAccount, { accountId: ACME.id }))?.plan?.name).toBe("Starter");
  });
});
