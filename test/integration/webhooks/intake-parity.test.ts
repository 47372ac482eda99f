import { createHmac } from "node:crypto";
import { inject } from "vitest";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createWebhooksHandler } from "../../../src/lambda/webhooks.js";
import { disconnectAll } from "../../../src/db/connect.js";
import { TEST_MARKETPLACE_SECRET, TEST_WEBHOOK_SECRET } from "../../helpers/app-credentials.js";
import { testDatabaseName, withDatabaseName } from "../../helpers/database.js";
import { stored } from "../../helpers/documents.js";
import { httpApiEvent, lambdaContext, lambdaEnv } from "../../helpers/lambda.js";
import { useWebhookServer } from "../../helpers/webhook-suite.js";
import { webhookExamples, webhookFixture } from "../../helpers/webhooks.js";

// One table of deliveries, answered the same by the Node server and the Lambda function
// (both adapters over src/webhooks/intake.ts), on the same database.
const ctx = useWebhookServer();
let lambda: ReturnType<typeof createWebhooksHandler>;
beforeAll(() => {
  lambda = createWebhooksHandler({
    // Lambda applies production's rules (https BASE_URL, WorkOS, STATE_SECRET): the same env its own tests use.
    env: lambdaEnv({ MONGODB_URI: withDatabaseName(inject("mongoUri"), testDatabaseName()) }),
  });
});
afterAll(() => disconnectAll());

interface RawDelivery {
  method?: string;
  /** The webhook path; the App's unless said. */
  path?: string;
  headers: Record<string, string>;
  body: string;
}

const sha256 = (body: string, secret = TEST_WEBHOOK_SECRET) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
let sequence = 0;

/** A delivery as GitHub sends it, signed with SHA-256 unless a header says otherwise. */
function delivery(payload: unknown, overrides: Record<string, string> = {}, raw?: string): RawDelivery {
  const body = raw ?? JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "installation",
      "x-github-delivery": `parity-${++sequence}`,
      "x-hub-signature-256": sha256(body),
      ...overrides,
    },
  };
}

const APP_PATH = "/api/github/webhooks";
const MARKETPLACE_PATH = "/api/github/marketplace";

/** A delivery to the Marketplace listing's path, signed with the listing's secret. */
function listingDelivery(event: string, payload: unknown): RawDelivery {
  const sent = delivery(payload, { "x-github-event": event });
  return {
    ...sent,
    path: MARKETPLACE_PATH,
    headers: { ...sent.headers, "x-hub-signature-256": sha256(sent.body, TEST_MARKETPLACE_SECRET) },
  };
}

type Answer = { status: number; body: { error?: string; ok?: boolean } };

const adapters: Record<string, (d: RawDelivery) => Promise<Answer>> = {
  node: async (d) => {
    const res = await fetch(`${ctx.server.url}${d.path ?? APP_PATH}`, {
      method: d.method ?? "POST",
      headers: d.headers,
      body: d.method === "GET" ? undefined : d.body,
    });
    return { status: res.status, body: (await res.json()) as Answer["body"] };
  },
  lambda: async (d) => {
    const event = httpApiEvent("2.0", {
      method: d.method ?? "POST",
      path: d.path ?? APP_PATH,
      headers: d.headers,
      body: d.body,
    });
    const result = await lambda(event, lambdaContext("github-connect-webhooks"));
    return { status: result.statusCode, body: JSON.parse(result.body) as Answer["body"] };
  },
};

const created = () => webhookFixture("installation.created.organization");
const withAction = (action: unknown) => ({ ...created(), action });
const sha1 = (body: string) => `sha1=${createHmac("sha1", TEST_WEBHOOK_SECRET).update(body).digest("hex")}`;
const createdBody = JSON.stringify(created());
const purchased = () => webhookExamples("marketplace_purchase").find((e) => e.action === "purchased")!;
const ping = () => webhookExamples("ping")[0]!;

