import { describe, expect, test } from "vitest";
import { deliverWebhook, webhookExample, webhookFixture } from "../../helpers/webhooks.js";
import { useWebhookServer } from "../../helpers/webhook-suite.js";
import { stored } from "../../helpers/documents.js";

// Rule 3: deliveries arrive twice or out of order; handlers are idempotent and stale events never win.
const ctx = useWebhookServer();
const example = webhookExample;

function installationPayload(action: string, updatedAt: string, extra: Record<string, unknown> = {}) {
  const payload = webhookFixture("installation.created.organization");
  payload.action = action;
  const installation = payload.installation as Record<string, unknown>;
  installation.updated_at = updatedAt;
  // GitHub names who suspended it: the sender.
  if (action === "suspend") installation.suspended_by = payload.sender;
  Object.assign(installation, extra);
  return payload;
}

async function seedOrgRepos(organizationId: string, ids: number[]) {
  for (const [i, id] of ids.entries()) {
    await ctx.server.models.Repo.create({
      organizationId,
      slug: `project-${i}`,
      name: `Project ${i}`,
      githubRepoId: id,
      fullName: `octo-org/project-${i}`,
    });
  }
}

describe("duplicates", () => {
  test("the same delivery id twice is applied once and acknowledged twice", async () => {
    const payload = example("installation", "created");
    const first = await deliverWebhook(ctx.server.url, { event: "installation", payload });
    const again = await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload,
      deliveryId: first.deliveryId,
    });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await ctx.server.models.AuditEvent.countDocuments()).toBe(1);
    expect(await ctx.server.models.GitHubInstallation.countDocuments()).toBe(1);
    expect(await stored(ctx.server.models.WebhookDelivery, { deliveryId: first.deliveryId })).toMatchObject({
      status: "processed",
      attempts: 1,
    });
    expect(
      ctx.server.logs.lines.some((l) => l.msg === "delivery already received; acknowledged without applying it again"),
    ).toBe(true);
  });

  test("the same event under two delivery ids, its body no longer remembered, leaves one installation with the same state", async () => {
    const payload = webhookFixture("installation.created.organization");
    await deliverWebhook(ctx.server.url, { event: "installation", payload });
    const before = await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 });
    // Past the retention window the body is forgotten: the handler itself must be idempotent.
    await ctx.server.models.WebhookBody.deleteMany({});
    expect((await deliverWebhook(ctx.server.url, { event: "installation", payload })).status).toBe(200);
    expect(await ctx.server.models.WebhookDelivery.countDocuments({ status: "processed" })).toBe(2);
    const after = await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 });
    expect(await ctx.server.models.GitHubInstallation.countDocuments()).toBe(1);
    const { updatedAt: _a, ...beforeState } = before!;
    const { updatedAt: _b, ...afterState } = after!;
    expect(afterState).toEqual(beforeState);
  });

  test("a signed body replayed under a new X-GitHub-Delivery is acknowledged and not applied again", async () => {
    const payload = webhookFixture("installation.created.organization");
    const first = await deliverWebhook(ctx.server.url, { event: "installation", payload });
    // The signature covers the body, not the headers: the same bytes, a delivery id of one's own.
    const replay = await deliverWebhook(ctx.server.url, { event: "installation", payload });
    expect([first.status, replay.status]).toEqual([200, 200]);
    expect(replay.deliveryId).not.toBe(first.deliveryId);
    expect(await ctx.server.models.AuditEvent.countDocuments({ action: "installation.created" })).toBe(1);
    expect(await stored(ctx.server.models.WebhookDelivery, { deliveryId: replay.deliveryId })).toMatchObject({
      status: "ignored",
      duplicateOf: first.deliveryId,
    });
    expect(
      ctx.server.logs.lines.find(
        (l) =>
          l.id === replay.deliveryId &&
          l.msg === "the same body came under another delivery id; acknowledged without applying it again",
      ),
    ).toMatchObject({ duplicateOf: first.deliveryId });
  });

  test("one body under five delivery ids at once is applied once; every copy is answered 2xx", async () => {
    const payload = webhookFixture("installation.created.organization");
    const results = await Promise.all(
      Array.from({ length: 5 }, () => deliverWebhook(ctx.server.url, { event: "installation", payload })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await ctx.server.models.AuditEvent.countDocuments({ action: "installation.created" })).toBe(1);
    const applied = await ctx.server.models.WebhookDelivery.find({ status: "processed" }).lean();
    expect(applied).toHaveLength(1);
    expect(await ctx.server.models.WebhookDelivery.countDocuments({ duplicateOf: applied[0]!.deliveryId })).toBe(4);
  });
});

