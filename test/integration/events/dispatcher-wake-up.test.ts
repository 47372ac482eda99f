import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { loadEventDeliveryConfig } from "../../../src/config/event-delivery.js";
import { startDispatcher, type RunningDispatcher } from "../../../src/events/dispatcher.js";
import { onEventRecorded, recordEvent, type RecordedEvent } from "../../../src/events/event-log.js";
import { createModels, type Models } from "../../../src/models/index.js";
import { startServer, type RunningServer } from "../../../src/server.js";
import { testDatabaseName, withDatabaseName } from "../../helpers/database.js";
import { startEventReceiver, type EventReceiver } from "../../helpers/event-receiver.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { useTestModels } from "../../helpers/use-test-server.js";
import { deliverWebhook, webhookExample } from "../../helpers/webhooks.js";

// The in-process dispatcher starts a round when this process records an event. Every test polls
// once a minute, far past the test's timeout: an event recorded after the dispatcher's first
// round can only arrive through the wake-up.
const SECRET = `whsec_${Buffer.from("event-signing-secret-for-wakeup!").toString("base64")}`;
const A_MINUTE = 60_000;
const DATA = { installationId: 16598467, accountLogin: "Codertocat", accountType: "User" };

let receiver: EventReceiver;
beforeAll(async () => {
  receiver = await startEventReceiver(SECRET);
});
afterAll(() => receiver?.close());
beforeEach(() => {
  receiver.received.length = 0;
  receiver.unverified.length = 0;
});

describe("onEventRecorded", () => {
  const db = useTestModels();
  beforeEach(() => db.models.Event.deleteMany({}));

  test("hears each recorded event once, with its id and organization, until unsubscribed", async () => {
    const heard: RecordedEvent[] = [];
    const unsubscribe = onEventRecorded((event) => heard.push(event));
    const first = await recordEvent(db.models, new Date(), {
      type: "connection.suspended",
      organizationId: "org_a",
      data: DATA,
    });
    const unclaimed = await recordEvent(db.models, new Date(), {
      type: "connection.unsuspended",
      organizationId: null,
      data: DATA,
    });
    unsubscribe();
    await recordEvent(db.models, new Date(), { type: "connection.unsuspended", organizationId: "org_a", data: DATA });
    expect(heard).toEqual([
      { eventId: first, organizationId: "org_a" },
      { eventId: unclaimed, organizationId: null },
    ]);
  });

  test("a listener that throws neither fails the recording nor keeps the others from hearing it", async () => {
    const heard: string[] = [];
    const offs = [
      onEventRecorded(() => {
        throw new Error("a broken listener");
      }),
      onEventRecorded((event) => heard.push(event.eventId)),
    ];
    const eventId = await recordEvent(db.models, new Date(), {
      type: "connection.suspended",
      organizationId: "org_a",
      data: DATA,
    });
    for (const off of offs) off();
    expect(heard).toEqual([eventId]);
    expect(await db.models.Event.countDocuments({ eventId })).toBe(1);
  });
});

describe("the in-process dispatcher polling once a minute", () => {
  const db = useTestModels();
  const config = () =>
    loadEventDeliveryConfig({ EVENT_ENDPOINTS: receiver.url, EVENT_SIGNING_SECRET: SECRET }, { production: false })!;
  let running: RunningDispatcher | undefined;
  const record = (organizationId = "org_a") =>
    recordEvent(db.models, new Date(), { type: "connection.suspended", organizationId, data: DATA });

  beforeEach(async () => {
    await db.models.Event.deleteMany({});
    await db.models.EventDelivery.deleteMany({});
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  test("delivers an event recorded after its first round, and a burst recorded during a round, each once", async () => {
    // The first round sends this one; its scan ran before anything below is recorded.
    const before = await record();
    running = startDispatcher({
      models: db.models,
      config: config(),
      log: captureLogger().log,
      pollIntervalMs: A_MINUTE,
    });
    expect((await receiver.waitFor(1)).map((r) => r.webhookId)).toEqual([before]);

    const after = await record();
    expect((await receiver.waitFor(2)).map((r) => r.webhookId)).toEqual([before, after]);

    // Twenty at once from two organizations: rounds queue behind each other, none is sent twice.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => record(i % 2 ? "org_a" : "org_b")));
    const arrived = await receiver.waitFor(22);
    expect(
      arrived
        .slice(2)
        .map((r) => r.webhookId)
        .sort(),
    ).toEqual(burst.slice().sort());
    expect(await db.models.EventDelivery.countDocuments({})).toBe(22);
    expect(receiver.unverified).toEqual([]);
  });
});

describe("the Node server with EVENT_ENDPOINTS, polling once a minute", () => {
  let server: RunningServer;
  let models: Models;
  beforeAll(async () => {
    server = await startServer({
      config: testConfig({ PORT: "0", EVENT_ENDPOINTS: receiver.url, EVENT_SIGNING_SECRET: SECRET }),
      log: captureLogger().log,
      mongodbUri: withDatabaseName(inject("mongoUri"), testDatabaseName("dispatch_wake_up")),
      dispatch: { pollIntervalMs: A_MINUTE },
    });
    models = createModels(server.connection);
  });
  afterAll(async () => {
    await server?.connection.dropDatabase();
    await server?.close();
  });

  test("an installation.unsuspend webhook after a delivered suspend reaches the receiver without waiting for the poll", async () => {
    await models.GitHubInstallation.create({
      installationId: 16598467,
      accountId: 21031067,
      accountLogin: "Codertocat",
      accountType: "User",
      organizationId: "org_a",
    });
    const suspend = await deliverWebhook(server.url, {
      event: "installation",
      payload: webhookExample("installation", "suspend"),
    });
    expect(suspend.status, suspend.body).toBe(200);
    await receiver.waitFor(1);
    // The round that sent the suspension scanned before this webhook: only a new round sends it.
    const unsuspend = await deliverWebhook(server.url, {
      event: "installation",
      payload: webhookExample("installation", "unsuspend"),
    });
    expect(unsuspend.status, unsuspend.body).toBe(200);
    const arrived = await receiver.waitFor(2);
    expect(arrived.map((r) => r.event.type)).toEqual(["connection.suspended", "connection.unsuspended"]);
    const stored = await models.Event.findOne({ type: "connection.unsuspended" }).lean();
    expect(arrived[1]).toMatchObject({ webhookId: stored?.eventId, event: { organizationId: "org_a", seq: 2 } });
    expect(receiver.unverified).toEqual([]);
  });
});
