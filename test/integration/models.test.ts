import { describe, expect, test } from "vitest";
import { createIndexes } from "../../src/models/index.js";
import { useTestModels } from "../helpers/use-test-server.js";

// The uniqueness rules of design.md, enforced by the database itself once start-up built the indexes.
const db = useTestModels();

const duplicateKey = expect.objectContaining({ code: 11000 });
const installation = { installationId: 1, accountId: 10, accountLogin: "acme", accountType: "Organization" as const };

describe("indexes built at start-up", () => {
  test("one document per installation id", async () => {
    await db.models.GitHubInstallation.create(installation);
    await expect(db.models.GitHubInstallation.create({ ...installation, accountLogin: "other" })).rejects.toEqual(
      duplicateKey,
    );
  });

  test("one repo per (organization, slug), the same slug in two organizations is fine", async () => {
    await db.models.Repo.create({ organizationId: "org_a", slug: "docs", name: "Docs", githubRepoId: 1 });
    await db.models.Repo.create({ organizationId: "org_b", slug: "docs", name: "Docs", githubRepoId: 2 });
    await expect(db.models.Repo.create({ organizationId: "org_a", slug: "docs", name: "Docs again" })).rejects.toEqual(
      duplicateKey,
    );
  });

  test("one Marketplace account per GitHub account, one delivery record per delivery id", async () => {
    await db.models.MarketplaceAccount.create({ accountId: 5, accountLogin: "acme", accountType: "Organization" });
    await expect(
      db.models.MarketplaceAccount.create({ accountId: 5, accountLogin: "acme", accountType: "Organization" }),
    ).rejects.toEqual(duplicateKey);
    await db.models.WebhookDelivery.create({
      deliveryId: "d-1",
      event: "installation",
      status: "processed",
      receivedAt: new Date(),
    });
    await expect(
      db.models.WebhookDelivery.create({
        deliveryId: "d-1",
        event: "installation",
        status: "processed",
        receivedAt: new Date(),
      }),
    ).rejects.toEqual(duplicateKey);
  });

  test("one lease and one checkpoint per job name, one redelivery request per delivery guid", async () => {
    const lease = { name: "reconcile", holder: "a", acquiredAt: new Date(), expiresAt: new Date() };
    await db.models.JobLease.create(lease);
    await expect(db.models.JobLease.create({ ...lease, holder: "b" })).rejects.toEqual(duplicateKey);
    await db.models.ReconcileCheckpoint.create({ name: "reconcile" });
    await expect(db.models.ReconcileCheckpoint.create({ name: "reconcile" })).rejects.toEqual(duplicateKey);
    const request = {
      guid: "g-1",
      attemptId: 1,
      reason: "failed-at-github",
      status: "claimed",
      holder: "a",
      claimedAt: new Date(),
    };
    await db.models.RedeliveryRequest.create(request);
    await expect(db.models.RedeliveryRequest.create({ ...request, attemptId: 2, holder: "b" })).rejects.toEqual(
      duplicateKey,
    );
  });

  test("building the indexes again (every cold start) is harmless", async () => {
    await expect(createIndexes(db.models)).resolves.toBeUndefined();
    const names = (await db.models.Repo.collection.indexes()).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(["organizationId_1_slug_1", "githubRepoId_1"]));
  });
});
