import { describe, expect, test } from "vitest";
import { deliverWebhook, upstreamExampleGap, webhookExamples } from "../../helpers/webhooks.js";
import { useWebhookServer } from "../../helpers/webhook-suite.js";
import { stored, storedAll } from "../../helpers/documents.js";

// Every example GitHub documents for the events this App handles, delivered signed through HTTP.
const ctx = useWebhookServer();

type Installation = {
  id: number;
  account: { id: number; login: string; type: string };
  repository_selection: string;
  permissions: Record<string, string>;
  events: string[];
  updated_at: number | string;
  suspended_at?: string | null;
};

const toDate = (t: number | string) => (typeof t === "number" ? new Date(t * 1000) : new Date(t));

async function expectDeliveryRecorded(
  deliveryId: string,
  event: string,
  action: string,
  installationId: number | null,
  source = "app",
) {
  const delivery = await stored(ctx.server.models.WebhookDelivery, { deliveryId });
  expect(delivery).toMatchObject({
    deliveryId,
    event,
    action,
    installationId,
    source,
    status: "processed",
    attempts: 1,
    error: null,
  });
}

describe("installation examples", () => {
  for (const [index, payload] of webhookExamples("installation").entries()) {
    test(`installation.${payload.action} (example ${index + 1}) is stored field by field`, async () => {
      const inst = payload.installation as Installation;
      const res = await deliverWebhook(ctx.server.url, {
        event: "installation",
        payload,
        offSchema: upstreamExampleGap("installation", index, payload.action),
      });
      expect(res.status, res.body).toBe(200);

      const doc = await stored(ctx.server.models.GitHubInstallation, { installationId: inst.id });
      expect(doc).toMatchObject({
        installationId: inst.id,
        accountId: inst.account.id,
        accountLogin: inst.account.login,
        accountType: inst.account.type,
        repositorySelection: inst.repository_selection,
        organizationId: null,
      });
      switch (payload.action) {
        case "created":
        case "new_permissions_accepted":
          expect(doc?.permissions).toEqual(inst.permissions);
          expect(doc?.events).toEqual(inst.events);
          expect(doc?.lastEventAt).toEqual(toDate(inst.updated_at));
          expect(doc?.deletedAt).toBeNull();
          expect(doc?.suspendedAt).toBeNull();
          break;
        case "deleted":
          expect(doc?.deletedAt).toEqual(new Date("2026-11-24T12:00:00Z"));
          break;
        case "suspend":
          expect(doc?.suspendedAt).toEqual(new Date(inst.suspended_at!));
          break;
        case "unsuspend":
          expect(doc?.suspendedAt).toBeNull();
          break;
      }
      const requester = payload.requester as { id: number } | null | undefined;
      if (payload.action === "created") expect(doc?.requesterId).toBe(requester?.id ?? null);

      const audit = await storedAll(ctx.server.models.AuditEvent);
      expect(audit).toHaveLength(1);
      expect(audit[0]?.actor).toBe(`github:${(payload.sender as { login: string }).login}`);
      expect(audit[0]?.details).toMatchObject({ installationId: inst.id });
      await expectDeliveryRecorded(res.deliveryId, "installation", payload.action!, inst.id);
    });
  }
});

