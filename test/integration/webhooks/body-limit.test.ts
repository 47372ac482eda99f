import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { MAX_WEBHOOK_BODY_BYTES } from "../../../src/webhooks/intake.js";
import { useWebhookServer } from "../../helpers/webhook-suite.js";
import { deliverWebhook, webhookFixture } from "../../helpers/webhooks.js";

// GitHub caps payloads at 25 MB: anything larger is refused with 413 as it streams, and the
// server's memory does not grow with what an unauthenticated client sends.
const ctx = useWebhookServer();
const run = promisify(execFile);
const MB = 1024 * 1024;
/**
 * At most the 25 MB cap held once, with garbage not yet collected;
 * before the cap a 50 MB body grew the server by 347 MB and 500 MB killed it.
 */
const BOUNDED_GROWTH = 4 * MAX_WEBHOOK_BODY_BYTES;

interface Sent {
  status: number;
  body: string;
  /** Bytes the client managed to write before the server closed the connection. */
  written: number;
  /** The most this process's memory (heap + buffers) grew while the server took the request. */
  peakGrowth: number;
}

const memory = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const SENDER = fileURLToPath(new URL("../../fixtures/clients/stream-body.mjs", import.meta.url));

/** Streams `total` bytes from a separate process (chunked, or with a Content-Length), sampling the server's memory meanwhile. */
async function stream(baseUrl: string, total: number, options: { declareLength?: boolean } = {}): Promise<Sent> {
  global.gc?.();
  const baseline = memory();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, memory())), 5);
  try {
    const args = [
      SENDER,
      `${baseUrl}/api/github/webhooks`,
      String(total),
      options.declareLength ? "declare" : "chunked",
    ];
    const { stdout } = await run(process.execPath, args, { timeout: 15_000 });
    const sent = JSON.parse(stdout) as Omit<Sent, "peakGrowth">;
    return { ...sent, peakGrowth: Math.max(peak, memory()) - baseline };
  } finally {
    clearInterval(sampler);
  }
}

test("a 30 MB body is refused with 413 once it passes 25 MB, and memory does not grow by it", async () => {
  const sent = await stream(ctx.server.url, 30 * MB);
  expect(sent.status).toBe(413);
  expect(JSON.parse(sent.body), JSON.stringify(sent)).toEqual({
    error: "The body is larger than GitHub's 25 MB webhook payload cap",
  });
  expect(sent.peakGrowth).toBeLessThan(BOUNDED_GROWTH);
  expect(await ctx.server.models.WebhookDelivery.countDocuments()).toBe(0);
});

test("a 600 MB body is cut off at the cap: the client cannot send it all, memory stays bounded, and the server serves the next delivery", async () => {
  const sent = await stream(ctx.server.url, 600 * MB);
  expect(sent.status).toBe(413);
  expect(sent.written).toBeLessThan(200 * MB);
  expect(sent.peakGrowth).toBeLessThan(BOUNDED_GROWTH);
  const next = await deliverWebhook(ctx.server.url, {
    event: "installation",
    payload: webhookFixture("installation.created.organization"),
  });
  expect(next.status).toBe(200);
});

test("a Content-Length over the cap is refused before a byte of body is read", async () => {
  const sent = await stream(ctx.server.url, 600 * MB, { declareLength: true });
  expect(sent.status, JSON.stringify(sent)).toBe(413);
  expect(sent.peakGrowth).toBeLessThan(10 * MB);
  expect(sent.written).toBeLessThan(100 * MB);
});

test("the refusal is logged once, as a warning, without the body", async () => {
  const lines = ctx.server.logs.lines.filter((l) => l.status === 413);
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((l) => l.level === 40 && JSON.stringify(l).length < 500)).toBe(true);
});