describe("out of order", () => {
  test("suspend before created: the installation stays suspended and keeps its account", async () => {
    const suspend = installationPayload("suspend", "2026-11-20T10:05:00Z", { suspended_at: "2026-11-20T10:05:00Z" });
    const created = installationPayload("created", "2026-11-20T10:00:00Z");
    expect((await deliverWebhook(ctx.server.url, { event: "installation", payload: suspend })).status).toBe(200);
    expect((await deliverWebhook(ctx.server.url, { event: "installation", payload: created })).status).toBe(200);
    const doc = await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 });
    expect(doc).toMatchObject({
      accountLogin: "octo-org",
      accountType: "Organization",
      suspendedAt: new Date("2026-11-20T10:05:00Z"),
      deletedAt: null,
    });
    expect(doc?.lastEventAt).toEqual(new Date("2026-11-20T10:05:00Z"));
  });

  test("deleted before installation_repositories.added: the installation stays deleted and no repo becomes reachable", async () => {
    await ctx.server.models.GitHubInstallation.create({
      installationId: 43110412,
      accountId: 6811672,
      accountLogin: "octo-org",
      accountType: "Organization",
      organizationId: "org_acme",
    });
    await seedOrgRepos("org_acme", [700000001]);
    const deleted = installationPayload("deleted", "2026-11-20T11:00:00Z");
    const added = {
      ...example("installation_repositories", "added"),
      installation: { ...(deleted.installation as object), updated_at: "2026-11-20T10:30:00Z" },
      repositories_added: [
        { id: 700000001, node_id: "R_kgDOKbxa0Q", name: "project-0", full_name: "octo-org/project-0", private: true },
      ],
    };
    expect((await deliverWebhook(ctx.server.url, { event: "installation", payload: deleted })).status).toBe(200);
    const late = await deliverWebhook(ctx.server.url, { event: "installation_repositories", payload: added });
    expect(late.status).toBe(200);
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 }))?.deletedAt).toEqual(
      new Date("2026-11-24T12:00:00Z"),
    );
    expect(await stored(ctx.server.models.Repo, { githubRepoId: 700000001 })).toMatchObject({
      accessible: false,
      githubRepoId: 700000001,
      organizationId: "org_acme",
    });
    expect((await stored(ctx.server.models.WebhookDelivery, { deliveryId: late.deliveryId }))?.status).toBe(
      "processed",
    );
  });

  test("deleted then created for the same id: deletion is final", async () => {
    await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: installationPayload("deleted", "2026-11-20T11:00:00Z"),
    });
    await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: installationPayload("created", "2026-11-20T10:00:00Z"),
    });
    expect(
      (await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 }))?.deletedAt,
    ).not.toBeNull();
  });

  test("an older new_permissions_accepted does not overwrite newer permissions", async () => {
    const newer = installationPayload("new_permissions_accepted", "2026-11-21T09:00:00Z", {
      permissions: { metadata: "read", contents: "write", administration: "write", members: "read", issues: "write" },
    });
    const older = installationPayload("new_permissions_accepted", "2026-11-21T08:00:00Z", {
      permissions: { metadata: "read" },
    });
    await deliverWebhook(ctx.server.url, { event: "installation", payload: newer });
    await deliverWebhook(ctx.server.url, { event: "installation", payload: older });
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 }))?.permissions).toEqual(
      (newer.installation as { permissions: object }).permissions,
    );
  });

  test("unsuspend older than the suspension it follows is not applied", async () => {
    await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: installationPayload("suspend", "2026-11-22T10:00:00Z", { suspended_at: "2026-11-22T10:00:00Z" }),
    });
    await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: installationPayload("unsuspend", "2026-11-22T09:00:00Z"),
    });
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 }))?.suspendedAt).toEqual(
      new Date("2026-11-22T10:00:00Z"),
    );
    await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: installationPayload("unsuspend", "2026-11-22T11:00:00Z"),
    });
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 }))?.suspendedAt).toBeNull();
  });
});

