import { request } from "node:http";
import { expect, test } from "vitest";
import { MAX_WEBHOOK_BODY_BYTES } from "../../../src/webhooks/intake.js";
import { useWebhookServer } from "../../helpers/webhook-suite.js";
import { deliverWebhook, webhookFixture } from "../../helpers/webhooks.js";

// GitHub caps payloads at 25 MB: anything larger is refused with 413 as it streams, and the
// server's memory does not grow with what an unauthenticated client sends.
const ctx = useWebhookServer();
const MB = 1024 * 1024;
/**
 * At most the 25 MB cap held once, with the client's buffers and garbage not yet collected;
 * before the cap a 50 MB body grew the server by 347 MB and 500 MB killed it.
 */
const BOUNDED_GROWTH = 4 * MAX_WEBHOOK_BODY_BYTES;

interface Sent {
  status: number;
  body: string;
  /** Bytes the client managed to write before the server closed the connection. */
  written: number;
  /** The most the process's memory (heap + buffers, client's included: it runs here too) grew while the request ran. */
  peakGrowth: number;
}

const memory = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Streams `total` bytes in 64 KB chunks (chunked, or with a Content-Length when asked), sampling memory meanwhile. */
function stream(baseUrl: string, total: number, options: { declareLength?: boolean } = {}): Promise<Sent> {
  const url = new URL("/api/github/webhooks", baseUrl);
  const chunk = Buffer.alloc(64 * 1024, "a");
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-github-event": "installation",
    "x-github-delivery": "oversized-1",
    "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
  };
  if (options.declareLength) headers["content-length"] = String(total);
  global.gc?.();
  const baseline = memory();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, memory())), 5);
  return new Promise((resolve, reject) => {
    let written = 0;
    let closed = false;
    const req = request(url, { method: "POST", headers, agent: false });
    const finish = (result: Omit<Sent, "written" | "peakGrowth">) => {
      clearInterval(sampler);
      closed = true;
      resolve({ ...result, written, peakGrowth: Math.max(peak, memory()) - baseline });
    };
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => finish({ status: res.statusCode ?? 0, body }));
    });
    // The server hangs up on the rest of the body: that is the point, not a failure.
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (!closed && !["EPIPE", "ECONNRESET"].includes(error.code ?? "")) reject(error);
    });
    // One chunk at a time, each handed to the kernel before the next, as a real sender is held by TCP.
    const pump = (error?: Error | null) => {
      if (closed || error) return;
      if (written >= total) return void req.end();
      written += chunk.length;
      req.write(chunk, pump);
    };
    pump();
  });
}

test("a 30 MB body is refused with 413 once it passes 25 MB, and memory does not grow by it", async () => {
  const sent = await stream(ctx.server.url, 30 * MB);
  expect(sent.status).toBe(413);
  expect(JSON.parse(sent.body)).toEqual({ error: "The body is larger than GitHub's 25 MB webhook payload cap" });
  expect(sent.peakGrowth).toBeLessThan(BOUNDED_GROWTH);
  expect(await ctx.server.models.WebhookDelivery.countDocuments()).toBe(0);
});

test("a 600 MB body is cut off at the cap: the client cannot send it all, memory stays bounded, and the server serves the next delivery", async () => {
  const sent = await stream(ctx.server.url, 600 * MB);
  expect(sent.status).toBe(413);
  expect(sent.written).toBeLessThan(200 * MB);
  expect(sent.peakGrowth).toBeLessThan(BOUNDED_GROWTH);
  const next = await deliverWebhook(ctx.server.url, { event: "installation", payload: webhookFixture("installation.created.organization") });
  expect(next.status).toBe(200);
});

test("a Content-Length over the cap is refused before a byte of body is read", async () => {
  const sent = await stream(ctx.server.url, 600 * MB, { declareLength: true });
  expect(sent.status).toBe(413);
  expect(sent.peakGrowth).toBeLessThan(10 * MB);
  expect(sent.written).toBeLessThan(100 * MB);
});

test("the refusal is logged once, as a warning, without the body", async () => {
  const lines = ctx.server.logs.lines.filter((l) => l.status === 413);
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((l) => l.level === 40 && JSON.stringify(l).length < 500)).toBe(true);
});
