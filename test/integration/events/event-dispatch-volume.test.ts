import { afterAll, beforeAll, expect, test } from "vitest";
import { loadEventDeliveryConfig } from "../../../src/config/event-delivery.js";
import { createDispatcher, type Dispatcher } from "../../../src/events/dispatcher.js";
import { recordEvent } from "../../../src/events/event-log.js";
import {
  startEventReceiver,
  TEST_EVENT_SIGNING_SECRET as SECRET,
  type EventReceiver,
} from "../../helpers/event-receiver.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { useTestModels } from "../../helpers/use-test-server.js";

// At least once, at volume (docs/events.md "Delivery"): every change recorded through the log's
// writer reaches the receiver under its own webhook-id, with two dispatchers at once and some
// answers refused. On FerretDB-on-PostgreSQL (2 cores) it takes about 18 s alone, 30 s beside another file.
const ORGANIZATIONS = 20;
const PER_ORGANIZATION = 50;
const REFUSED = 40;
const DATA = { installationId: 16598467, accountLogin: "Codertocat", accountType: "User" };

const db = useTestModels();
let receiver: EventReceiver;
beforeAll(async () => {
  receiver = await startEventReceiver(SECRET);
});
afterAll(() => receiver?.close());

test("1,000 events of 20 organizations arrive as 1,000 distinct webhook-ids, each verified, with two dispatchers at once", {
  timeout: 180_000,
}, async () => {
  const now = () => new Date("2026-12-04T10:00:00Z");
  const organizations = Array.from({ length: ORGANIZATIONS }, (_, i) => `org_${i}`);
  // Each organization's writers one after another, the organizations side by side.
  const recorded = await Promise.all(
    organizations.map(async (organizationId) => {
      const ids: string[] = [];
      for (let i = 0; i < PER_ORGANIZATION; i++) {
        ids.push(await recordEvent(db.models, now(), { type: "connection.suspended", organizationId, data: DATA }));
      }
      return ids;
    }),
  );
  const ids = recorded.flat();
  expect(new Set(ids).size).toBe(ORGANIZATIONS * PER_ORGANIZATION);

  // The first answers are 500s: those deliveries are retried at once (retry delays of 0).
  receiver.answers.push(...Array.from({ length: REFUSED }, () => 500));
  const config = loadEventDeliveryConfig(
    { EVENT_ENDPOINTS: receiver.url, EVENT_SIGNING_SECRET: SECRET },
    { production: false },
  )!;
  const dispatcher = () =>
    createDispatcher({ models: db.models, config, log: captureLogger().log, now, retryDelaysMs: [0, 0, 0] });
  const delivered = () => db.models.EventDelivery.countDocuments({ status: "delivered" });
  const runUntilDelivered = async (d: Dispatcher) => {
    for (let round = 0; round < 100 && (await delivered()) < ids.length; round++) {
      await d.scan();
      await d.dispatchDue();
    }
  };
  await Promise.all([runUntilDelivered(dispatcher()), runUntilDelivered(dispatcher())]);

  const deliveries = await db.models.EventDelivery.find({}).lean();
  expect(deliveries.length).toBe(ids.length);
  expect(deliveries.filter((d) => d.status !== "delivered")).toEqual([]);
  expect(receiver.unverified).toEqual([]);
  const arrivedIds = new Set(receiver.received.map((arrived) => arrived.webhookId));
  expect([...arrivedIds].sort()).toEqual(ids.slice().sort());
  for (const arrived of receiver.received) expect(arrived.event.id).toBe(arrived.webhookId);
  // Each accepted once at least; every POST is an attempt some delivery counted (none sent unclaimed).
  const accepted = new Set(receiver.received.filter((r) => r.answered === 200).map((r) => r.webhookId));
  expect(accepted.size).toBe(ids.length);
  expect(receiver.received.length).toBe(deliveries.reduce((sum, d) => sum + d.attempts, 0));
  expect(receiver.received.filter((r) => r.answered === 500).length).toBe(REFUSED);
  // Each organization's events carry its seq 1..50, none lost on the way.
  for (const organizationId of organizations) {
    const seqs = new Set(
      receiver.received.filter((r) => r.event.organizationId === organizationId).map((r) => r.event.seq),
    );
    expect(seqs.size).toBe(PER_ORGANIZATION);
    expect(Math.max(...seqs)).toBe(PER_ORGANIZATION);
  }
});