describe("installation_repositories examples", () => {
  for (const [index, payload] of webhookExamples("installation_repositories").entries()) {
    test(`installation_repositories.${payload.action} (example ${index + 1}) updates the selection and the org's known repos`, async () => {
      const inst = payload.installation as Installation;
      const added = payload.repositories_added as Array<{ id: number; name: string; full_name: string }>;
      const removed = payload.repositories_removed as Array<{ id: number; name: string; full_name: string }>;
      // The org already knows these repos (it created them) and has claimed the installation.
      await ctx.server.models.GitHubInstallation.create({
        installationId: inst.id,
        accountId: inst.account.id,
        accountLogin: inst.account.login,
        accountType: inst.account.type,
        repositorySelection: payload.repository_selection === "all" ? "selected" : "all",
        organizationId: "org_example",
      });
      for (const repo of [...added, ...removed]) {
        await ctx.server.models.Repo.create({
          organizationId: "org_example",
          slug: repo.name.toLowerCase(),
          name: repo.name,
          githubRepoId: repo.id,
          fullName: repo.full_name,
          accessible: payload.action === "removed",
        });
      }

      const res = await deliverWebhook(ctx.server.url, {
        event: "installation_repositories",
        payload,
        offSchema: upstreamExampleGap("installation_repositories", index, payload.action),
      });
      expect(res.status, res.body).toBe(200);

      const doc = await stored(ctx.server.models.GitHubInstallation, { installationId: inst.id });
      expect(doc?.repositorySelection).toBe(payload.repository_selection);
      for (const repo of added) {
        expect(await ctx.server.models.Repo.findOne({ githubRepoId: repo.id }).lean()).toMatchObject({
          accessible: true,
          githubRepoId: repo.id,
        });
      }
      for (const repo of removed) {
        expect(await ctx.server.models.Repo.findOne({ githubRepoId: repo.id }).lean()).toMatchObject({
          accessible: false,
          githubRepoId: repo.id,
        });
      }
      const audit = await stored(ctx.server.models.AuditEvent, {
        action: `installation_repositories.${payload.action}`,
      });
      expect(audit).toMatchObject({
        organizationId: "org_example",
        details: { added: added.length, removed: removed.length },
      });
      await expectDeliveryRecorded(res.deliveryId, "installation_repositories", payload.action!, inst.id);
    });
  }
});

describe("github_app_authorization examples", () => {
  for (const [index, payload] of webhookExamples("github_app_authorization").entries()) {
    test(`github_app_authorization.revoked (example ${index + 1}) is recorded for support`, async () => {
      const sender = payload.sender as { id: number; login: string };
      const res = await deliverWebhook(ctx.server.url, { event: "github_app_authorization", payload });
      expect(res.status, res.body).toBe(200);
      const audit = await storedAll(ctx.server.models.AuditEvent);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        action: "github_app_authorization.revoked",
        actor: `github:${sender.login}`,
        details: { githubUserId: sender.id },
      });
      await expectDeliveryRecorded(res.deliveryId, "github_app_authorization", "revoked", null);
    });
  }
});

describe("marketplace_purchase examples", () => {
  for (const [index, payload] of webhookExamples("marketplace_purchase").entries()) {
    test(`marketplace_purchase.${payload.action} (example ${index + 1}) is stored by account`, async () => {
      const purchase = payload.marketplace_purchase as {
        account: { id: number; login: string; type: string };
        billing_cycle: string;
        unit_count: number;
        on_free_trial: boolean;
        next_billing_date: string | null;
        plan: {
          id: number;
          name: string;
          monthly_price_in_cents: number;
          yearly_price_in_cents: number;
          unit_name: string | null;
          has_free_trial: boolean;
        };
      };
      const res = await deliverWebhook(ctx.server.url, {
        event: "marketplace_purchase",
        payload,
        endpoint: "marketplace",
      });
      expect(res.status, res.body).toBe(200);
      const doc = await stored(ctx.server.models.MarketplaceAccount, { accountId: purchase.account.id });
      expect(doc).toMatchObject({
        accountId: purchase.account.id,
        accountLogin: purchase.account.login,
        accountType: purchase.account.type,
        billingCycle: purchase.billing_cycle,
        unitCount: purchase.unit_count,
        onFreeTrial: purchase.on_free_trial,
        lastAction: payload.action,
        pendingChange: null,
        plan: {
          id: purchase.plan.id,
          name: purchase.plan.name,
          monthlyPriceInCents: purchase.plan.monthly_price_in_cents,
          yearlyPriceInCents: purchase.plan.yearly_price_in_cents,
          unitName: purchase.plan.unit_name,
          hasFreeTrial: purchase.plan.has_free_trial,
        },
      });
      expect(["FLAT_RATE", "PER_UNIT", "FREE"]).toContain(doc?.plan?.priceModel);
      expect(doc?.nextBillingDate).toEqual(purchase.next_billing_date ? new Date(purchase.next_billing_date) : null);
      expect(doc?.planEffectiveAt).toEqual(new Date(payload.effective_date as string));
      expect(doc?.cancelledAt).toEqual(
        payload.action === "cancelled" ? new Date(payload.effective_date as string) : null,
      );
      await expectDeliveryRecorded(res.deliveryId, "marketplace_purchase", payload.action!, null, "marketplace");
    });
  }
});
