import { describe, expect, test } from "vitest";
import { nockDeleteInstallation } from "../../helpers/github/installations.js";
import { ACME } from "../../helpers/github/fixtures.js";
import { connectThroughGitHub, SETTINGS, signInAdmin, startConnectServer } from "../../helpers/github-connect.js";
import { deliverPurchase, LISTING } from "../../helpers/marketplace.js";
import { EXAMPLE_ORG, EXAMPLE_REPO, repositoryWebhook } from "../../helpers/repository-webhooks.js";
import { useTestServer } from "../../helpers/use-test-server.js";
import { deliverWebhook, webhookExample, webhookFixture } from "../../helpers/webhooks.js";

// Each event type from its real trigger (a webhook, a page), with its data. Every event stored is
// also checked against its schema in docs/events.md after each test (useTestServer).
const ctx = useTestServer(startConnectServer, { emptyBetweenTests: true });
const models = () => ctx.server.models;

const events = () =>
  models().Event.find({}, { _id: 0, type: 1, organizationId: 1, seq: 1, data: 1 }).sort({ _id: 1 }).lean();
const types = async () => (await events()).map((event) => event.type);

async function seedInstallation(installationId: number, account: { id: number; login: string; type?: string }) {
  await models().GitHubInstallation.create({
    installationId,
    accountId: account.id,
    accountLogin: account.login,
    accountType: account.type ?? "User",
    organizationId: "org_a",
  });
}

async function deliver(event: string, payload: Record<string, unknown>, deliveryId?: string) {
  const response = await deliverWebhook(ctx.server.url, { event, payload, deliveryId });
  expect(response.status, response.body).toBe(200);
  return response;
}

const CODERTOCAT = { id: 21031067, login: "Codertocat" };

describe("connection.* events", () => {
  test("suspend and unsuspend: connection.suspended then connection.unsuspended, numbered 1 and 2; a redelivery records none", async () => {
    await seedInstallation(16598467, CODERTOCAT);
    const suspend = await deliver("installation", webhookExample("installation", "suspend"));
    await deliver("installation", webhookExample("installation", "suspend"), suspend.deliveryId);
    await deliver("installation", webhookExample("installation", "unsuspend"));
    const data = { installationId: 16598467, accountLogin: "Codertocat", accountType: "User" };
    expect(await events()).toEqual([
      { type: "connection.suspended", organizationId: "org_a", seq: 1, data },
      { type: "connection.unsuspended", organizationId: "org_a", seq: 2, data },
    ]);
  });

  test("installation.deleted: connection.removed, uninstalled on GitHub", async () => {
    await seedInstallation(2, { id: 1, login: "octocat" });
    await deliver("installation", webhookExample("installation", "deleted"));
    expect(await events()).toEqual([
      {
        type: "connection.removed",
        organizationId: "org_a",
        seq: 1,
        data: { installationId: 2, accountLogin: "octocat", accountType: "User", reason: "uninstalled_on_github" },
      },
    ]);
  });

  test("new_permissions_accepted: connection.permissions_changed with the permissions now granted", async () => {
    await seedInstallation(957387, CODERTOCAT);
    const payload = webhookExample("installation", "new_permissions_accepted");
    await deliver("installation", payload);
    const installation = payload.installation as { permissions: unknown; events: unknown };
    expect(await events()).toMatchObject([
      {
        type: "connection.permissions_changed",
        data: {
          installationId: 957387,
          accountLogin: "Codertocat",
          permissions: installation.permissions,
          events: installation.events,
        },
      },
    ]);
  });

  test("installation_target.renamed: connection.account_renamed with the new and previous login", async () => {
    await seedInstallation(43110412, { id: 6811672, login: "octo-org", type: "Organization" });
    await deliver("installation_target", webhookFixture("installation_target.renamed"));
    expect(await events()).toEqual([
      {
        type: "connection.account_renamed",
        organizationId: "org_a",
        seq: 1,
        data: {
          installationId: 43110412,
          accountLogin: "octo-org-renamed",
          accountType: "Organization",
          previousAccountLogin: "octo-org",
        },
      },
    ]);
  });

  test("Connect through GitHub: connection.linked; Disconnect: connection.removed, disconnected", async () => {
    const admin = await signInAdmin(ctx.server, "org_link");
    expect((await connectThroughGitHub(admin, { installation: { id: 58201 } })).status).toBe(303);
    const data = { installationId: 58201, accountLogin: ACME.login, accountType: "Organization" };
    expect(await events()).toEqual([
      { type: "connection.linked", organizationId: "org_link", seq: 1, data: { ...data, via: "oauth" } },
    ]);
    await admin.refreshCsrfToken(SETTINGS);
    nockDeleteInstallation(58201);
    expect((await admin.postForm("/github/disconnect")).status).toBe(303);
    expect((await events()).at(-1)).toEqual({
      type: "connection.removed",
      organizationId: "org_link",
      seq: 2,
      data: { ...data, reason: "disconnected" },
    });
  });
});

