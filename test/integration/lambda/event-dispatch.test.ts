import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { type Connection, Types } from "mongoose";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { disconnectAll } from "../../../src/db/connect.js";
import { recordEvent } from "../../../src/events/event-log.js";
import { createDispatchHandler } from "../../../src/lambda/dispatch.js";
import { createWebhooksHandler } from "../../../src/lambda/webhooks.js";
import { createModels, type Models } from "../../../src/models/index.js";
import { connectTestDatabase, dropAndClose, testDatabaseName, withDatabaseName } from "../../helpers/database.js";
import { startEventReceiver, type EventReceiver } from "../../helpers/event-receiver.js";
import { lambdaContext, lambdaEnv, webhookEvent } from "../../helpers/lambda.js";
import { webhookExample } from "../../helpers/webhooks.js";

// Event delivery on Lambda (docs/lambda.md, docs/events.md "Delivery"): the webhooks function tries
// the events it recorded before it answers, and the scheduled dispatch function sends the rest and
// the retries. Real database, a real receiver on loopback (https: Lambda applies production's rules).
const SECRET = `whsec_${Buffer.from("event-signing-secret-for-tests!!").toString("base64")}`;
const INSTALLATION = { installationId: 16598467, accountId: 21031067, accountLogin: "Codertocat", accountType: "User" };

let receiver: EventReceiver;
let connection: Connection;
let models: Models;
let env: (overrides?: Record<string, string | undefined>) => Record<string, string | undefined>;

beforeAll(async () => {
  receiver = await startEventReceiver(SECRET, { https: true });
  connection = await connectTestDatabase();
  models = createModels(connection);
  const uri = withDatabaseName(inject("mongoUri"), testDatabaseName());
  env = (overrides = {}) =>
    lambdaEnv({
      MONGODB_URI: uri,
      LOG_LEVEL: "silent",
      EVENT_ENDPOINTS: receiver.url,
      EVENT_SIGNING_SECRET: SECRET,
      ...overrides,
    });
});
afterAll(async () => {
  await disconnectAll();
  await dropAndClose(connection);
  await receiver?.close();
});
beforeEach(async () => {
  receiver.received.length = 0;
  receiver.unverified.length = 0;
  receiver.answers.length = 0;
  await Promise.all([
    models.Event.deleteMany({}),
    models.EventDelivery.deleteMany({}),
    models.EventDeliveryClaim.deleteMany({}),
    models.EventScanCheckpoint.deleteMany({}),
    models.GitHubInstallation.deleteMany({}),
    models.WebhookDelivery.deleteMany({}),
    models.WebhookBody.deleteMany({}),
  ]);
});

/** installation.suspend of an installation org_a claimed: the handler records connection.suspended. */
async function suspendDelivery() {
  await models.GitHubInstallation.create({ ...INSTALLATION, organizationId: "org_a" });
  const { event } = await webhookEvent("2.0", {
    event: "installation",
    payload: webhookExample("installation", "suspend"),
  });
  return event;
}

const suspendedEvent = () => models.Event.findOne({ type: "connection.suspended" }).lean();
const deliveryOf = (eventId: string | undefined) => models.EventDelivery.findOne({ eventId }).lean();

