import { describe, expect, test } from "vitest";
import { useTestServer } from "../../helpers/use-test-server.js";

const ctx = useTestServer();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Asks for a page that does not exist (its access line says why, with the request's id) sending `requestId`. */
async function requestWithId(requestId: string | undefined) {
  const path = `/no-such-page-${Math.random().toString(36).slice(2)}`;
  const response = await fetch(`${ctx.server.url}${path}`, {
    headers: requestId === undefined ? {} : { "x-request-id": requestId },
  });
  const logged = ctx.server.logs.lines
    .filter((line) => (line.req as { url?: string } | undefined)?.url === path)
    .map((line) => line.requestId);
  expect(logged.length).toBeGreaterThan(0);
  return { answered: response.headers.get("x-request-id"), logged };
}

describe("x-request-id", () => {
  test("a well-formed id from the client is echoed and names every log line of the request", async () => {
    const { answered, logged } = await requestWithId("lb-7f3a9c-0001");
    expect(answered).toBe("lb-7f3a9c-0001");
    expect(logged).toEqual(logged.map(() => "lb-7f3a9c-0001"));
  });

  test.each([
    ["markup", "<script>alert(1)</script>"],
    ["8 KB", "a".repeat(8 * 1024)],
    ["65 characters", "a".repeat(65)],
    ["spaces and quotes", 'id" level="fatal'],
    ["empty", ""],
  ])(
    "an id that is not [A-Za-z0-9-]{1,64} (%s) is replaced by a generated one, never echoed or logged",
    async (_name, sent) => {
      const { answered, logged } = await requestWithId(sent);
      expect(answered).toMatch(UUID);
      expect(logged).toEqual(logged.map(() => answered));
      if (sent !== "") expect(ctx.server.logs.text()).not.toContain(sent);
    },
  );

  test("a request without one gets a generated id", async () => {
    const { answered, logged } = await requestWithId(undefined);
    expect(answered).toMatch(UUID);
    expect(logged).toEqual([answered]);
  });
});
