import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Connection } from "mongoose";
import { afterAll, expect, test } from "vitest";
import { connectDatabase, disconnectAll } from "../../../src/db/connect.js";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../src/db/embedded/embedded-mongo.js";
import { signInAs } from "../../helpers/auth.js";
import { stored } from "../../helpers/documents.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { deliverWebhook, webhookFixture } from "../../helpers/webhooks.js";

// A database of this file's own, with its data on disk, so it can be stopped and started again.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "github-connect-outage-"));
const open: Array<{ server?: TestServer; mongo?: EmbeddedMongo }> = [];

async function startAll(): Promise<{ server: TestServer; mongo: EmbeddedMongo; connection: Connection }> {
  const mongo = await startEmbeddedMongo({ dataDir });
  // The production connection settings, with a short wait for a server that is gone.
  const connection = await connectDatabase(`${mongo.uri}outage`, { serverSelectionTimeoutMS: 1000 });
  const server = await startTestServer({ connection });
  open.push({ server, mongo });
  return { server, mongo, connection };
}

afterAll(async () => {
  for (const { server, mongo } of open) {
    await server?.close();
    await mongo?.stop();
  }
  await disconnectAll();
  rmSync(dataDir, { recursive: true, force: true });
});

test("with the database stopped, a delivery gets 5xx and /healthz 503; after a restart the redelivery applies and nothing was lost", async () => {
  const first = await startAll();
  const created = webhookFixture("installation.created.organization");
  expect((await deliverWebhook(first.server.url, { event: "installation", payload: created })).status).toBe(200);
  expect((await fetch(`${first.server.url}/healthz`)).status).toBe(200);
  const admin = await signInAs(first.server.url, { role: "admin", organizationId: "org_acme" });
  expect((await admin.get("/workspace/settings/repos")).status).toBe(200);

  await first.mongo.stop();

  const suspend = webhookFixture("installation.created.organization");
  suspend.action = "suspend";
  Object.assign(suspend.installation as object, {
    updated_at: "2026-11-21T08:00:00Z",
    suspended_at: "2026-11-21T08:00:00Z",
    suspended_by: suspend.sender,
  });
  const failed = await deliverWebhook(first.server.url, { event: "installation", payload: suspend });
  // GitHub shows a 5xx delivery as failed, and the redelivery job (or an operator) sends it again.
  expect(failed.status).toBe(503);
  expect(JSON.parse(failed.body).error).toBe("The database is unavailable; redeliver this delivery later");
  const health = await fetch(`${first.server.url}/healthz`);
  expect(health.status).toBe(503);
  expect(await health.json()).toEqual({ status: "unavailable", database: "down" });
  // A person opening a page is told what is wrong, in words, not a stack.
  const page = await admin.get("/workspace/settings/repos");
  expect(page.status).toBe(503);
  const html = page.body;
  expect(html).toContain(
    "GitHub Connect cannot reach its database right now. Nothing was changed; try again in a minute.",
  );
  expect(html).not.toMatch(/at .*\.ts:\d+/);

  const second = await startAll();
  const before = await stored(second.server.models.GitHubInstallation, { installationId: 43110412 });
  expect(before).toMatchObject({ accountLogin: "octo-org", suspendedAt: null });
  expect(await second.server.models.WebhookDelivery.countDocuments({ deliveryId: failed.deliveryId })).toBe(0);

  const redelivered = await deliverWebhook(second.server.url, {
    event: "installation",
    payload: suspend,
    deliveryId: failed.deliveryId,
  });
  expect(redelivered.status).toBe(200);
  expect(await stored(second.server.models.GitHubInstallation, { installationId: 43110412 })).toMatchObject({
    accountLogin: "octo-org",
    suspendedAt: new Date("2026-11-21T08:00:00Z"),
  });
  expect(await stored(second.server.models.WebhookDelivery, { deliveryId: failed.deliveryId })).toMatchObject({
    status: "processed",
    attempts: 1,
  });
}, 60_000);
