import { describe, expect, test } from "vitest";
import { createEntitlements } from "../../../src/marketplace/entitlements.js";
import { stored, storedAll } from "../../helpers/documents.js";
import { ACME } from "../../helpers/github/fixtures.js";
import { nockMarketplaceAccount } from "../../helpers/github/marketplace.js";
import { connectThroughGitHub, signInAdmin, startConnectServer } from "../../helpers/github-connect.js";
import { deliverPurchase, LISTING } from "../../helpers/marketplace.js";
import { useTestServer } from "../../helpers/use-test-server.js";
import { deliverWebhook, webhookExample, webhookUser } from "../../helpers/webhooks.js";

const ctx = useTestServer(startConnectServer, { emptyBetweenTests: true });

const NOW = new Date("2026-11-24T12:00:00Z");
const describePlan = (organizationId: string) =>
  createEntitlements({ models: ctx.server.models, config: ctx.server.config }).describe(organizationId, NOW);
const purchasedStarter = {
  action: "purchased",
  account: ACME,
  plan: LISTING.starter,
  effectiveDate: "2026-11-20T00:00:00+00:00",
} as const;

describe("linking an installation joins and refreshes the account's Marketplace purchase", () => {
  test("a purchase made before the installation is joined by GitHub account id when an organization links it", async () => {
    await deliverPurchase(ctx.server.url, purchasedStarter);
    expect(await stored(ctx.server.models.AuditEvent, { action: "marketplace_purchase.purchased" })).toMatchObject({
      organizationId: null,
    });
    expect(await describePlan("org_early")).toMatchObject({ source: "none" });

    const admin = await signInAdmin(ctx.server, "org_early");
    const callback = await connectThroughGitHub(admin, {
      installation: { id: 58101 },
      marketplace: { account: ACME, plan: LISTING.starter },
    });
    expect(callback.status, callback.body).toBe(303);
    expect(await describePlan("org_early")).toMatchObject({
      source: "purchase",
      account: { id: ACME.id },
      plan: { name: "Starter" },
      limits: { maxRepos: 5 },
    });
    // GitHub agreed with what was stored: nothing to correct.
    expect(await storedAll(ctx.server.models.AuditEvent, { action: "marketplace.corrected" })).toEqual([]);
  });

  test("GitHub's answer at link corrects a stored plan that drifted, recorded as an AuditEvent", async () => {
    await deliverPurchase(ctx.server.url, purchasedStarter);
    const admin = await signInAdmin(ctx.server, "org_drift");
    await connectThroughGitHub(admin, {
      installation: { id: 58102 },
      marketplace: {
        account: ACME,
        plan: LISTING.team,
        pendingChange: { plan: LISTING.starter, effectiveDate: "2026-12-01T00:00:00Z" },
      },
    });
    expect(await describePlan("org_drift")).toMatchObject({
      plan: { name: "Team" },
      pendingChange: { planName: "Starter", effectiveDate: new Date("2026-12-01T00:00:00Z") },
    });
    expect(await stored(ctx.server.models.AuditEvent, { action: "marketplace.corrected" })).toMatchObject({
      organizationId: "org_drift",
      actor: "system",
      details: {
        accountId: ACME.id,
        source: "link",
        from: { planId: LISTING.starter.id, pendingPlanId: null, ended: false },
        to: {
          planId: LISTING.team.id,
          pendingPlanId: LISTING.starter.id,
          pendingEffectiveDate: "2026-12-01T00:00:00.000Z",
          ended: false,
        },
      },
    });
  });

  test("a purchase no webhook brought is stored at link (per-unit: 2 units of 5 seats)", async () => {
    const admin = await signInAdmin(ctx.server, "org_lost_webhook");
    await connectThroughGitHub(admin, {
      installation: { id: 58103 },
      marketplace: { account: ACME, plan: LISTING.organization, unitCount: 2 },
    });
    expect(await describePlan("org_lost_webhook")).toMatchObject({
      plan: { name: "Organization" },
      limits: { maxRepos: null, seats: 10 },
    });
    expect(await stored(ctx.server.models.AuditEvent, { action: "marketplace.corrected" })).toMatchObject({
      details: { from: null, to: { planId: 7348, unitCount: 2 } },
    });
  });

  test("GitHub's 404 at link ends a stored plan GitHub no longer has", async () => {
    await deliverPurchase(ctx.server.url, purchasedStarter);
    const admin = await signInAdmin(ctx.server, "org_gone");
    await connectThroughGitHub(admin, { installation: { id: 58104 }, marketplace: null });
    expect(await describePlan("org_gone")).toMatchObject({ source: "ended", plan: { name: "Free" }, endedOn: NOW });
  });

  test("a failing Marketplace API does not fail the link: one warning line, and the stored purchase still counts", async () => {
    await deliverPurchase(ctx.server.url, purchasedStarter);
    const before = ctx.server.logs.lines.length;
    const admin = await signInAdmin(ctx.server, "org_api_down");
    const callback = await connectThroughGitHub(admin, { installation: { id: 58105 }, marketplace: "server-error" });
    expect(callback.status, callback.body).toBe(303);
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 58105 }))?.organizationId).toBe(
      "org_api_down",
    );
    const lines = ctx.server.logs.lines
      .slice(before)
      .filter((line) => String(line.msg).startsWith("Marketplace plan not refreshed"));
    expect(lines).toEqual([expect.objectContaining({ level: 40, accountId: ACME.id, status: 500 })]);
    expect(await describePlan("org_api_down")).toMatchObject({ plan: { name: "Starter" } });
  });

  test("an installation an owner approved, linked by its installation.created webhook, refreshes the purchase too", async () => {
    const codertocat = { id: 21031067, login: "Codertocat" };
    await ctx.server.models.InstallRequest.create({
      organizationId: "org_approved",
      githubUserId: 80001,
      githubLogin: "mona-admin",
      requestedBy: "user_1",
      requestedAt: NOW,
    });
    const payload = webhookExample("installation", "created");
    (payload.installation as { id: number }).id = 58106;
    payload.requester = webhookUser("mona-admin", 80001);
    nockMarketplaceAccount(codertocat.id, { account: { ...codertocat, type: "User" }, plan: LISTING.team });
    expect((await deliverWebhook(ctx.server.url, { event: "installation", payload })).status).toBe(200);
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 58106 }))?.organizationId).toBe(
      "org_approved",
    );
    expect(await describePlan("org_approved")).toMatchObject({
      account: { id: codertocat.id },
      plan: { name: "Team" },
    });
  });
});
