import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Connection } from "mongoose";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createModels, type Models } from "../../../src/models/index.js";
import { projectPaths } from "../../../src/project-paths.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import {
  freeLoopbackPort,
  startEventReceiver,
  TEST_EVENT_SIGNING_SECRET as SECRET,
  type EventReceiver,
} from "../../helpers/event-receiver.js";
import { descendantsOf, isAlive, type ProcessInfo } from "../../helpers/process-tree.js";
import { appServerEnv, spawnServer, waitForUrl, type ServerProcess } from "../../helpers/server-process.js";
import { deliverWebhook, webhookExample } from "../../helpers/webhooks.js";

// A server killed outright (SIGKILL: no shutdown handler runs) after an event was written and
// before it reached the receiver: the next server on the same database delivers it, under the
// same webhook-id (docs/events.md "Delivery", at least once). Both are real processes, as an
// operator runs `npm start`.
let cwd: string;
let connection: Connection;
let models: Models;
let receiver: EventReceiver | undefined;
const started: ServerProcess[] = [];
const trees: ProcessInfo[][] = [];

beforeAll(async () => {
  connection = await connectTestDatabase();
  models = createModels(connection);
  cwd = mkdtempSync(path.join(os.tmpdir(), "github-connect-dispatch-crash-"));
});

afterAll(async () => {
  // Only if a test failed: leave no process of ours behind for the next run.
  for (const info of trees.flat()) if (isAlive(info)) process.kill(info.pid, "SIGKILL");
  await receiver?.close();
  await dropAndClose(connection);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

/** `node --import tsx src/start.ts`: the server is the process itself, so a signal reaches it and not a wrapper. */
async function startServerProcess(
  endpoint: string,
): Promise<{ server: ServerProcess; url: string; tree: ProcessInfo[] }> {
  const server = spawnServer(process.execPath, ["--import", "tsx", path.join(projectPaths.root, "src/start.ts")], {
    cwd: projectPaths.root,
    env: appServerEnv(cwd, { EVENT_ENDPOINTS: endpoint, EVENT_SIGNING_SECRET: SECRET }),
  });
  started.push(server);
  const url = await waitForUrl(server, 60_000);
  const self = descendantsOf(process.pid).find((info) => info.pid === server.child.pid);
  const tree = [...(self ? [self] : []), ...descendantsOf(server.child.pid!)];
  trees.push(tree);
  return { server, url, tree };
}

/** Polls `read` until it gives something (a wait, not an assertion: the test's timeout bounds it). */
async function eventually<T>(read: () => Promise<T | null | undefined>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== null && value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function survivors(tree: ProcessInfo[]): Promise<string[]> {
  for (let i = 0; i < 50 && tree.some(isAlive); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return tree.filter(isAlive).map((info) => `${info.pid} ${info.comm} ${info.args.join(" ")}`);
}

test("an event written before a SIGKILL, its receiver down, reaches the receiver from the next server with the same id", {
  timeout: 150_000,
}, async () => {
  await models.GitHubInstallation.create({
    installationId: 16598467,
    accountId: 21031067,
    accountLogin: "Codertocat",
    accountType: "User",
    organizationId: "org_a",
  });
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}/events`;

  const first = await startServerProcess(endpoint);
  const answer = await deliverWebhook(first.url, {
    event: "installation",
    payload: webhookExample("installation", "suspend"),
  });
  expect(answer.status, answer.body).toBe(200);
  const stored = await models.Event.findOne({ type: "connection.suspended" }).lean();
  expect(stored).toMatchObject({ organizationId: "org_a", seq: 1 });
  // The dispatcher tried and was refused: the event is written, its delivery pending.
  const refused = await eventually(() =>
    models.EventDelivery.findOne({ eventId: stored!.eventId, attempts: { $gte: 1 } }).lean(),
  );
  expect(refused).toMatchObject({ endpoint, status: "pending", attempts: 1, lastStatus: null });
  expect(refused.lastError).toContain("ECONNREFUSED");

  first.server.child.kill("SIGKILL");
  expect(await first.server.exited).toBeNull();
  expect(first.server.child.signalCode).toBe("SIGKILL");
  expect(first.tree.length).toBeGreaterThan(0);
  expect(await survivors(first.tree)).toEqual([]);

  receiver = await startEventReceiver(SECRET, { port });
  const second = await startServerProcess(endpoint);
  // Its retry comes when the first server scheduled it (30 s after the refusal).
  const [arrived] = await receiver.waitFor(1);
  expect(arrived).toMatchObject({
    webhookId: stored!.eventId,
    answered: 200,
    event: { id: stored!.eventId, type: "connection.suspended", organizationId: "org_a", seq: 1 },
  });
  expect(receiver.unverified).toEqual([]);
  const delivered = await eventually(() =>
    models.EventDelivery.findOne({ eventId: stored!.eventId, status: "delivered" }).lean(),
  );
  expect(delivered).toMatchObject({ attempts: 2, lastStatus: 200, lastError: null });
  expect(await models.EventDelivery.countDocuments({})).toBe(1);

  second.server.child.kill("SIGTERM");
  expect(await second.server.exited).toBe(0);
  expect(await survivors(second.tree)).toEqual([]);
  expect(receiver.received.map((r) => r.webhookId)).toEqual([stored!.eventId]);
});
