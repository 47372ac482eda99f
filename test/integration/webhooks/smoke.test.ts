import type { Connection } from "mongoose";
import { afterAll, beforeAll, expect, test } from "vitest";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { deliverWebhook, webhookExamples } from "../../helpers/webhooks.js";

let connection: Connection;
let server: TestServer;
beforeAll(async () => {
  connection = await connectTestDatabase();
  server = await startTestServer({ connection });
});
afterAll(async () => {
  await server?.close();
  await dropAndClose(connection);
});

test("smoke", async () => {
  const payload = webhookExamples("installation").find((e) => e.action === "created")!;
  const res = await deliverWebhook(server.url, { event: "installation", payload });
  expect(res.status, res.body).toBe(200);
  const doc = await server.models.GitHubInstallation.findOne({ installationId: 957387 }).lean();
  expect(doc?.accountLogin).toBe("Codertocat");
});
