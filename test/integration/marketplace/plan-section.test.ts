import { describe, expect, test } from "vitest";
import { ACME } from "../../helpers/github/fixtures.js";
import { pageText, SETTINGS, signInAdmin, signInMember } from "../../helpers/github-connect.js";
import { deliverPurchase, LISTING } from "../../helpers/marketplace.js";
import { startTestServer } from "../../helpers/test-server.js";
import { testConfig } from "../../helpers/test-config.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const LISTING_URL = "https://github.com/marketplace/github-connect-test";
const NOW = new Date("2026-11-24T12:00:00Z");
const ctx = useTestServer(
  (connection) =>
    startTestServer({ connection, config: testConfig({ MARKETPLACE_LISTING_URL: LISTING_URL }), now: NOW }),
  {
    emptyBetweenTests: true,
  },
);

const ORG = "org_plan_page";
const purchase = { account: ACME, effectiveDate: "2026-11-24T00:00:00+00:00" } as const;

async function setUp(repos: number): Promise<void> {
  ctx.server.setNow(NOW);
  await ctx.server.models.GitHubInstallation.create({
    installationId: 58201,
    accountId: ACME.id,
    accountLogin: ACME.login,
    accountType: "Organization",
    organizationId: ORG,
  });
  if (repos > 0) {
    await ctx.server.models.Repo.create(
      Array.from({ length: repos }, (_, i) => ({
        organizationId: ORG,
        slug: `r${i}`,
        name: `Repo ${i}`,
        githubRepoId: 82000 + i,
      })),
    );
  }
}

/** The Plan section's words, as a person reads them. */
async function planText(role: "admin" | "member" = "admin"): Promise<{ text: string; html: string }> {
  const client = role === "admin" ? await signInAdmin(ctx.server, ORG) : await signInMember(ctx.server, ORG);
  const page = await client.get(SETTINGS);
  expect(page.status).toBe(200);
  const html = /<section class="card plan"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? "";
  return { text: pageText(html), html };
}

describe("the settings page's Plan section", () => {
  test("no purchase: the free plan, usage against its limit, and the admin's link to the listing", async () => {
    await setUp(1);
    const { text, html } = await planText();
    expect(text).toBe(
      "Plan Free 1 of 3 repos No GitHub Marketplace purchase: the free plan applies. Change plan on GitHub Marketplace",
    );
    expect(html).toContain(`<a class="button" href="${LISTING_URL}">Change plan on GitHub Marketplace</a>`);
  });

  test("members see the plan without the link", async () => {
    await setUp(0);
    const { text, html } = await planText("member");
    expect(text).toBe("Plan Free 0 of 3 repos No GitHub Marketplace purchase: the free plan applies.");
    expect(html).not.toContain("<a ");
  });

  test("a trial and an announced downgrade: the trial's end and the change's date", async () => {
    await setUp(3);
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "purchased",
      plan: LISTING.starter,
      onFreeTrial: true,
      freeTrialEndsOn: "2026-12-08T00:00:00+00:00",
    });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "pending_change",
      effectiveDate: "2026-12-01T00:00:00+00:00",
      plan: LISTING.free,
      previous: { plan: LISTING.starter },
    });
    const { text, html } = await planText();
    expect(text).toBe(
      "Plan Starter 3 of 5 repos Free trial until 8 December 2026 Changes to Free on 1 December 2026. Change plan on GitHub Marketplace",
    );
    expect(html).toContain('<time datetime="2026-12-01T00:00:00.000Z">1 December 2026</time>');
  });

  test("after a downgrade below what exists: the page says nothing was deleted and what allows more", async () => {
    await setUp(7);
    await deliverPurchase(ctx.server.url, { ...purchase, action: "purchased", plan: LISTING.team });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "pending_change",
      effectiveDate: "2026-12-01T00:00:00+00:00",
      plan: LISTING.starter,
      previous: { plan: LISTING.team },
    });
    ctx.server.setNow(new Date("2026-12-01T00:00:00Z"));
    const { text, html } = await planText();
    expect(text).toBe(
      "Plan Starter 7 of 5 repos The Starter plan allows 5 repos and your organization has 7. Nothing was deleted, but no repo can be created until there are fewer than 5. The Team plan allows 25 repos. Change plan on GitHub Marketplace",
    );
    expect(html).toContain('<p class="notice notice-warn" role="status">');
    expect(await ctx.server.models.Repo.countDocuments({ organizationId: ORG })).toBe(7);
  });

  test("a per-unit plan: no repo limit, and its seats", async () => {
    await setUp(4);
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "purchased",
      plan: LISTING.organization,
      unitCount: 3,
    });
    expect((await planText("member")).text).toBe("Plan Organization 4 repos, no limit 15 seats");
  });

  test("a cancelled plan: when it ended, and the free plan", async () => {
    await setUp(2);
    await deliverPurchase(ctx.server.url, { ...purchase, action: "purchased", plan: LISTING.team });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "cancelled",
      effectiveDate: "2026-11-24T06:00:00+00:00",
      plan: LISTING.team,
    });
    expect((await planText("member")).text).toBe(
      "Plan Free 2 of 3 repos The GitHub Marketplace plan ended on 24 November 2026: the free plan applies.",
    );
  });
});
