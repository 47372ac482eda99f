import { describe, expect, test } from "vitest";
import { deliverWebhook } from "../../helpers/webhooks.js";
import { useWebhookServer } from "../../helpers/webhook-suite.js";
import { stored } from "../../helpers/documents.js";
import { EXAMPLE_ORG, EXAMPLE_REPO, repositoryWebhook } from "../../helpers/repository-webhooks.js";

// repository.* webhooks keep a stored repo's name, full name and state true, by its GitHub id.
const ctx = useWebhookServer();

async function seed(options: { lastEventAt?: string } = {}) {
  await ctx.server.models.GitHubInstallation.create({
    installationId: 1,
    accountId: EXAMPLE_ORG.id,
    accountLogin: EXAMPLE_ORG.login,
    accountType: "Organization",
    organizationId: "org_octo",
  });
  await ctx.server.models.Repo.create({
    organizationId: "org_octo",
    slug: "hello-world",
    name: EXAMPLE_REPO.name,
    githubRepoId: EXAMPLE_REPO.id,
    fullName: EXAMPLE_REPO.fullName,
    accessible: true,
    lastEventAt: options.lastEventAt ? new Date(options.lastEventAt) : null,
  });
}

const repo = () => stored(ctx.server.models.Repo, { githubRepoId: EXAMPLE_REPO.id });
const activity = () => ctx.server.models.AuditEvent.find({}, { _id: 0, action: 1, actor: 1, details: 1 }).lean();
const deliver = (payload: Record<string, unknown>, deliveryId?: string) =>
  deliverWebhook(ctx.server.url, { event: "repository", payload, deliveryId });

describe("repository webhooks for a stored repo", () => {
  test("renamed: name and full name follow, the project keeps its slug, one activity entry", async () => {
    await seed();
    const response = await deliver(repositoryWebhook("renamed", { name: "Hello-Octo" }));
    expect(response.status).toBe(200);
    expect(await repo()).toMatchObject({
      slug: "hello-world",
      name: "Hello-Octo",
      fullName: "Octocoders/Hello-Octo",
      accessible: true,
      lastEventAt: new Date("2019-05-15T15:20:41Z"),
    });
    expect(await activity()).toEqual([
      {
        action: "repo.renamed",
        actor: "github:Codertocat",
        details: {
          slug: "hello-world",
          githubRepoId: EXAMPLE_REPO.id,
          from: "Octocoders/Hello-World",
          to: "Octocoders/Hello-Octo",
        },
      },
    ]);
  });

  test("transferred to another account: no longer the organization's, its id kept", async () => {
    await seed();
    await deliver(repositoryWebhook("transferred", { owner: { id: 21031067, login: "Codertocat" } }));
    expect(await repo()).toMatchObject({
      fullName: "Octocoders/Hello-World",
      githubRepoId: EXAMPLE_REPO.id,
      transferredTo: "Codertocat/Hello-World",
      accessible: false,
    });
    expect((await activity()).map((e) => [e.action, e.details?.leftAccount])).toEqual([["repo.transferred", true]]);
  });

  test("transferred within the account: the full name follows and it stays the organization's", async () => {
    await seed();
    await ctx.server.models.Repo.updateOne({}, { $set: { fullName: "octocoders-old/Hello-World" } });
    await deliver(repositoryWebhook("transferred"));
    expect(await repo()).toMatchObject({ fullName: "Octocoders/Hello-World", transferredTo: null, accessible: true });
  });

  test("deleted: marked deleted with its id kept; a later event for the id changes nothing", async () => {
    await seed();
    await deliver(repositoryWebhook("deleted"));
    expect(await repo()).toMatchObject({
      githubRepoId: EXAMPLE_REPO.id,
      deletedOnGitHubAt: new Date("2026-11-24T12:00:00Z"),
      accessible: false,
    });
    // A rename GitHub sent before the deletion, arriving after it.
    await deliver(repositoryWebhook("renamed", { name: "Hello-Late", updatedAt: "2019-05-15T15:20:50Z" }));
    expect((await repo())?.name).toBe("Hello-World");
    expect((await activity()).map((e) => e.action)).toEqual(["repo.deleted"]);
  });

  test("archived, then unarchived: read-only, then writable again", async () => {
    await seed();
    await deliver(repositoryWebhook("archived", { updatedAt: "2026-11-20T10:00:00Z" }));
    expect((await repo())?.archived).toBe(true);
    await deliver(repositoryWebhook("unarchived", { updatedAt: "2026-11-20T11:00:00Z" }));
    expect((await repo())?.archived).toBe(false);
    expect((await activity()).map((e) => e.action)).toEqual(["repo.archived", "repo.unarchived"]);
  });
});