/** A loopback port nothing listens on: a connection to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("the webhooks function", () => {
  test("a delivery that records an event has delivered it to the receiver when its answer is returned", async () => {
    const webhooks = createWebhooksHandler({ env: env() });
    const result = await webhooks(await suspendDelivery(), lambdaContext("github-connect-webhooks"));
    expect(result.statusCode, result.body).toBe(200);

    // No waiting: the receiver had it before the handler resolved.
    const event = await suspendedEvent();
    expect(receiver.received.map((r) => [r.webhookId, r.event.type, r.answered])).toEqual([
      [event?.eventId, "connection.suspended", 200],
    ]);
    expect(receiver.unverified).toEqual([]);
    expect(await deliveryOf(event?.eventId)).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 200 });
  });

  test("a receiver answering 500 leaves the delivery pending after one attempt, and the webhook is still answered 200", async () => {
    receiver.answers.push(500);
    const webhooks = createWebhooksHandler({ env: env() });
    const result = await webhooks(await suspendDelivery(), lambdaContext("github-connect-webhooks"));
    expect(result.statusCode, result.body).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ ok: true });

    const event = await suspendedEvent();
    expect(receiver.received.map((r) => [r.webhookId, r.answered])).toEqual([[event?.eventId, 500]]);
    const pending = await deliveryOf(event?.eventId);
    expect(pending).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500 });
    // Left to the dispatch function: the first retry is due 30 s later.
    expect(pending!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
  });

  test("a receiver that refuses the connection leaves the delivery pending, and the webhook is still answered 200", async () => {
    const refusing = `https://127.0.0.1:${await closedPort()}/events`;
    const webhooks = createWebhooksHandler({ env: env({ EVENT_ENDPOINTS: refusing }) });
    const result = await webhooks(await suspendDelivery(), lambdaContext("github-connect-webhooks"));
    expect(result.statusCode, result.body).toBe(200);

    const event = await suspendedEvent();
    expect(await deliveryOf(event?.eventId)).toMatchObject({
      endpoint: refusing,
      status: "pending",
      attempts: 1,
      lastStatus: null,
      lastError: expect.stringMatching(/fetch failed|ECONNREFUSED/),
    });
  });

  test("without EVENT_ENDPOINTS the event is recorded and nothing is sent", async () => {
    const webhooks = createWebhooksHandler({ env: env({ EVENT_ENDPOINTS: "", EVENT_SIGNING_SECRET: "" }) });
    const result = await webhooks(await suspendDelivery(), lambdaContext("github-connect-webhooks"));
    expect(result.statusCode, result.body).toBe(200);
    expect(await suspendedEvent()).toMatchObject({ organizationId: "org_a" });
    expect(await models.EventDelivery.countDocuments()).toBe(0);
    expect(receiver.received).toEqual([]);
  });
});

describe("the dispatch function", () => {
  const scheduled = () => ({ ...lambdaContext("github-connect-dispatch"), getRemainingTimeInMillis: () => 70_000 });
  /** Every wait the window asks for, then waited for real (a few hundred milliseconds at most here). */
  const recordingSleep = () => {
    const calls: number[] = [];
    const sleep = async (ms: number) => {
      calls.push(ms);
      await delay(ms);
    };
    return { calls, sleep };
  };
  const record = (organizationId: string | null = "org_a") =>
    recordEvent(models, new Date(), {
      type: "connection.suspended",
      organizationId,
      data: { installationId: 16598467, accountLogin: "Codertocat", accountType: "User" },
    });

  test("sends the pending deliveries that are due, and returns at once when nothing else is pending", async () => {
    const waits = recordingSleep();
    const dispatch = createDispatchHandler({ env: env(), sleep: waits.sleep });
    const ids = [await record(), await record("org_b"), await record(null)];

    const answer = await dispatch(undefined, scheduled());

    expect(answer).toEqual({ outcome: "completed", scanned: 2, attempted: 2, delivered: 2, failed: 0, rounds: 1 });
    expect(receiver.received.map((r) => r.webhookId).sort()).toEqual(ids.slice(0, 2).sort());
    expect(waits.calls).toEqual([]);
    expect(receiver.unverified).toEqual([]);
  });

  test("a delivery that fails is retried within the same window once it comes due", async () => {
    receiver.answers.push(500);
    const waits = recordingSleep();
    const dispatch = createDispatchHandler({
      env: env(),
      sleep: waits.sleep,
      eventRetryDelaysMs: [300],
      windowMs: 20_000,
    });
    const eventId = await record();

    const answer = await dispatch(undefined, scheduled());

    expect(answer).toEqual({ outcome: "completed", scanned: 1, attempted: 2, delivered: 1, failed: 1, rounds: 2 });
    expect(receiver.received.map((r) => [r.webhookId, r.answered])).toEqual([
      [eventId, 500],
      [eventId, 200],
    ]);
    expect(waits.calls).toHaveLength(1);
    expect(waits.calls[0]).toBeGreaterThan(0);
    expect(waits.calls[0]).toBeLessThanOrEqual(300);
    expect(await deliveryOf(eventId)).toMatchObject({ status: "delivered", attempts: 2 });
  });

  test("a retry due after the window is left to the next run: it returns without waiting", async () => {
    receiver.answers.push(500);
    const waits = recordingSleep();
    // The real retry delays: the first is 30 s, past a 20 s window.
    const dispatch = createDispatchHandler({ env: env(), sleep: waits.sleep, windowMs: 20_000 });
    const eventId = await record();

    const answer = await dispatch(undefined, scheduled());

    expect(answer).toEqual({ outcome: "completed", scanned: 1, attempted: 1, delivered: 0, failed: 1, rounds: 1 });
    expect(waits.calls).toEqual([]);
    expect(await deliveryOf(eventId)).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500 });
  });

  test("invoked with less time left than its margin, it makes one round and does not wait", async () => {
    const waits = recordingSleep();
    const dispatch = createDispatchHandler({ env: env(), sleep: waits.sleep, eventRetryDelaysMs: [300] });
    receiver.answers.push(500);
    await record();
    const short = { ...scheduled(), getRemainingTimeInMillis: () => 10_000 };
    await expect(dispatch(undefined, short)).resolves.toMatchObject({ rounds: 1, attempted: 1, failed: 1 });
    expect(waits.calls).toEqual([]);
  });

  test("a new container sends an event the last scans had not reached, though a newer one was delivered by its own invocation", async () => {
    // The log's ObjectIds say when each event was written: E0 four minutes ago, delivered and
    // scanned; E1 two and a half minutes ago, after that scan, recorded where no first attempt is
    // made (the reconcile function); E2 now, by a webhook invocation that delivers it itself.
    const secondsAgo = (seconds: number) => Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000) - seconds);
    const logged = (id: string, seconds: number, seq: number) => ({
      _id: secondsAgo(seconds),
      eventId: `evt_${id.repeat(32)}`,
      type: "connection.suspended",
      timestamp: new Date(),
      organizationId: "org_c",
      seq,
      data: { installationId: 16598467, accountLogin: "Codertocat", accountType: "User" },
    });
    const e0 = logged("0", 240, 1);
    await models.Event.create(e0);
    await models.EventDelivery.create({
      eventId: e0.eventId,
      eventObjectId: e0._id,
      organizationId: "org_c",
      endpoint: receiver.url,
      status: "delivered",
      attempts: 1,
      nextAttemptAt: new Date(),
      claimToken: "delivered-earlier",
      createdAt: new Date(),
    });
    const warm = createDispatchHandler({ env: env() });
    await expect(warm(undefined, scheduled())).resolves.toMatchObject({ scanned: 0, attempted: 0 });
    const e1 = logged("1", 150, 2);
    await models.Event.create(e1);
    const webhooks = createWebhooksHandler({ env: env() });
    expect((await webhooks(await suspendDelivery(), lambdaContext("github-connect-webhooks"))).statusCode).toBe(200);
    expect(receiver.received.map((r) => r.event.type)).toEqual(["connection.suspended"]);

    // The next scheduled run lands on a new container.
    const cold = createDispatchHandler({ env: env() });
    await expect(cold(undefined, scheduled())).resolves.toMatchObject({ scanned: 1, delivered: 1 });
    expect(receiver.received.map((r) => r.webhookId)).toContain(e1.eventId);
  });

  test("without EVENT_ENDPOINTS it returns at once and creates no delivery", async () => {
    const dispatch = createDispatchHandler({ env: env({ EVENT_ENDPOINTS: "", EVENT_SIGNING_SECRET: "" }) });
    await record();
    await expect(dispatch(undefined, scheduled())).resolves.toEqual({ outcome: "no-endpoints" });
    await expect(dispatch(undefined, scheduled())).resolves.toEqual({ outcome: "no-endpoints" });
    expect(await models.EventDelivery.countDocuments()).toBe(0);
    expect(receiver.received).toEqual([]);
  });
});
