import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { type Connection, Types } from "mongoose";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { disconnectAll } from "../../../src/db/connect.js";
import { recordEvent } from "../../../src/events/event-log.js";
import { createDispatchHandler } from "../../../src/lambda/dispatch.js";
import { createWebhooksHandler } from "../../../src/lambda/webhooks.js";
import { createWebHandler } from "../../../src/lambda/web.js";
import { createModels, type Models } from "../../../src/models/index.js";
import { connectTestDatabase, dropAndClose, testDatabaseName, withDatabaseName } from "../../helpers/database.js";
import {
  type EventReceiver,
  freeLoopbackPort,
  startEventReceiver,
  TEST_EVENT_SIGNING_SECRET,
} from "../../helpers/event-receiver.js";
import {
  nockAuthenticateWithCode,
  nockWorkOSJwks,
  nockWorkOSOrganization,
  WorkOSSigningKey,
} from "../../helpers/auth.js";
import { nockDeleteInstallation } from "../../helpers/github/installations.js";
import {
  buildBundles,
  type BuiltBundles,
  httpApiEvent,
  type LambdaRequest,
  lambdaContext,
  lambdaEnv,
  responseCookies,
  responseHeader,
  setEnv,
  webhookEvent,
} from "../../helpers/lambda.js";
import { webhookExample } from "../../helpers/webhooks.js";

