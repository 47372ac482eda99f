import { describe, expect, test } from "vitest";
import { callInternalApi, internalApiEnv, SERVICE_TOKEN_NEW, SERVICE_TOKEN_OLD } from "../../helpers/internal-api.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer } from "../../helpers/test-server.js";
import { useTestServer } from "../../helpers/use-test-server.js";

// Behind a trusted proxy (loopback, as the test connects), X-Forwarded-For is the client's
// address: each test speaks from addresses of its own, so their counts do not meet.
const holder = useTestServer((connection) =>
  startTestServer({ connection, config: testConfig({ ...internalApiEnv(), TRUST_PROXY: "loopback" }) }),
);
const server = () => holder.server;
const WRONG_TOKEN = `${SERVICE_TOKEN_OLD.slice(0, -4)}gues`;
const FAILURES_ALLOWED = 20;

const getState = (from: string, token: string | null) =>
  callInternalApi(server().url, "GET", "/api/internal/orgs/org_throttle/github", {
    token,
    headers: { "x-forwarded-for": from },
  });

async function failTimes(from: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await getState(from, WRONG_TOKEN)).status);
  return statuses;
}

describe("failed service tokens are limited per client address", () => {
  test("past twenty wrong tokens an address gets 429 with Retry-After in the API's error shape, logged once and never the token", async () => {
    const before = server().logs.lines.length;
    expect(await failTimes("203.0.113.7", FAILURES_ALLOWED)).toEqual(Array(FAILURES_ALLOWED).fill(401));

    const held = [await getState("203.0.113.7", WRONG_TOKEN), await getState("203.0.113.7", null)];
    for (const answer of held) {
      expect(answer.status).toBe(429);
      expect(answer.body).toEqual({
        error: "too_many_attempts",
        message:
          "Too many requests from this address presented no valid service token: wait the seconds Retry-After says, then try again with one of INTERNAL_API_TOKENS.",
      });
      const retryAfter = Number(answer.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(answer.headers.get("cache-control")).toBe("no-store");
    }
    const throttled = server()
      .logs.lines.slice(before)
      .filter((line) => line.msg === "internal API: too many failed service tokens from one address");
    expect(throttled.map((line) => [line.clientAddress, line.failures, line.level])).toEqual([
      ["203.0.113.7", FAILURES_ALLOWED, 40],
    ]);
    expect(server().logs.text()).not.toContain(WRONG_TOKEN);
  });

  test("services presenting a right token are never counted, and another address's failures do not hold them back", async () => {
    for (let i = 0; i < FAILURES_ALLOWED + 5; i++) {
      const token = i % 2 === 0 ? SERVICE_TOKEN_OLD : SERVICE_TOKEN_NEW;
      expect((await getState("198.51.100.20", token)).status).toBe(200);
    }
    await failTimes("198.51.100.21", FAILURES_ALLOWED + 1);
    expect((await getState("198.51.100.21", WRONG_TOKEN)).status).toBe(429);

    expect((await getState("198.51.100.20", SERVICE_TOKEN_OLD)).status).toBe(200);
    expect((await getState("198.51.100.20", WRONG_TOKEN)).status).toBe(401);
  });

  test("while an address is held back even a right token from it waits, so the 429 does not answer each guess", async () => {
    await failTimes("192.0.2.30", FAILURES_ALLOWED);
    const answer = await getState("192.0.2.30", SERVICE_TOKEN_OLD);
    expect(answer.status).toBe(429);
    expect(answer.body.error).toBe("too_many_attempts");
  });

  test("the hold ends when Retry-After is up", async () => {
    await failTimes("192.0.2.40", FAILURES_ALLOWED);
    const held = await getState("192.0.2.40", WRONG_TOKEN);
    expect(held.status).toBe(429);
    const retryAfter = Number(held.headers.get("retry-after"));

    server().setNow(new Date(Date.parse("2026-11-24T12:00:00Z") + (retryAfter + 1) * 1000));
    expect((await getState("192.0.2.40", WRONG_TOKEN)).status).toBe(401);
    expect((await getState("192.0.2.40", SERVICE_TOKEN_OLD)).status).toBe(200);
  });
});