describe("joining what the org already knows", () => {
  test("installation.created for an installation the org linked first marks its known repos reachable, and only those", async () => {
    await ctx.server.models.GitHubInstallation.create({
      installationId: 43110412,
      accountId: 6811672,
      accountLogin: "octo-org",
      accountType: "Organization",
      organizationId: "org_acme",
    });
    await seedOrgRepos("org_acme", [700000001, 700000002, 700000003]);
    await seedOrgRepos("org_other", [700000099]);
    const res = await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: webhookFixture("installation.created.organization"),
    });
    expect(res.status).toBe(200);
    const repos = (await ctx.server.models.Repo.find({}).sort({ githubRepoId: 1 })).map((r) => [
      r.organizationId,
      r.githubRepoId,
      r.accessible,
    ]);
    expect(repos).toEqual([
      ["org_acme", 700000001, true],
      ["org_acme", 700000002, true],
      ["org_acme", 700000003, false],
      ["org_other", 700000099, false],
    ]);
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 }))?.organizationId).toBe(
      "org_acme",
    );
  });

  test("installation_target.renamed updates the account login on the installation and the Marketplace purchase", async () => {
    await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: webhookFixture("installation.created.organization"),
    });
    await ctx.server.models.MarketplaceAccount.create({
      accountId: 6811672,
      accountLogin: "octo-org",
      accountType: "Organization",
    });
    const res = await deliverWebhook(ctx.server.url, {
      event: "installation_target",
      payload: webhookFixture("installation_target.renamed"),
    });
    expect(res.status).toBe(200);
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 }))?.accountLogin).toBe(
      "octo-org-renamed",
    );
    expect((await stored(ctx.server.models.MarketplaceAccount, { accountId: 6811672 }))?.accountLogin).toBe(
      "octo-org-renamed",
    );
    expect(
      (await stored(ctx.server.models.AuditEvent, { action: "installation_target.renamed" }))?.details,
    ).toMatchObject({ from: "octo-org", to: "octo-org-renamed" });
  });
});

describe("installation_target.renamed", () => {
  const rename = (login: string, from: string, accountUpdatedAt: string, accountId = 6811672) => {
    const payload = webhookFixture("installation_target.renamed");
    Object.assign(payload.account as Record<string, unknown>, {
      id: accountId,
      login,
      html_url: `https://github.com/${login}`,
      updated_at: accountUpdatedAt,
    });
    payload.changes = { login: { from } };
    return payload;
  };
  const storedLogin = async () =>
    (await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 }))?.accountLogin;

  test("a rename naming another account than the stored installation's is not applied, and is logged", async () => {
    await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: webhookFixture("installation.created.organization"),
    });
    await ctx.server.models.MarketplaceAccount.create({
      accountId: 7000001,
      accountLogin: "other-org",
      accountType: "Organization",
    });
    const res = await deliverWebhook(ctx.server.url, {
      event: "installation_target",
      payload: rename("mallory-org", "octo-org", "2026-11-20T10:15:00Z", 7000001),
    });
    expect(res.status).toBe(200);
    expect(await storedLogin()).toBe("octo-org");
    expect((await stored(ctx.server.models.MarketplaceAccount, { accountId: 7000001 }))?.accountLogin).toBe(
      "other-org",
    );
    expect(await ctx.server.models.AuditEvent.countDocuments({ action: "installation_target.renamed" })).toBe(0);
    expect(await stored(ctx.server.models.WebhookDelivery, { deliveryId: res.deliveryId })).toMatchObject({
      status: "ignored",
    });
    expect(
      ctx.server.logs.lines.find((l) => l.id === res.deliveryId && l.level === 40 && l.accountId === 7000001),
    ).toMatchObject({ installationId: 43110412, storedAccountId: 6811672 });
  });

  test("renames out of order: the older one, arriving last, does not undo the newer", async () => {
    await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: webhookFixture("installation.created.organization"),
    });
    const newer = await deliverWebhook(ctx.server.url, {
      event: "installation_target",
      payload: rename("octo-org-2027", "octo-org-renamed", "2026-11-22T09:00:00Z"),
    });
    const older = await deliverWebhook(ctx.server.url, {
      event: "installation_target",
      payload: rename("octo-org-renamed", "octo-org", "2026-11-20T10:15:00Z"),
    });
    expect([newer.status, older.status]).toEqual([200, 200]);
    expect(await storedLogin()).toBe("octo-org-2027");
    expect(await stored(ctx.server.models.WebhookDelivery, { deliveryId: older.deliveryId })).toMatchObject({
      status: "processed",
    });
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 }))?.lastEventAt).toEqual(
      new Date("2026-11-22T09:00:00Z"),
    );
    expect(await ctx.server.models.AuditEvent.countDocuments({ action: "installation_target.renamed" })).toBe(1);
  });
});