describe("repo.* events", () => {
  test("installation_repositories added then removed: repo.reachable then repo.unreachable for the stored repo; a replayed body records none", async () => {
    await seedInstallation(957387, CODERTOCAT);
    await models().Repo.create({
      organizationId: "org_a",
      slug: "hello-world",
      name: "Hello-World",
      githubRepoId: 186853007,
      fullName: "Codertocat/Hello-World",
      accessible: false,
    });
    const added = webhookExample("installation_repositories", "added");
    await deliver("installation_repositories", added);
    // The same body under a new delivery id (a replay) is recognised and not applied again.
    await deliver("installation_repositories", added);
    const removed = webhookExample("installation_repositories", "added");
    removed.action = "removed";
    removed.repositories_removed = removed.repositories_added;
    removed.repositories_added = [];
    await deliver("installation_repositories", removed);
    const repo = {
      githubRepoId: 186853007,
      slug: "hello-world",
      name: "Hello-World",
      fullName: "Codertocat/Hello-World",
    };
    expect(await events()).toEqual([
      { type: "repo.reachable", organizationId: "org_a", seq: 1, data: { ...repo, status: "reachable" } },
      { type: "repo.unreachable", organizationId: "org_a", seq: 2, data: { ...repo, status: "not_selected" } },
    ]);
  });

  async function seedRepo() {
    await seedInstallation(1, { id: EXAMPLE_ORG.id, login: EXAMPLE_ORG.login, type: "Organization" });
    await models().Repo.create({
      organizationId: "org_a",
      slug: "hello-world",
      name: EXAMPLE_REPO.name,
      githubRepoId: EXAMPLE_REPO.id,
      fullName: EXAMPLE_REPO.fullName,
      accessible: true,
    });
  }
  const base = { githubRepoId: EXAMPLE_REPO.id, slug: "hello-world" };

  test("repository renamed, archived, unarchived, deleted: one event each with the repo as it is now; a redelivery records none", async () => {
    await seedRepo();
    const renamed = await deliver("repository", repositoryWebhook("renamed", { name: "Hello-Octo" }));
    await deliver("repository", repositoryWebhook("renamed", { name: "Hello-Octo" }), renamed.deliveryId);
    await deliver(
      "repository",
      repositoryWebhook("archived", { name: "Hello-Octo", updatedAt: "2030-01-01T00:00:00Z" }),
    );
    await deliver(
      "repository",
      repositoryWebhook("unarchived", { name: "Hello-Octo", updatedAt: "2030-01-02T00:00:00Z" }),
    );
    await deliver(
      "repository",
      repositoryWebhook("deleted", { name: "Hello-Octo", updatedAt: "2030-01-03T00:00:00Z" }),
    );
    const now = { ...base, name: "Hello-Octo", fullName: "Octocoders/Hello-Octo" };
    expect(await events()).toEqual([
      {
        type: "repo.renamed",
        organizationId: "org_a",
        seq: 1,
        data: { ...now, status: "reachable", previousFullName: EXAMPLE_REPO.fullName },
      },
      { type: "repo.archived", organizationId: "org_a", seq: 2, data: { ...now, status: "archived" } },
      { type: "repo.unarchived", organizationId: "org_a", seq: 3, data: { ...now, status: "reachable" } },
      { type: "repo.deleted", organizationId: "org_a", seq: 4, data: { ...now, status: "deleted" } },
    ]);
  });

  test("repository transferred to another account: repo.transferred, status transferred, with where it went", async () => {
    await seedRepo();
    await deliver("repository", repositoryWebhook("transferred", { owner: { id: 999, login: "mona" } }));
    expect(await events()).toEqual([
      {
        type: "repo.transferred",
        organizationId: "org_a",
        seq: 1,
        data: {
          ...base,
          name: EXAMPLE_REPO.name,
          fullName: EXAMPLE_REPO.fullName,
          status: "transferred",
          previousFullName: EXAMPLE_REPO.fullName,
          transferredTo: "mona/Hello-World",
        },
      },
    ]);
  });
});

