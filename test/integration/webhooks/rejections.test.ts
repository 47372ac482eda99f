import { describe, expect, test } from "vitest";
import { deliverWebhook, webhookExamples } from "../../helpers/webhooks.js";
import { useWebhookServer } from "../../helpers/webhook-suite.js";
import { TEST_WEBHOOK_SECRET } from "../../helpers/app-credentials.js";

// Bad input gets a clear error and writes nothing.
const ctx = useWebhookServer();
const created = () => webhookExamples("installation").find((e) => e.action === "created")!;

async function expectNothingWritten() {
  expect(await ctx.server.models.WebhookDelivery.countDocuments()).toBe(0);
  expect(await ctx.server.models.GitHubInstallation.countDocuments()).toBe(0);
  expect(await ctx.server.models.AuditEvent.countDocuments()).toBe(0);
}

describe("signatures", () => {
  test("a delivery signed with the wrong secret gets 400 and writes nothing", async () => {
    const res = await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: created(),
      secret: "not-the-secret",
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain("signature does not match");
    await expectNothingWritten();
    // A refusal, not an incident: logged as a warning with the delivery id, no error line, no payload.
    const lines = ctx.server.logs.lines.filter(
      (l) => l.deliveryId === res.deliveryId || String(l.msg).includes("signature"),
    );
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[40, "webhook refused: signature does not match"]]);
    expect(ctx.server.logs.lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  test("an unsigned delivery gets 400 naming the missing header and writes nothing", async () => {
    const res = await deliverWebhook(ctx.server.url, { event: "installation", payload: created(), secret: null });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: "Required headers missing: x-hub-signature-256" });
    await expectNothingWritten();
  });

  test("a Marketplace delivery signed with the App's secret is refused: the listing has its own", async () => {
    const payload = webhookExamples("marketplace_purchase")[0];
    const res = await deliverWebhook(ctx.server.url, {
      event: "marketplace_purchase",
      payload,
      endpoint: "marketplace",
      secret: TEST_WEBHOOK_SECRET,
    });
    expect(res.status).toBe(400);
    expect(await ctx.server.models.MarketplaceAccount.countDocuments()).toBe(0);
  });

  test("a marketplace_purchase on the App's path is refused with 400, even signed with the App's secret: each path takes its own events", async () => {
    const res = await deliverWebhook(ctx.server.url, {
      event: "marketplace_purchase",
      payload: webhookExamples("marketplace_purchase").find((e) => e.action === "purchased")!,
      endpoint: "app",
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error:
        "X-GitHub-Event marketplace_purchase is not delivered to /api/github/webhooks: GitHub sends it to /api/github/marketplace",
    });
    expect(await ctx.server.models.MarketplaceAccount.countDocuments()).toBe(0);
    await expectNothingWritten();
    const refused = ctx.server.logs.lines.filter((l) => l.deliveryId === res.deliveryId);
    expect(refused.map((l) => [l.level, l.msg, l.event, l.source])).toEqual([
      [40, "webhook refused: the event is not delivered to this path", "marketplace_purchase", "app"],
    ]);
  });

  test("an installation event on the Marketplace path is refused with 400, even signed with the listing's secret", async () => {
    const res = await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: created(),
      endpoint: "marketplace",
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toBe(
      "X-GitHub-Event installation is not delivered to /api/github/marketplace: GitHub sends it to /api/github/webhooks",
    );
    await expectNothingWritten();
  });

  test("a body changed after signing is refused", async () => {
    const body = JSON.stringify(created());
    const { sign } = await import("@octokit/webhooks-methods");
    const signature = await sign(TEST_WEBHOOK_SECRET, body);
    const res = await fetch(`${ctx.server.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "installation",
        "x-github-delivery": "tampered-1",
        "x-hub-signature-256": signature,
      },
      body: body.replace("Codertocat", "Mallory"),
    });
    expect(res.status).toBe(400);
    await expectNothingWritten();
  });
});

describe("malformed payloads", () => {
  test("truncated JSON (signed) gets 400 Invalid JSON and no crash", async () => {
    const body = JSON.stringify(created()).slice(0, 200);
    const res = await deliverWebhook(ctx.server.url, { event: "installation", body, offSchema: "truncated JSON" });
    expect(res.status).toBe(400);
    expect(res.body).toContain("Invalid JSON");
    await expectNothingWritten();
    // The server still serves the next delivery.
    expect((await deliverWebhook(ctx.server.url, { event: "installation", payload: created() })).status).toBe(200);
  });

  test("valid JSON missing the installation id gets 422 with the reason, recorded as failed", async () => {
    const payload = created();
    delete (payload.installation as Record<string, unknown>).id;
    const res = await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload,
      offSchema: "installation.id removed: the 422 case",
    });
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body).error).toBe("MalformedPayloadError: installation.id must be a whole number");
    expect(await ctx.server.models.GitHubInstallation.countDocuments()).toBe(0);
    expect((await ctx.server.models.WebhookDelivery.findOne({ deliveryId: res.deliveryId }))?.toObject()).toMatchObject(
      {
        status: "failed",
        error: "MalformedPayloadError: installation.id must be a whole number",
      },
    );
  });

  test("an unknown price model is refused with its name", async () => {
    const payload = webhookExamples("marketplace_purchase")[0]!;
    (payload.marketplace_purchase as { plan: { price_model: string } }).plan.price_model = "PAY_WHAT_YOU_WANT";
    const res = await deliverWebhook(ctx.server.url, {
      event: "marketplace_purchase",
      payload,
      endpoint: "marketplace",
    });
    expect(res.status).toBe(422);
    expect(res.body).toContain("PAY_WHAT_YOU_WANT");
  });

  test("a non-JSON content type gets 415", async () => {
    const res = await fetch(`${ctx.server.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-github-event": "installation",
        "x-github-delivery": "form-1",
        "x-hub-signature-256": "sha256=00",
      },
      body: "payload=%7B%7D",
    });
    expect(res.status).toBe(415);
    await expectNothingWritten();
  });
});