describe("repos stored before these fields existed", () => {
  test("a document with no archived, deletedOnGitHubAt, transferredTo or lastEventAt follows a rename and a deletion", async () => {
    await seed();
    await ctx.server.models.Repo.deleteMany({});
    await ctx.server.models.Repo.collection.insertOne({
      organizationId: "org_octo",
      slug: "hello-world",
      name: EXAMPLE_REPO.name,
      githubRepoId: EXAMPLE_REPO.id,
      fullName: EXAMPLE_REPO.fullName,
      accessible: true,
    });
    await deliver(repositoryWebhook("renamed", { name: "Hello-Octo" }));
    expect(await repo()).toMatchObject({ name: "Hello-Octo", fullName: "Octocoders/Hello-Octo" });
    await deliver(repositoryWebhook("deleted"));
    expect(await repo()).toMatchObject({ deletedOnGitHubAt: new Date("2026-11-24T12:00:00Z"), accessible: false });
  });
});

describe("order and duplicates", () => {
  test("a rename older than the stored state changes nothing and is recorded as stale", async () => {
    await seed();
    await deliver(repositoryWebhook("renamed", { name: "Newest", updatedAt: "2026-11-20T11:00:00Z" }));
    const late = await deliver(repositoryWebhook("renamed", { name: "Older", updatedAt: "2026-11-20T10:00:00Z" }));
    expect(late.status).toBe(200);
    expect(await repo()).toMatchObject({ name: "Newest", fullName: "Octocoders/Newest" });
    expect((await stored(ctx.server.models.WebhookDelivery, { deliveryId: late.deliveryId }))?.status).toBe(
      "processed",
    );
    expect(
      ctx.server.logs.lines.some((l) => l.msg === "repository renamed is older than the stored state; not applied"),
    ).toBe(true);
    expect((await activity()).map((e) => e.action)).toEqual(["repo.renamed"]);
  });

  test("unarchived arriving before the older archived: the repo stays unarchived", async () => {
    await seed();
    await deliver(repositoryWebhook("unarchived", { updatedAt: "2026-11-20T11:00:00Z" }));
    await deliver(repositoryWebhook("archived", { updatedAt: "2026-11-20T10:00:00Z" }));
    expect((await repo())?.archived).toBe(false);
    expect(await activity()).toEqual([]);
  });

  test("an event older than a stored lastEventAt (the reconcile job's) is not applied", async () => {
    await seed({ lastEventAt: "2026-11-21T00:00:00Z" });
    await deliver(repositoryWebhook("archived", { updatedAt: "2026-11-20T10:00:00Z" }));
    expect((await repo())?.archived).toBe(false);
  });

  test("the same event again, under a new delivery id, adds no second activity entry; a redelivery is a duplicate", async () => {
    await seed();
    const payload = repositoryWebhook("renamed", { name: "Hello-Octo" });
    const first = await deliver(payload);
    await deliver(payload);
    const again = await deliver(payload, first.deliveryId);
    expect(again.status).toBe(200);
    expect((await repo())?.name).toBe("Hello-Octo");
    expect(await ctx.server.models.AuditEvent.countDocuments()).toBe(1);
  });
});

describe("a repo the app does not store", () => {
  test.each(["renamed", "transferred", "deleted", "archived", "unarchived"] as const)(
    "%s changes nothing and stores nothing",
    async (action) => {
      await seed();
      await ctx.server.models.Repo.updateOne({}, { $set: { githubRepoId: 42 } });
      const before = await ctx.server.models.Repo.find().lean();
      const response = await deliver(repositoryWebhook(action, { name: "Elsewhere" }));
      expect(response.status).toBe(200);
      expect(await ctx.server.models.Repo.find().lean()).toEqual(before);
      expect(await ctx.server.models.AuditEvent.countDocuments()).toBe(0);
      expect((await stored(ctx.server.models.WebhookDelivery, { deliveryId: response.deliveryId }))?.status).toBe(
        "ignored",
      );
    },
  );
});
