import { readFileSync } from "node:fs";
import type { Context, ScheduledEvent } from "aws-lambda";
import type { Connection } from "mongoose";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, expect, inject, test } from "vitest";
import { createModels, type Models } from "../../../src/models/index.js";
import { connectTestDatabase, dropAndClose, testDatabaseName, withDatabaseName } from "../../helpers/database.js";
import { stored } from "../../helpers/documents.js";
import { nockAppInstallations } from "../../helpers/github/installations.js";
import { GITHUB_API } from "../../helpers/github/rest.js";
import { nockHookDeliveries } from "../../helpers/github/hook-deliveries.js";
import { buildBundles, lambdaContext, lambdaEnv, setEnv, type BuiltBundles } from "../../helpers/lambda.js";

// The BUILT reconcile function (npm run build:lambda), invoked in-process as EventBridge's
// schedule invokes it, against the real database with GitHub nocked.
type ReconcileHandler = (event: ScheduledEvent, context: Context) => Promise<Record<string, unknown>>;

const scheduled = JSON.parse(
  readFileSync(new URL("../../fixtures/lambda/scheduled-event.json", import.meta.url), "utf8"),
) as ScheduledEvent;
// The function's 300 s: the run's deadline is 20 s before it.
const context = (): Context => ({
  ...lambdaContext("github-connect-reconcile"),
  getRemainingTimeInMillis: () => 300_000,
});

let bundles: BuiltBundles;
let connection: Connection;
let models: Models;
let handler: ReconcileHandler;
let restoreEnv: () => void;

beforeAll(async () => {
  bundles = await buildBundles(["reconcile"]);
  connection = await connectTestDatabase();
  models = createModels(connection);
  restoreEnv = setEnv(lambdaEnv({ MONGODB_URI: withDatabaseName(inject("mongoUri"), testDatabaseName()) }));
  handler = (await bundles.handler("reconcile", "main")) as unknown as ReconcileHandler;
});
afterAll(async () => {
  restoreEnv?.();
  await dropAndClose(connection);
  bundles?.remove();
});
beforeEach(async () => {
  await Promise.all([
    models.GitHubInstallation.deleteMany({}),
    models.AuditEvent.deleteMany({}),
    models.JobLease.deleteMany({}),
  ]);
});

test("a scheduled invocation runs one reconcile pass and returns its summary", async () => {
  nockHookDeliveries([[]]);
  nockAppInstallations([[{ id: 52001 }]]);

  const answer = await handler(scheduled, context());

  expect(answer).toMatchObject({
    outcome: "completed",
    repaired: { created: 1 },
    apiCalls: { app: 2, installation: 0 },
  });
  expect(await stored(models.GitHubInstallation, { installationId: 52001 })).toMatchObject({
    accountLogin: "acme-corp",
    organizationId: null,
  });
  expect(await models.AuditEvent.countDocuments({ action: "reconcile.completed", actor: "reconcile" })).toBe(1);
});

test("another run holding the lease is not an error", async () => {
  await models.JobLease.create({
    name: "reconcile",
    holder: "another-container",
    acquiredAt: new Date(),
    expiresAt: new Date(Date.now() + 60_000),
  });
  await expect(handler(scheduled, context())).resolves.toEqual({ outcome: "lease-held" });
});

test("a failed run throws, so Lambda counts an error, and frees the lease", async () => {
  nock(GITHUB_API).get("/app/hook/deliveries").query({ per_page: "100" }).reply(401, {
    message: "A JSON web token could not be decoded",
    documentation_url: "https://docs.github.com/rest",
  });
  await expect(handler(scheduled, context())).rejects.toThrow("The reconcile run failed; see its logs");
  expect(await models.JobLease.countDocuments()).toBe(0);
  expect(await models.AuditEvent.countDocuments({ action: "reconcile.failed" })).toBe(1);
});

test("invoked with less time left than its 20 s margin, the run starts no GitHub request and counts its phases incomplete (deliveries, installations, repository access)", async () => {
  await models.GitHubInstallation.create({
    installationId: 52002,
    accountId: 90001,
    accountLogin: "acme-corp",
    accountType: "Organization",
    organizationId: "org_acme",
  });
  const short = { ...context(), getRemainingTimeInMillis: () => 15_000 };
  await expect(handler(scheduled, short)).resolves.toMatchObject({
    outcome: "completed",
    apiCalls: { app: 0, installation: 0 },
    incomplete: 3,
  });
});

test("a warm container prunes the delivery log at every scheduled invocation, not only at its cold start (FerretDB has no TTL index)", async () => {
  await models.JobLease.create({
    name: "reconcile",
    holder: "another-container",
    acquiredAt: new Date(),
    expiresAt: new Date(Date.now() + 60_000),
  });
  // The first invocation opens the database (the start-up prune); the container stays warm.
  await handler(scheduled, context());
  const receivedAt = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);
  await models.WebhookDelivery.create([
    { deliveryId: "expired", event: "installation", status: "processed", receivedAt: receivedAt(31) },
    { deliveryId: "recent", event: "installation", status: "processed", receivedAt: receivedAt(1) },
  ]);
  await expect(handler(scheduled, context())).resolves.toEqual({ outcome: "lease-held" });
  expect((await models.WebhookDelivery.find().lean()).map((d) => d.deliveryId)).toEqual(["recent"]);
});
