import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { loadEventDeliveryConfig } from "../../../src/config/event-delivery.js";
import { createDispatcher } from "../../../src/events/dispatcher.js";
import { recordEvent } from "../../../src/events/event-log.js";
import {
  freeLoopbackPort,
  startEventReceiver,
  TEST_EVENT_SIGNING_SECRET as SECRET,
  type EventReceiver,
} from "../../helpers/event-receiver.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { useTestModels } from "../../helpers/use-test-server.js";

// Delivery attempts that fail below HTTP (docs/events.md "Delivery"): a receiver that is not up,
// and answers whose body never ends. The dispatcher's clock is moved instead of waiting.
const DATA = { installationId: 16598467, accountLogin: "Codertocat", accountType: "User" };
/** docs/events.md: "Only the first 1 KiB of an answer is read (kept for the operator as lastError)". */
const ANSWER_LIMIT = 1024;
/** The body an endless answer repeats: a counter, so a cut in the wrong place shows. */
const PATTERN = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, "0")} not now\n`).join("");

const db = useTestModels();
let clock = new Date("2026-12-04T10:00:00Z");
const now = () => new Date(clock);
const dispatcherFor = (endpoint: string) =>
  createDispatcher({
    models: db.models,
    config: loadEventDeliveryConfig(
      { EVENT_ENDPOINTS: endpoint, EVENT_SIGNING_SECRET: SECRET },
      { production: false },
    )!,
    log: captureLogger().log,
    now,
  });
const record = (organizationId: string) =>
  recordEvent(db.models, now(), { type: "connection.suspended", organizationId, data: DATA });
const deliveries = async () => db.models.EventDelivery.find({}).sort({ eventObjectId: 1 }).lean();
/** The clock at the latest nextAttemptAt: every pending delivery is due. */
const moveClockToDue = async () => {
  clock = new Date(Math.max(...(await deliveries()).map((delivery) => delivery.nextAttemptAt.getTime())));
};

beforeEach(async () => {
  clock = new Date("2026-12-04T10:00:00Z");
  await db.models.Event.deleteMany({});
  await db.models.EventDelivery.deleteMany({});
});

describe("a receiver that is not up yet", () => {
  let receiver: EventReceiver | undefined;
  afterAll(() => receiver?.close());

  test("refused connections are recorded as failed attempts; once it listens on that port each event arrives with its webhook-id and is delivered", async () => {
    const port = await freeLoopbackPort();
    const endpoint = `http://127.0.0.1:${port}/events`;
    const ids = [await record("org_a"), await record("org_b"), await record("org_a")];
    const dispatcher = dispatcherFor(endpoint);
    expect(await dispatcher.scan()).toBe(3);

    expect(await dispatcher.dispatchDue()).toBe(3);
    await moveClockToDue();
    expect(await dispatcher.dispatchDue()).toBe(3);
    const refused = await deliveries();
    expect(refused.map((delivery) => delivery.eventId)).toEqual(ids);
    for (const delivery of refused) {
      expect(delivery).toMatchObject({ endpoint, status: "pending", attempts: 2, lastStatus: null });
      // The operator must see why: a bare "fetch failed" would not say the receiver was down.
      expect(delivery.lastError).toContain("ECONNREFUSED");
      expect(delivery.nextAttemptAt.getTime()).toBeGreaterThan(clock.getTime());
    }

    receiver = await startEventReceiver(SECRET, { port });
    expect(await dispatcher.dispatchDue()).toBe(0); // not due yet
    await moveClockToDue();
    expect(await dispatcher.dispatchDue()).toBe(3);
    expect(receiver.received.map((arrived) => arrived.webhookId).sort()).toEqual(ids.slice().sort());
    expect(receiver.received.map((arrived) => arrived.event.id).sort()).toEqual(ids.slice().sort());
    expect(receiver.unverified).toEqual([]);
    for (const delivery of await deliveries()) {
      expect(delivery).toMatchObject({ status: "delivered", attempts: 3, lastStatus: 200, lastError: null });
    }
  });
});

describe("an answer whose body never ends", () => {
  let receiver: EventReceiver;
  beforeAll(async () => {
    receiver = await startEventReceiver(SECRET);
  });
  afterAll(() => receiver?.close());

  /**
   * Unread, the socket buffers hold at most a few MB; a client reading on until the attempt's
   * 10 s timeout takes gigabytes over loopback.
   */
  const UNREAD_BOUND = 16 * 1024 * 1024;

  test("a 500: only the first 1 KiB is read, the connection is closed, the delivery is pending with that in lastError", async () => {
    const eventId = await record("org_a");
    receiver.answers.push({ status: 500, endless: PATTERN });
    const dispatcher = dispatcherFor(receiver.url);
    await dispatcher.scan();
    expect(await dispatcher.dispatchDue()).toBe(1);

    const [stream] = receiver.endless;
    expect(stream?.status).toBe(500);
    expect(await stream!.closed).toBeLessThan(UNREAD_BOUND);
    const delivery = await db.models.EventDelivery.findOne({ eventId }).lean();
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500 });
    // Not the timeout's message: the attempt ended on the answer's first bytes.
    const prefix = "answered 500: ";
    expect(delivery!.lastError).toBe(prefix + PATTERN.repeat(20).slice(0, ANSWER_LIMIT - prefix.length));
    expect(receiver.received.map((arrived) => arrived.webhookId)).toEqual([eventId]);
  });

  test("a 2xx is delivered without the body being read to its end", async () => {
    const eventId = await record("org_a");
    receiver.answers.push({ status: 200, endless: PATTERN });
    const dispatcher = dispatcherFor(receiver.url);
    await dispatcher.scan();
    expect(await dispatcher.dispatchDue()).toBe(1);

    const stream = receiver.endless.at(-1);
    expect(stream?.status).toBe(200);
    expect(await stream!.closed).toBeLessThan(UNREAD_BOUND);
    expect(await db.models.EventDelivery.findOne({ eventId }).lean()).toMatchObject({
      status: "delivered",
      attempts: 1,
      lastStatus: 200,
      lastError: null,
    });
  });

  test("a 2xx whose body stalls after its first bytes is delivered: the answer is not waited for past its status", async () => {
    const eventId = await record("org_a");
    receiver.answers.push({ status: 200, endless: "ok", stall: true });
    const dispatcher = dispatcherFor(receiver.url);
    await dispatcher.scan();
    expect(await dispatcher.dispatchDue()).toBe(1);

    const stream = receiver.endless.at(-1);
    expect(stream?.status).toBe(200);
    expect(await stream!.closed).toBe(2);
    // Read to the attempt's timeout, the accepted event would count as failed and be sent again.
    expect(await db.models.EventDelivery.findOne({ eventId }).lean()).toMatchObject({
      status: "delivered",
      attempts: 1,
      lastStatus: 200,
      lastError: null,
    });
  });
});