const cases: Array<{ name: string; delivery: () => RawDelivery; status: number; error?: string | RegExp }> = [
  { name: "a signed delivery is applied", delivery: () => delivery(created()), status: 200 },
  {
    name: "a wrong secret",
    delivery: () => delivery(created(), { "x-hub-signature-256": sha256(createdBody, "not-the-secret") }),
    status: 400,
    error: /signature does not match/,
  },
  {
    name: "an HMAC-SHA1 signature under the sha1= prefix",
    delivery: () => delivery(created(), { "x-hub-signature-256": sha1(createdBody) }),
    status: 400,
    error: "X-Hub-Signature-256 must be sha256= followed by 64 hex digits",
  },
  {
    name: "a short sha256 signature",
    delivery: () => delivery(created(), { "x-hub-signature-256": "sha256=00" }),
    status: 400,
    error: "X-Hub-Signature-256 must be sha256= followed by 64 hex digits",
  },
  {
    name: "an 8 KB delivery id",
    delivery: () => delivery(created(), { "x-github-delivery": "a".repeat(8192) }),
    status: 400,
    error: "X-GitHub-Delivery must be 1 to 64 letters, digits or dashes",
  },
  {
    name: "a delivery id with markup",
    delivery: () => delivery(created(), { "x-github-delivery": "<script>alert(1)</script>" }),
    status: 400,
    error: "X-GitHub-Delivery must be 1 to 64 letters, digits or dashes",
  },
  {
    name: "a non-JSON content type",
    delivery: () => delivery(created(), { "content-type": "application/x-www-form-urlencoded" }),
    status: 415,
    error: /Must be "application\/json"/,
  },
  { name: "a GET", delivery: () => ({ ...delivery(created()), method: "GET" }), status: 405 },
  {
    name: "truncated JSON",
    delivery: () => delivery(undefined, {}, createdBody.slice(0, 100)),
    status: 400,
    error: "Invalid JSON",
  },
  {
    name: 'a signed string body "hello"',
    delivery: () => delivery("hello"),
    status: 422,
    error: "MalformedPayloadError: the payload must be a JSON object",
  },
  {
    name: "a signed number body 123",
    delivery: () => delivery(123),
    status: 422,
    error: "MalformedPayloadError: the payload must be a JSON object",
  },
  {
    name: "a signed array body",
    delivery: () => delivery([created()]),
    status: 422,
    error: "MalformedPayloadError: the payload must be a JSON object",
  },
  {
    name: 'an action ["created"]',
    delivery: () => delivery(withAction(["created"])),
    status: 422,
    error: "MalformedPayloadError: payload.action must be a string",
  },
  { name: 'action "constructor"', delivery: () => delivery(withAction("constructor")), status: 200 },
  { name: 'action "__proto__"', delivery: () => delivery(withAction("__proto__")), status: 200 },
  { name: 'action "valueOf"', delivery: () => delivery(withAction("valueOf")), status: 200 },
  {
    name: 'event "constructor"',
    delivery: () => delivery(created(), { "x-github-event": "constructor" }),
    status: 200,
  },
  {
    name: "a marketplace_purchase on the App's path, signed with the App's secret",
    delivery: () => delivery(purchased(), { "x-github-event": "marketplace_purchase" }),
    status: 400,
    error:
      "X-GitHub-Event marketplace_purchase is not delivered to /api/github/webhooks: GitHub sends it to /api/github/marketplace",
  },
  {
    name: "an installation event on the Marketplace path, signed with the listing's secret",
    delivery: () => listingDelivery("installation", created()),
    status: 400,
    error:
      "X-GitHub-Event installation is not delivered to /api/github/marketplace: GitHub sends it to /api/github/webhooks",
  },
  { name: "a ping on the Marketplace path", delivery: () => listingDelivery("ping", ping()), status: 200 },
  { name: "a ping on the App's path", delivery: () => delivery(ping(), { "x-github-event": "ping" }), status: 200 },
];

describe.each(Object.keys(adapters))("the %s webhook endpoint", (adapter) => {
  test.each(cases)("$name → $status", async ({ delivery: make, status, error }) => {
    const sent = make();
    const answer = await adapters[adapter]!(sent);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    if (status === 200) expect(answer.body).toEqual({ ok: true });
    if (typeof error === "string") expect(answer.body.error).toBe(error);
    else if (error) expect(answer.body.error).toMatch(error);
    const record = await ctx.server.models.WebhookDelivery.findOne({
      deliveryId: sent.headers["x-github-delivery"],
    }).lean();
    if (status >= 400 && status !== 422) expect(record).toBeNull();
  });

  test("an action named after Object's prototype is acknowledged and ignored, not run", async () => {
    for (const action of ["constructor", "__proto__", "valueOf", "toString", "hasOwnProperty"]) {
      const sent = delivery(withAction(action));
      expect((await adapters[adapter]!(sent)).status).toBe(200);
      expect(
        await stored(ctx.server.models.WebhookDelivery, { deliveryId: sent.headers["x-github-delivery"] }),
      ).toMatchObject({ status: "ignored", action });
    }
    const log = ctx.server.logs.lines.filter((l) => l.msg === "webhook handled").map((l) => l.outcome);
    expect(log.every((outcome) => typeof outcome === "string")).toBe(true);
  });

  test("a signed body replayed under a new X-GitHub-Delivery is acknowledged and not applied again", async () => {
    const first = delivery(created());
    const replay = { ...first, headers: { ...first.headers, "x-github-delivery": `replay-${++sequence}` } };
    expect((await adapters[adapter]!(first)).status).toBe(200);
    const answer = await adapters[adapter]!(replay);
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    expect(await ctx.server.models.AuditEvent.countDocuments({ action: "installation.created" })).toBe(1);
  });

  test("permission keys with '.' or '$' are not stored, the rest are, and the delivery succeeds", async () => {
    await ctx.server.models.GitHubInstallation.deleteMany({});
    const payload = created();
    (payload.installation as { permissions: Record<string, string> }).permissions = {
      administration: "write",
      "a.b": "read",
      $where: "write",
      __proto__x: "read",
      metadata: "read",
    };
    const answer = await adapters[adapter]!(delivery(payload));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const installation = await stored(ctx.server.models.GitHubInstallation, { installationId: 43110412 });
    expect(installation?.permissions).toEqual({ administration: "write", metadata: "read" });
  });
});

test("an 8 KB delivery id is logged truncated, never whole", async () => {
  const id = "a".repeat(8192);
  for (const adapter of Object.values(adapters))
    expect((await adapter(delivery(created(), { "x-github-delivery": id }))).status).toBe(400);
  const logged = ctx.server.logs.lines.filter((l) => String(l.deliveryId ?? "").startsWith("aaaa"));
  expect(logged.length).toBeGreaterThan(0);
  expect(logged.every((l) => JSON.stringify(l).length < 400)).toBe(true);
});

test("the Lambda function refuses a body over 25 MB with 413 (API Gateway caps lower; the intake does not rely on it)", async () => {
  const body = JSON.stringify({ ...created(), padding: "x".repeat(26 * 1024 * 1024) });
  const event = httpApiEvent("2.0", {
    method: "POST",
    path: "/api/github/webhooks",
    headers: delivery(undefined, {}, body).headers,
    body,
  });
  const result = await lambda(event, lambdaContext("github-connect-webhooks"));
  expect(result.statusCode).toBe(413);
  expect(JSON.parse(result.body)).toEqual({ error: "The body is larger than GitHub's 25 MB webhook payload cap" });
});