describe("Marketplace plan changes", () => {
  test("a pending downgrade is kept until cancelled, and never replaces the current plan", async () => {
    const purchased = example("marketplace_purchase", "purchased");
    await deliverWebhook(ctx.server.url, {
      event: "marketplace_purchase",
      payload: purchased,
      endpoint: "marketplace",
    });
    const pending = webhookFixture("marketplace_purchase.pending_change");
    expect(
      (
        await deliverWebhook(ctx.server.url, {
          event: "marketplace_purchase",
          payload: pending,
          endpoint: "marketplace",
        })
      ).status,
    ).toBe(200);
    let account = await stored(ctx.server.models.MarketplaceAccount, { accountId: 18404719 });
    expect(account?.plan?.name).toBe("Basic Plan");
    expect(account?.pendingChange).toMatchObject({
      plan: { name: "Free Plan", priceModel: "FREE" },
      effectiveDate: new Date("2026-12-01T00:00:00Z"),
    });

    const cancelled = webhookFixture("marketplace_purchase.pending_change_cancelled");
    expect(
      (
        await deliverWebhook(ctx.server.url, {
          event: "marketplace_purchase",
          payload: cancelled,
          endpoint: "marketplace",
        })
      ).status,
    ).toBe(200);
    account = await stored(ctx.server.models.MarketplaceAccount, { accountId: 18404719 });
    expect(account?.pendingChange).toBeNull();
    expect(account?.plan?.name).toBe("Basic Plan");
  });

  test("a late pending_change_cancelled does not clear a newer pending change", async () => {
    const purchased = example("marketplace_purchase", "purchased");
    await deliverWebhook(ctx.server.url, {
      event: "marketplace_purchase",
      payload: purchased,
      endpoint: "marketplace",
    });
    const first = webhookFixture("marketplace_purchase.pending_change");
    const later = {
      ...webhookFixture("marketplace_purchase.pending_change"),
      effective_date: "2027-01-01T00:00:00+00:00",
    };
    await deliverWebhook(ctx.server.url, { event: "marketplace_purchase", payload: first, endpoint: "marketplace" });
    await deliverWebhook(ctx.server.url, { event: "marketplace_purchase", payload: later, endpoint: "marketplace" });
    // The cancellation of the first change (due 2026-12-01) arrives after the second was made.
    const cancelled = webhookFixture("marketplace_purchase.pending_change_cancelled");
    expect(
      (
        await deliverWebhook(ctx.server.url, {
          event: "marketplace_purchase",
          payload: cancelled,
          endpoint: "marketplace",
        })
      ).status,
    ).toBe(200);
    const account = await stored(ctx.server.models.MarketplaceAccount, { accountId: 18404719 });
    expect(account?.pendingChange).toMatchObject({ effectiveDate: new Date("2027-01-01T00:00:00Z") });
    expect(account?.plan?.name).toBe("Basic Plan");
  });

  test("a pending change can arrive before the purchase it changes", async () => {
    await deliverWebhook(ctx.server.url, {
      event: "marketplace_purchase",
      payload: webhookFixture("marketplace_purchase.pending_change"),
      endpoint: "marketplace",
    });
    const account = await stored(ctx.server.models.MarketplaceAccount, { accountId: 18404719 });
    expect(account).toMatchObject({ accountLogin: "username", plan: null, pendingChange: { plan: { id: 436 } } });
  });

  test("a change older than the stored plan does not overwrite it", async () => {
    const newer = { ...example("marketplace_purchase", "changed"), effective_date: "2026-11-10T00:00:00+00:00" };
    const older = { ...example("marketplace_purchase", "purchased"), effective_date: "2026-11-01T00:00:00+00:00" };
    await deliverWebhook(ctx.server.url, { event: "marketplace_purchase", payload: newer, endpoint: "marketplace" });
    await deliverWebhook(ctx.server.url, { event: "marketplace_purchase", payload: older, endpoint: "marketplace" });
    expect(await stored(ctx.server.models.MarketplaceAccount, { accountId: 18404719 })).toMatchObject({
      unitCount: 10,
      lastAction: "changed",
    });
  });
});

