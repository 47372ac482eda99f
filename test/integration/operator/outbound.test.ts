import { Types } from "mongoose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDispatcher } from "../../../src/events/dispatcher.js";
import { recordEvent } from "../../../src/events/event-log.js";
import { OPERATOR_PAGES } from "../../../src/web/operator/operator-paths.js";
import { signInAs } from "../../helpers/auth.js";
import { mainOf, pageText } from "../../helpers/github-connect.js";
import { startEventReceiver, type EventReceiver } from "../../helpers/event-receiver.js";
import { OPERATOR_EMAIL, signInOperator, startOperatorServer } from "../../helpers/operator.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { useTestServer } from "../../helpers/use-test-server.js";

// The console's Outbound events page (docs/operator-console.md): a real server, a real receiver on
// loopback, and the dispatcher's rounds run directly so each test says exactly what was sent.
const SECRET = `whsec_${Buffer.from("outbound-console-signing-secret!").toString("base64")}`;
const DATA = { installationId: 41000001, accountLogin: "acme-corp", accountType: "Organization" };

let receiver: EventReceiver;
beforeAll(async () => {
  receiver = await startEventReceiver(SECRET);
});
afterAll(() => receiver?.close());

const text = (html: string) => pageText(mainOf(html));

describe("the Outbound events page with EVENT_ENDPOINTS", () => {
  const holder = useTestServer(
    (connection) => startOperatorServer(connection, { EVENT_ENDPOINTS: receiver.url, EVENT_SIGNING_SECRET: SECRET }),
    { emptyBetweenTests: true },
  );
  const models = () => holder.server.models;
  const serverNow = () => new Date("2026-11-24T12:00:00Z");
  /** A dispatcher on the server's clock; no retries, so one refused attempt fails the delivery for good. */
  const dispatcher = () =>
    createDispatcher({
      models: models(),
      config: holder.server.config.eventDelivery!,
      log: captureLogger().log,
      now: serverNow,
      retryDelaysMs: [],
    });
  const record = (organizationId: string) =>
    recordEvent(models(), serverNow(), { type: "connection.suspended", organizationId, data: DATA });

  beforeEach(() => {
    receiver.received.length = 0;
    receiver.unverified.length = 0;
    receiver.answers.length = 0;
  });

  /** Two failed deliveries (org_a, org_b) and one delivered (org_a), sent one at a time. */
  async function twoFailedOneDelivered() {
    const round = dispatcher();
    const sent: string[] = [];
    for (const [organizationId, answer] of [
      ["org_a", 500],
      ["org_b", 500],
      ["org_a", 200],
    ] as const) {
      sent.push(await record(organizationId));
      receiver.answers.push(answer);
      expect(await round.scan()).toBe(1);
      expect(await round.dispatchDue()).toBe(1);
    }
    expect(receiver.received.map((r) => [r.webhookId, r.answered])).toEqual([
      [sent[0], 500],
      [sent[1], 500],
      [sent[2], 200],
    ]);
    receiver.received.length = 0;
    const deliveryOf = async (eventId: string) => (await models().EventDelivery.findOne({ eventId }).lean())!;
    return {
      failedA: await deliveryOf(sent[0]!),
      failedB: await deliveryOf(sent[1]!),
      delivered: await deliveryOf(sent[2]!),
    };
  }

  it("shows each endpoint's pending and failed counts, last success and last error, and the failed deliveries", async () => {
    const { failedA, failedB } = await twoFailedOneDelivered();
    const operator = await signInOperator(holder.server);
    const page = await operator.get(OPERATOR_PAGES.outbound);
    expect(page.status).toBe(200);
    const shown = text(page.body);
    expect(shown).toContain(
      `Endpoint Pending Failed Last success Last error ${receiver.url} 0 2 24 November 2026, 12:00 UTC answered 500: not now 24 November 2026, 12:00 UTC`,
    );
    expect(shown).toContain("2 deliveries have failed for good (every retry used).");
    for (const [delivery, organization] of [
      [failedA, "org_a"],
      [failedB, "org_b"],
    ] as const) {
      expect(shown).toContain(
        `${delivery.eventId} connection.suspended ${organization} ${receiver.url} 1 answered 500: not now 24 November 2026, 12:00 UTC Retry`,
      );
      expect(page.body).toContain(`action="${OPERATOR_PAGES.outbound}/${delivery._id.toHexString()}/retry"`);
    }
    expect(page.body.match(/data-delivery-id=/g)).toHaveLength(2);
  });

  it("Retry re-sends exactly that one failed delivery, with the same webhook-id; the other stays failed", async () => {
    const { failedA, failedB } = await twoFailedOneDelivered();
    const operator = await signInOperator(holder.server);
    await operator.get(OPERATOR_PAGES.outbound);
    const answer = await operator.postForm(`${OPERATOR_PAGES.outbound}/${failedA._id.toHexString()}/retry`);
    expect(answer.status, answer.body).toBe(303);
    expect(answer.location).toBe(OPERATOR_PAGES.outbound);

    const retried = await models().EventDelivery.findById(failedA._id).lean();
    expect(retried).toMatchObject({ status: "pending", attempts: 0, nextAttemptAt: serverNow() });
    expect(retried!.claimToken).not.toBe(failedA.claimToken);

    const after = await operator.get(OPERATOR_PAGES.outbound);
    expect(text(after.body)).toContain(
      `${failedA.eventId} (connection.suspended) for org_a is queued for ${receiver.url} again`,
    );
    expect(text(after.body)).toContain("1 delivery has failed for good");

    const round = dispatcher();
    // The operator's own record is never sent: scanning finds nothing new to deliver.
    expect(await round.scan()).toBe(0);
    expect(await round.dispatchDue()).toBe(1);
    expect(receiver.received.map((r) => [r.webhookId, r.event.id, r.answered])).toEqual([
      [failedA.eventId, failedA.eventId, 200],
    ]);
    expect(receiver.unverified).toEqual([]);
    expect(await models().EventDelivery.findById(failedA._id).lean()).toMatchObject({
      status: "delivered",
      attempts: 1,
    });
    expect(await models().EventDelivery.findById(failedB._id).lean()).toMatchObject({
      status: "failed",
      attempts: 1,
      claimToken: failedB.claimToken,
    });
    expect(await round.dispatchDue()).toBe(0);

    const recorded = await models().Event.find({ type: "operator.event_delivery_retried" }).lean();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      organizationId: "org_a",
      audience: "operators",
      actor: `operator:${OPERATOR_EMAIL}`,
      data: {
        deliveryId: failedA._id.toHexString(),
        eventId: failedA.eventId,
        eventType: "connection.suspended",
        endpoint: receiver.url,
        previousAttempts: 1,
        lastStatus: 500,
        lastError: "answered 500: not now",
      },
    });
    const audit = await models().AuditEvent.find({ action: "operator.event_delivery_retried" }).lean();
    expect(audit).toMatchObject([{ organizationId: "org_a", actorName: OPERATOR_EMAIL }]);

    // The organization's admins see it in Activity.
    const admin = await signInAs(holder.server.url, {
      role: "admin",
      organizationId: "org_a",
      email: "a@acme.example",
    });
    const activity = await admin.get("/workspace/settings/activity");
    expect(text(activity.body)).toContain(
      `${OPERATOR_EMAIL} (an operator) sent the connection.suspended event to your services again`,
    );
  });

  it("refuses Retry on a delivery that is not failed, and changes nothing", async () => {
    const { delivered } = await twoFailedOneDelivered();
    const operator = await signInOperator(holder.server);
    await operator.get(OPERATOR_PAGES.outbound);
    const answer = await operator.postForm(`${OPERATOR_PAGES.outbound}/${delivered._id.toHexString()}/retry`);
    expect(answer.status).toBe(409);
    expect(text(answer.body)).toContain("This delivery is not failed: it was delivered.");
    expect(await models().EventDelivery.findById(delivered._id).lean()).toEqual(delivered);
    expect(await models().Event.countDocuments({ type: "operator.event_delivery_retried" })).toBe(0);
  });

  it("answers 404 to an unknown or malformed delivery id", async () => {
    const operator = await signInOperator(holder.server);
    await operator.get(OPERATOR_PAGES.outbound);
    for (const id of [new Types.ObjectId().toHexString(), "4242", "zzzzzzzzzzzzzzzzzzzzzzzz"]) {
      const answer = await operator.postForm(`${OPERATOR_PAGES.outbound}/${id}/retry`);
      expect(answer.status, id).toBe(404);
      expect(text(answer.body)).toContain(`There is no outbound delivery with the id “${id}”.`);
    }
  });

  it("lists 50 failed deliveries a page", async () => {
    const endpoint = receiver.url;
    const base = new Date("2026-11-24T10:00:00Z").getTime();
    await models().EventDelivery.collection.insertMany(
      Array.from({ length: 51 }, (_, i) => ({
        eventId: `evt_${i.toString(16).padStart(32, "0")}`,
        eventObjectId: new Types.ObjectId(),
        organizationId: "org_a",
        endpoint,
        status: "failed",
        attempts: 11,
        nextAttemptAt: new Date(base),
        claimToken: `t${i}`,
        lastStatus: 503,
        lastError: "answered 503",
        createdAt: new Date(base),
        lastAttemptAt: new Date(base + i * 60_000),
      })),
    );
    const operator = await signInOperator(holder.server);
    const first = await operator.get(OPERATOR_PAGES.outbound);
    expect(first.body.match(/data-delivery-id=/g)).toHaveLength(50);
    expect(text(first.body)).toContain("Showing 1–50 of 51 failed deliveries");
    // Newest attempt first: the 51st (i = 50) leads, the first (i = 0) is on page 2.
    expect(text(first.body)).toContain(`evt_${(50).toString(16).padStart(32, "0")}`);
    expect(text(first.body)).not.toContain(`evt_${"0".repeat(32)}`);
    const second = await operator.get(`${OPERATOR_PAGES.outbound}?page=2`);
    expect(second.body.match(/data-delivery-id=/g)).toHaveLength(1);
    expect(text(second.body)).toContain(`evt_${"0".repeat(32)} (no longer in the log)`);
    expect(text(second.body)).toContain("Page 2 of 2");
  });
});

describe("the Outbound events page without EVENT_ENDPOINTS", () => {
  const holder = useTestServer((connection) => startOperatorServer(connection));

  it("says no endpoint is configured and how to set one", async () => {
    const operator = await signInOperator(holder.server);
    const page = await operator.get(OPERATOR_PAGES.outbound);
    expect(page.status).toBe(200);
    expect(text(page.body)).toContain("No endpoint is configured");
    expect(text(page.body)).toContain("set EVENT_ENDPOINTS (comma-separated https URLs) and EVENT_SIGNING_SECRET");
    expect(text(page.body)).toContain("No delivery has failed.");
  });
});
