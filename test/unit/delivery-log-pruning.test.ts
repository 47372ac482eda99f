import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { Models } from "../../src/models/index.js";
import { DELIVERY_RETENTION_MS } from "../../src/models/webhook-delivery.js";
import { startDeliveryLogPruning } from "../../src/webhooks/delivery-log-retention.js";
import { captureLogger } from "../helpers/test-logger.js";

const HOUR = 60 * 60 * 1000;
const START = new Date("2026-11-24T12:00:00Z");

/** The delivery log's one call: deleteMany by receivedAt, answered by `answer` (a count, or an error to throw). */
function deliveryLog(answers: (number | Error)[]) {
  const cutoffs: Date[] = [];
  const deleteMany = vi.fn(async (filter: { receivedAt: { $lt: Date } }) => {
    cutoffs.push(filter.receivedAt.$lt);
    const answer = answers.shift() ?? 0;
    if (answer instanceof Error) throw answer;
    return { deletedCount: answer };
  });
  const bodies = { deleteMany: async () => ({ deletedCount: 0 }) };
  return {
    models: { WebhookDelivery: { deleteMany }, WebhookBody: bodies } as unknown as Pick<
      Models,
      "WebhookDelivery" | "WebhookBody"
    >,
    cutoffs,
  };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
  vi.setSystemTime(START);
});
afterEach(() => vi.useRealTimers());

describe("the delivery log is pruned on a schedule while the server stays up", () => {
  test("every interval, with the clock's time then; a failure is logged and the next one prunes again", async () => {
    const { models, cutoffs } = deliveryLog([2, new Error("database unreachable"), 1]);
    const logs = captureLogger();
    const pruning = startDeliveryLogPruning({ models, now: () => new Date(), log: logs.log, intervalMs: HOUR });
    expect(cutoffs).toEqual([]);

    await vi.advanceTimersByTimeAsync(HOUR);
    await vi.advanceTimersByTimeAsync(HOUR);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(cutoffs.map((cutoff) => cutoff.getTime())).toEqual(
      [1, 2, 3].map((hours) => START.getTime() + hours * HOUR - DELIVERY_RETENTION_MS),
    );
    expect(logs.lines.filter((line) => line.msg === "delivery log pruned").map((line) => line.deleted)).toEqual([2, 1]);
    expect(logs.lines.find((line) => line.level === 40)?.msg).toMatch(/^delivery log not pruned; /);

    await pruning.stop();
    await vi.advanceTimersByTimeAsync(5 * HOUR);
    expect(cutoffs).toHaveLength(3);
  });

  test("hourly by default, and stop() waits for a prune under way", async () => {
    let finish: (value: { deletedCount: number }) => void = () => {};
    const deleteMany = vi.fn(() => new Promise<{ deletedCount: number }>((resolve) => (finish = resolve)));
    const bodies = { deleteMany: async () => ({ deletedCount: 0 }) };
    const models = { WebhookDelivery: { deleteMany }, WebhookBody: bodies } as unknown as Pick<
      Models,
      "WebhookDelivery" | "WebhookBody"
    >;
    const pruning = startDeliveryLogPruning({ models, now: () => new Date(), log: captureLogger().log });
    await vi.advanceTimersByTimeAsync(HOUR - 1);
    expect(deleteMany).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(deleteMany).toHaveBeenCalledTimes(1);
    // A slow prune is not started twice.
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(deleteMany).toHaveBeenCalledTimes(1);

    let stopped = false;
    const stopping = pruning.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish({ deletedCount: 0 });
    await stopping;
    expect(stopped).toBe(true);
  });
});