describe("events the App does not act on", () => {
  test("an unknown action is acknowledged, recorded as ignored, and changes nothing", async () => {
    const payload = { ...example("installation", "created"), action: "transmogrified" };
    const res = await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload,
      offSchema: "an action GitHub does not send (yet)",
    });
    expect(res.status).toBe(200);
    expect(await ctx.server.models.GitHubInstallation.countDocuments()).toBe(0);
    expect(await ctx.server.models.AuditEvent.countDocuments()).toBe(0);
    expect(await stored(ctx.server.models.WebhookDelivery, { deliveryId: res.deliveryId })).toMatchObject({
      status: "ignored",
      action: "transmogrified",
    });
  });

  test("an event with no handler is acknowledged and recorded as ignored", async () => {
    const res = await deliverWebhook(ctx.server.url, {
      event: "push",
      payload: { ref: "refs/heads/main", installation: { id: 43110412 } },
      offSchema: "only what the intake reads of an event it does not handle",
    });
    expect(res.status).toBe(200);
    expect(await stored(ctx.server.models.WebhookDelivery, { deliveryId: res.deliveryId })).toMatchObject({
      status: "ignored",
      event: "push",
      installationId: 43110412,
    });
    expect(await ctx.server.models.AuditEvent.countDocuments()).toBe(0);
  });

  test("meta.deleted (the App's webhook was removed on GitHub) is recorded and logged at error level for alerting", async () => {
    const payload = webhookFixture("meta.deleted");
    const res = await deliverWebhook(ctx.server.url, { event: "meta", payload });
    expect(res.status).toBe(200);
    expect(await stored(ctx.server.models.AuditEvent, { action: "meta.webhook_deleted" })).toMatchObject({
      actor: "github:octocat",
      details: { hookId: 456789012 },
    });
    const alert = ctx.server.logs.lines.find(
      (l) => l.level === 50 && String(l.msg).startsWith("the App's webhook was deleted on GitHub"),
    );
    expect(alert).toMatchObject({ hookId: 456789012, event: "meta" });
  });
});

describe("a redelivery storm", () => {
  test("five copies of one delivery at once: every copy is answered 2xx, the change is applied once", async () => {
    const payload = webhookFixture("installation.created.organization");
    const deliveryId = "storm-0001";
    const results = await Promise.all(
      Array.from({ length: 5 }, () => deliverWebhook(ctx.server.url, { event: "installation", payload, deliveryId })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await ctx.server.models.GitHubInstallation.countDocuments()).toBe(1);
    expect(await ctx.server.models.AuditEvent.countDocuments({ action: "installation.created" })).toBe(1);
    expect(await stored(ctx.server.models.WebhookDelivery, { deliveryId })).toMatchObject({
      status: "processed",
      attempts: 1,
    });
  });
});
