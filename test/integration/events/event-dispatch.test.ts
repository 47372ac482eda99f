import { Types } from "mongoose";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { loadEventDeliveryConfig } from "../../../src/config/event-delivery.js";
import { createDispatcher, RETRY_DELAYS_MS } from "../../../src/events/dispatcher.js";
import { recordEvent } from "../../../src/events/event-log.js";
import { createModels, type Models } from "../../../src/models/index.js";
import { startServer, type RunningServer } from "../../../src/server.js";
import { testDatabaseName, withDatabaseName } from "../../helpers/database.js";
import { startEventReceiver, type EventReceiver } from "../../helpers/event-receiver.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { useTestModels } from "../../helpers/use-test-server.js";
import { deliverWebhook, webhookExample } from "../../helpers/webhooks.js";

// Outbound delivery of the event log (docs/events.md "Delivery"): a real receiver on loopback
// verifies every POST with standardwebhooks.
const SECRET = `whsec_${Buffer.from("event-signing-secret-for-tests!!").toString("base64")}`;
const CODERTOCAT = { id: 21031067, login: "Codertocat" };
const DATA = { installationId: 16598467, accountLogin: "Codertocat", accountType: "User" };

let receiver: EventReceiver;
beforeAll(async () => {
  receiver = await startEventReceiver(SECRET);
});
afterAll(() => receiver?.close());
beforeEach(() => {
  receiver.received.length = 0;
  receiver.unverified.length = 0;
  receiver.answers.length = 0;
});

describe("the Node server with EVENT_ENDPOINTS", () => {
  let server: RunningServer;
  let models: Models;
  beforeAll(async () => {
    server = await startServer({
      config: testConfig({ PORT: "0", EVENT_ENDPOINTS: receiver.url, EVENT_SIGNING_SECRET: SECRET }),
      log: captureLogger().log,
      mongodbUri: withDatabaseName(inject("mongoUri"), testDatabaseName("dispatch_server")),
    });
    models = createModels(server.connection);
  });
  afterAll(async () => {
    await server?.connection.dropDatabase();
    await server?.close();
  });

  test("an installation.suspend webhook reaches the receiver as connection.suspended, signed, with the event's id", async () => {
    await models.GitHubInstallation.create({
      installationId: 16598467,
      accountId: CODERTOCAT.id,
      accountLogin: CODERTOCAT.login,
      accountType: "User",
      organizationId: "org_a",
    });
    const answer = await deliverWebhook(server.url, {
      event: "installation",
      payload: webhookExample("installation", "suspend"),
    });
    expect(answer.status, answer.body).toBe(200);

    const [arrived] = await receiver.waitFor(1);
    const stored = await models.Event.findOne({ type: "connection.suspended" }).lean();
    expect(arrived).toMatchObject({
      webhookId: stored?.eventId,
      event: { id: stored?.eventId, type: "connection.suspended", organizationId: "org_a", seq: 1, data: DATA },
    });
    expect(receiver.unverified).toEqual([]);
  });
});