describe("plan.* events", () => {
  test("purchased, pending_change, pending_change_cancelled, cancelled: the plan with its limits, and when", async () => {
    await seedInstallation(3, { id: ACME.id, login: ACME.login, type: "Organization" });
    const purchase = { account: ACME, plan: LISTING.team } as const;
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "purchased",
      effectiveDate: "2026-11-20T00:00:00+00:00",
    });
    await deliverPurchase(ctx.server.url, {
      account: ACME,
      plan: LISTING.starter,
      action: "pending_change",
      effectiveDate: "2026-12-20T00:00:00+00:00",
      previous: { plan: LISTING.team },
    });
    await deliverPurchase(ctx.server.url, {
      account: ACME,
      plan: LISTING.starter,
      action: "pending_change_cancelled",
      effectiveDate: "2026-12-20T00:00:00+00:00",
    });
    await deliverPurchase(ctx.server.url, {
      ...purchase,
      action: "cancelled",
      effectiveDate: "2026-12-21T00:00:00+00:00",
    });
    const team = { id: 7347, name: "Team", limits: { maxRepos: 25, privateRepos: true } };
    const starter = { id: 7346, name: "Starter", limits: { maxRepos: 5, privateRepos: true } };
    const common = { accountId: ACME.id, source: "marketplace_purchase", unitCount: 1 };
    expect(await events()).toEqual([
      {
        type: "plan.changed",
        organizationId: "org_a",
        seq: 1,
        data: { ...common, plan: team, effectiveAt: "2026-11-20T00:00:00.000Z" },
      },
      {
        type: "plan.change_scheduled",
        organizationId: "org_a",
        seq: 2,
        data: { ...common, plan: starter, effectiveAt: "2026-12-20T00:00:00.000Z" },
      },
      {
        type: "plan.change_cancelled",
        organizationId: "org_a",
        seq: 3,
        data: { ...common, plan: starter, effectiveAt: "2026-12-20T00:00:00.000Z" },
      },
      {
        type: "plan.changed",
        organizationId: "org_a",
        seq: 4,
        data: {
          ...common,
          plan: { id: null, name: "Free", limits: { maxRepos: 3, privateRepos: false } },
          effectiveAt: "2026-12-21T00:00:00.000Z",
        },
      },
    ]);
  });

  test("a purchase before any installation: an event without an organization, kept", async () => {
    await deliverPurchase(ctx.server.url, {
      account: ACME,
      plan: LISTING.team,
      action: "purchased",
      effectiveDate: "2026-11-20T00:00:00+00:00",
    });
    expect(await events()).toMatchObject([{ type: "plan.changed", organizationId: null, seq: 1 }]);
    expect(await types()).toEqual(["plan.changed"]);
  });
});