// Event delivery on Lambda (docs/lambda.md, docs/events.md "Delivery"): the webhooks and web functions try
// the events it recorded before it answers, and the scheduled dispatch function sends the rest and
// the retries. Real database, a real receiver on loopback (https: Lambda applies production's rules).
const SECRET = TEST_EVENT_SIGNING_SECRET;
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
    const refusing = `https://127.0.0.1:${await freeLoopbackPort()}/events`;
    const webhooks = createWebhooksHandler({ env: env({ EVENT_ENDPOINTS: refusing }) });
    const result = await webhooks(await suspendDelivery(), lambdaContext("github-connect-webhooks"));
    expect(result.statusCode, result.body).toBe(200);

    const event = await suspendedEvent();
    expect(await deliveryOf(event?.eventId)).toMatchObject({
      endpoint: refusing,
      status: "pending",
      attempts: 1,
      lastStatus: null,
      lastError: expect.stringContaining("ECONNREFUSED"),
    });
  });

  test("a receiver that never answers holds the answer up no longer than the budget: the attempt is left to the dispatch function", async () => {
    // Accepts the connection and never says a word (not even the TLS handshake).
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const endpoint = `https://127.0.0.1:${(silent.address() as AddressInfo).port}/events`;
      const webhooks = createWebhooksHandler({ env: env({ EVENT_ENDPOINTS: endpoint }), firstDeliveryBudgetMs: 200 });
      const result = await webhooks(await suspendDelivery(), lambdaContext("github-connect-webhooks"));
      expect(result.statusCode, result.body).toBe(200);

      // Not settled: the claim holds it until its lease expires, then the dispatch function retries.
      const event = await suspendedEvent();
      const pending = await deliveryOf(event?.eventId);
      expect(pending).toMatchObject({ status: "pending", attempts: 0, lastStatus: null });
      expect(await models.EventDeliveryClaim.countDocuments({ deliveryId: pending?._id })).toBe(1);
      expect(pending!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    } finally {
      silent.close();
    }
  });

  test("an invocation with little time left answers without trying: the event is left to the dispatch function's scan", async () => {
    const webhooks = createWebhooksHandler({ env: env() });
    const late = { ...lambdaContext("github-connect-webhooks"), getRemainingTimeInMillis: () => 800 };
    const result = await webhooks(await suspendDelivery(), late);
    expect(result.statusCode, result.body).toBe(200);
    expect(await suspendedEvent()).toMatchObject({ organizationId: "org_a" });
    expect(await models.EventDelivery.countDocuments()).toBe(0);
    expect(receiver.received).toEqual([]);
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

describe("the web function", () => {
  const html = { Accept: "text/html,application/xhtml+xml", "User-Agent": "Mozilla/5.0 (test)" };
  /** "name=value" pairs from Set-Cookie lines, as a browser sends them back (a later line replaces an earlier one). */
  const cookiePairs = (setCookies: string[]) =>
    [
      ...new Map(
        setCookies.map((line) => line.split(";")[0]!).map((pair) => [pair.slice(0, pair.indexOf("=")), pair] as const),
      ).values(),
    ].filter((pair) => !pair.endsWith("="));

  test("an admin's Disconnect has delivered its connection.removed when the page answers", async () => {
    await models.GitHubInstallation.create({
      installationId: 55001,
      accountId: 90001,
      accountLogin: "acme-corp",
      accountType: "Organization",
      organizationId: "org_web",
    });
    const web = createWebHandler({ env: env() });
    const invoke = (request: LambdaRequest) => web(httpApiEvent("2.0", request), lambdaContext("github-connect-web"));

    // Signed in as an admin of org_web through WorkOS.
    const login = await invoke({ path: "/auth/login", headers: html });
    const state = new URL(responseHeader(login, "location")!).searchParams.get("state")!;
    const key = new WorkOSSigningKey();
    nockAuthenticateWithCode("code_events", {
      organizationId: "org_web",
      accessToken: key.sign({ org_id: "org_web", role: "admin", sid: "session_lambda_events" }),
    });
    const callback = await invoke({
      path: "/auth/callback",
      query: new URLSearchParams({ code: "code_events", state }).toString(),
      headers: html,
      cookies: cookiePairs(responseCookies(login)),
    });
    expect(callback.statusCode, callback.body).toBe(303);
    let cookies = cookiePairs([...responseCookies(login), ...responseCookies(callback)]);

    nockWorkOSJwks(key);
    nockWorkOSOrganization("org_web", { name: "Web Org" });
    const confirm = await invoke({ path: "/github/disconnect", headers: html, cookies });
    expect(confirm.statusCode, confirm.body).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(confirm.body)?.[1];
    cookies = cookiePairs([...responseCookies(login), ...responseCookies(callback), ...responseCookies(confirm)]);

    const uninstall = nockDeleteInstallation(55001);
    const answer = await invoke({
      method: "POST",
      path: "/github/disconnect",
      headers: { ...html, "Content-Type": "application/x-www-form-urlencoded", Origin: "https://connect.example.com" },
      cookies,
      body: new URLSearchParams({ _csrf: csrf! }).toString(),
    });
    expect(answer.statusCode, answer.body).toBe(303);
    expect(uninstall.isDone()).toBe(true);

    const removed = await models.Event.findOne({ type: "connection.removed" }).lean();
    expect(removed).toMatchObject({ organizationId: "org_web" });
    expect(receiver.received.map((r) => [r.webhookId, r.event.type])).toEqual([
      [removed?.eventId, "connection.removed"],
    ]);
    expect(await deliveryOf(removed?.eventId)).toMatchObject({ status: "delivered", attempts: 1 });
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

describe("the built functions (npm run build:lambda)", () => {
  let bundles: BuiltBundles;
  let restoreEnv: () => void;
  beforeAll(async () => {
    bundles = await buildBundles(["webhooks", "dispatch"]);
    restoreEnv = setEnv(env());
  });
  afterAll(() => {
    restoreEnv?.();
    bundles?.remove();
  });

  test("the webhooks bundle delivers the event before it answers; the dispatch bundle sends what is left and returns at once", async () => {
    const webhooks = await bundles.handler("webhooks", "events");
    const result = await webhooks(await suspendDelivery(), lambdaContext("github-connect-webhooks"));
    expect(result.statusCode, result.body).toBe(200);
    const suspended = await suspendedEvent();
    expect(receiver.received.map((r) => r.webhookId)).toEqual([suspended?.eventId]);

    // An event recorded where no first attempt is made (the reconcile function): the schedule sends it.
    const left = await recordEvent(models, new Date(), {
      type: "connection.unsuspended",
      organizationId: "org_a",
      data: { installationId: 16598467, accountLogin: "Codertocat", accountType: "User" },
    });
    const dispatch = (await bundles.handler("dispatch", "events")) as unknown as ReturnType<
      typeof createDispatchHandler
    >;
    const answer = await dispatch(undefined, {
      ...lambdaContext("github-connect-dispatch"),
      getRemainingTimeInMillis: () => 70_000,
    });
    expect(answer).toEqual({ outcome: "completed", scanned: 1, attempted: 1, delivered: 1, failed: 0, rounds: 1 });
    expect(receiver.received.map((r) => r.webhookId)).toEqual([suspended?.eventId, left]);
    expect(receiver.unverified).toEqual([]);
  });
});