describe("the dispatcher", () => {
  const db = useTestModels();
  const config = loadEventDeliveryConfig({ EVENT_ENDPOINTS: "", EVENT_SIGNING_SECRET: "" }, { production: false });
  const delivery = () =>
    loadEventDeliveryConfig({ EVENT_ENDPOINTS: receiver.url, EVENT_SIGNING_SECRET: SECRET }, { production: false })!;
  let clock = new Date("2026-12-04T10:00:00Z");
  const now = () => new Date(clock);
  const log = captureLogger().log;
  const dispatcher = (options: { retryDelaysMs?: number[] } = {}) =>
    createDispatcher({ models: db.models, config: delivery(), log, now, ...options });
  const record = (organizationId: string | null = "org_a") =>
    recordEvent(db.models, now(), { type: "connection.suspended", organizationId, data: DATA });

  beforeEach(async () => {
    clock = new Date("2026-12-04T10:00:00Z");
    await db.models.Event.deleteMany({});
    await db.models.EventDelivery.deleteMany({});
    await db.models.EventScanCheckpoint.deleteMany({});
    await db.models.EventDeliveryClaim.deleteMany({});
  });

  test("with neither variable set there is no delivery config, so nothing is sent", () => {
    expect(config).toBeNull();
    expect(testConfig().eventDelivery).toBeNull();
  });

  test("a receiver answering 500 first gets the same webhook-id again within a minute, then it is delivered", async () => {
    const eventId = await record();
    receiver.answers.push(500);
    const a = dispatcher();
    await a.scan();
    expect(await a.dispatchDue()).toBe(1);
    expect(await a.dispatchDue()).toBe(0); // not due yet
    const pending = await db.models.EventDelivery.findOne({ eventId }).lean();
    expect(pending).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500 });
    expect(pending!.nextAttemptAt.getTime() - clock.getTime()).toBeLessThanOrEqual(60_000);

    clock = new Date(pending!.nextAttemptAt);
    expect(await a.dispatchDue()).toBe(1);
    expect(receiver.received.map((r) => [r.webhookId, r.answered])).toEqual([
      [eventId, 500],
      [eventId, 200],
    ]);
    expect(await db.models.EventDelivery.findOne({ eventId }).lean()).toMatchObject({
      status: "delivered",
      attempts: 2,
    });
    expect(receiver.unverified).toEqual([]);
  });

  test("a redirect is not followed: it counts as a failed attempt and is retried", async () => {
    const eventId = await record();
    receiver.answers.push(302);
    const a = dispatcher();
    await a.scan();
    expect(await a.dispatchDue()).toBe(1);
    expect(receiver.received.map((r) => r.answered)).toEqual([302]);
    expect(receiver.unverified).toEqual([]);
    expect(await db.models.EventDelivery.findOne({ eventId }).lean()).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatus: 302,
    });
  });

  test("the retries stretch over at least 24 hours, then the delivery is failed", async () => {
    expect(RETRY_DELAYS_MS[0]).toBeLessThanOrEqual(60_000);
    expect(RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThanOrEqual(24 * 60 * 60 * 1000);
    const eventId = await record();
    receiver.answers.push(500, 503, 500);
    const a = dispatcher({ retryDelaysMs: [0, 0] });
    await a.scan();
    for (let i = 0; i < 3; i++) await a.dispatchDue();
    expect(receiver.received.map((r) => r.answered)).toEqual([500, 503, 500]);
    expect(await db.models.EventDelivery.findOne({ eventId }).lean()).toMatchObject({ status: "failed", attempts: 3 });
    expect(await a.dispatchDue()).toBe(0);
  });

  test("two dispatchers at once create one delivery per event and send no attempt twice", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await record(i % 2 ? "org_a" : "org_b"));
    const [a, b] = [dispatcher(), dispatcher()];
    await Promise.all([a.scan(), b.scan()]);
    expect(await db.models.EventDelivery.countDocuments({})).toBe(30);
    const [sentByA, sentByB] = await Promise.all([a.dispatchDue(), b.dispatchDue()]);
    expect(sentByA + sentByB).toBe(30);
    expect(receiver.received.map((r) => r.webhookId).sort()).toEqual(ids.slice().sort());
    expect(receiver.unverified).toEqual([]);
  });

  test("a dispatcher started after a downtime sends the events recorded since the last one it had a delivery for", async () => {
    // The log as a server killed ten minutes ago left it: e1 delivered, e2 recorded and never scanned.
    const minutesAgo = (minutes: number) => Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000) - minutes * 60);
    const event = (id: string, _id: Types.ObjectId, seq: number) => ({
      _id,
      eventId: id,
      type: "connection.suspended",
      timestamp: now(),
      organizationId: "org_a",
      seq,
      data: DATA,
    });
    const e1 = event(`evt_${"1".repeat(32)}`, minutesAgo(20), 1);
    const e2 = event(`evt_${"2".repeat(32)}`, minutesAgo(10), 2);
    await db.models.Event.insertMany([e1, e2]);
    await db.models.EventDelivery.create({
      eventId: e1.eventId,
      eventObjectId: e1._id,
      organizationId: "org_a",
      endpoint: delivery().endpoints[0],
      status: "delivered",
      attempts: 1,
      nextAttemptAt: now(),
      claimToken: "delivered-before-the-crash",
      createdAt: now(),
    });
    const restarted = dispatcher();
    expect(await restarted.scan()).toBe(1);
    expect(await restarted.dispatchDue()).toBe(1);
    expect(receiver.received.map((r) => r.webhookId)).toEqual([e2.eventId]);
  });

  test("a settled attempt leaves no claim behind, delivered or to be retried", async () => {
    const [failing, fine] = [await record(), await record("org_b")];
    receiver.answers.push(500);
    const a = dispatcher();
    await a.scan();
    expect(await a.dispatchDue()).toBe(2);
    expect(receiver.received.map((r) => r.webhookId).sort()).toEqual([failing, fine].sort());
    expect(await db.models.EventDelivery.countDocuments({ status: "pending", attempts: 1 })).toBe(1);
    expect(await db.models.EventDelivery.countDocuments({ status: "delivered", attempts: 1 })).toBe(1);
    expect(await db.models.EventDeliveryClaim.countDocuments({})).toBe(0);
  });

  test("the console's own records are not sent by the first attempt of recorded events either", async () => {
    const own = await recordEvent(db.models, now(), {
      type: "operator.event_delivery_retried",
      organizationId: "org_a",
      audience: "operators",
      data: {
        deliveryId: new Types.ObjectId().toHexString(),
        eventId: `evt_${"0".repeat(32)}`,
        eventType: "connection.suspended",
        endpoint: receiver.url,
        previousAttempts: 10,
        lastStatus: 500,
        lastError: "answered 500",
      },
    });
    const served = await record();
    const counts = await dispatcher().deliverRecorded([own, served], 5000);
    expect(counts).toEqual({ attempted: 1, delivered: 1, failed: 0 });
    expect(receiver.received.map((r) => r.webhookId)).toEqual([served]);
    expect(await db.models.EventDelivery.countDocuments({ eventId: own })).toBe(0);
  });

  test("events of no organization are never sent", async () => {
    await record(null);
    const a = dispatcher();
    expect(await a.scan()).toBe(0);
    expect(await a.dispatchDue()).toBe(0);
    expect(receiver.received).toEqual([]);
  });
});
