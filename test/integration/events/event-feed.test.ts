import type { Connection } from "mongoose";
import { describe, expect, test } from "vitest";
import { newEventId, recordEvent } from "../../../src/events/event-log.js";
import { callInternalApi, internalApiEnv } from "../../helpers/internal-api.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer } from "../../helpers/test-server.js";
import { useTestServer } from "../../helpers/use-test-server.js";

// GET /api/internal/events: the pull feed, oldest first, by an opaque cursor.
let connection: Connection;
const holder = useTestServer(
  (opened) => {
    connection = opened;
    return startTestServer({ connection, config: testConfig(internalApiEnv()) });
  },
  { emptyBetweenTests: true },
);
const models = () => holder.server.models;
const AT = new Date("2026-12-04T10:00:00Z");

const feed = (query: string, token?: string | null) =>
  callInternalApi(holder.server.url, "GET", `/api/internal/events${query}`, { token });

interface Page {
  events: Array<{ id: string; organizationId: string; seq: number; type: string }>;
  next: string | null;
}

/**
 * Stores `count` events as recordEvent leaves them (one insert, not one recordEvent each: a thousand
 * of those take longer than a test may on FerretDB), alternating between org_a and org_b with one
 * unclaimed every tenth; returns the ids in order.
 */
async function recordMany(count: number): Promise<Array<{ id: string; organizationId: string | null }>> {
  const seqs = new Map<string | null, number>();
  const docs = Array.from({ length: count }, (_, i) => {
    const organizationId = i % 10 === 9 ? null : i % 2 === 0 ? "org_a" : "org_b";
    const seq = (seqs.get(organizationId) ?? 0) + 1;
    seqs.set(organizationId, seq);
    return {
      eventId: newEventId(),
      type: "connection.suspended",
      timestamp: AT,
      organizationId,
      seq,
      data: { installationId: i, accountLogin: "acme-corp", accountType: "Organization" },
    };
  });
  await models().Event.insertMany(docs);
  return docs.map((doc) => ({ id: doc.eventId, organizationId: doc.organizationId }));
}

async function readAll(query: string, limit: number): Promise<{ ids: string[]; pages: number; last: Page }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const answer = await feed(`?limit=${limit}${query}${after ? `&after=${after}` : ""}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const page = answer.body as unknown as Page;
    pages++;
    expect(page.events.length).toBeLessThanOrEqual(limit);
    ids.push(...page.events.map((event) => event.id));
    if (page.events.length === 0) return { ids, pages, last: page };
    after = page.next;
  }
}

describe("GET /api/internal/events", () => {
  test("1,000 events read in pages of 97: every event of an organization once, in order, none without an organization", async () => {
    const recorded = await recordMany(1000);
    const { ids, pages, last } = await readAll("", 97);
    const served = recorded.filter((event) => event.organizationId !== null).map((event) => event.id);
    expect(served).toHaveLength(900);
    expect(ids).toEqual(served);
    expect(new Set(ids).size).toBe(900);
    expect(pages).toBe(11);
    // Nothing newer: the last cursor stays valid, to ask again later.
    expect(last.next).toMatch(/^[A-Za-z0-9_-]{16}$/);

    // A later event is found from that cursor.
    const later = await recordEvent(models(), AT, {
      type: "connection.unsuspended",
      organizationId: "org_b",
      data: { installationId: 1, accountLogin: "acme-corp", accountType: "Organization" },
    });
    const next = await feed(`?after=${last.next}`);
    expect((next.body as unknown as Page).events.map((event) => event.id)).toEqual([later]);
  });

  test("organizationId: that organization's events only, with its sequence numbers 1, 2, 3…", async () => {
    const recorded = await recordMany(60);
    const { ids } = await readAll("&organizationId=org_a", 7);
    expect(ids).toEqual(recorded.filter((event) => event.organizationId === "org_a").map((event) => event.id));
    const page = (await feed("?organizationId=org_a&limit=500")).body as unknown as Page;
    expect(page.events.map((event) => event.seq)).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    expect(page.events.every((event) => event.organizationId === "org_a")).toBe(true);
  });

  test("an event as served: its stable id, type, timestamp, organization, seq and data", async () => {
    const id = await recordEvent(models(), AT, {
      type: "connection.linked",
      organizationId: "org_a",
      data: { installationId: 5, accountLogin: "acme-corp", accountType: "Organization", via: "oauth" },
    });
    const answer = await feed("");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.body).toEqual({
      events: [
        {
          id,
          type: "connection.linked",
          timestamp: "2026-12-04T10:00:00.000Z",
          organizationId: "org_a",
          seq: 1,
          data: { installationId: 5, accountLogin: "acme-corp", accountType: "Organization", via: "oauth" },
        },
      ],
      next: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
    });
    expect(id).toMatch(/^evt_[0-9a-f]{32}$/);
    // The same id on every read.
    expect(((await feed("")).body as unknown as Page).events[0]?.id).toBe(id);
  });

  test("no events yet: an empty page and no cursor", async () => {
    expect((await feed("")).body).toEqual({ events: [], next: null });
  });

  test("limit: 1 to 500, else 400 invalid_limit", async () => {
    await recordMany(3);
    expect(((await feed("?limit=1")).body as unknown as Page).events).toHaveLength(1);
    expect((await feed("?limit=500")).status).toBe(200);
    for (const limit of ["0", "501", "-1", "abc", "1.5", ""]) {
      const answer = await feed(`?limit=${limit}`);
      expect(answer.status, limit).toBe(400);
      expect(answer.body).toMatchObject({ error: "invalid_limit" });
    }
  });

  test("a cursor the feed did not give: 400 invalid_cursor", async () => {
    for (const after of ["nope", "", "AAAAAAAAAAAAAAAAAAAAAAAA", "%00%01", "ZS7xAAECAwQFBgc*"]) {
      const answer = await feed(`?after=${after}`);
      expect(answer.status, after).toBe(400);
      expect(answer.body).toMatchObject({ error: "invalid_cursor" });
    }
    expect((await feed("?after=a&after=b")).status).toBe(400);
  });

  test("a bad organization id: 400 invalid_organization_id", async () => {
    const answer = await feed("?organizationId=not%20an%20id");
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_organization_id" });
  });

  test("the service token is required: 401 without it or with a wrong one", async () => {
    await recordMany(2);
    expect((await feed("", null)).status).toBe(401);
    expect((await feed("", "svc-wrong-0123456789abcdef0123456789abcdef")).status).toBe(401);
  });
});

describe("recordEvent", () => {
  test("30 writers of one organization at once: sequence numbers 1 to 30, each once", async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        recordEvent(models(), AT, {
          type: "connection.suspended",
          organizationId: "org_race",
          data: { installationId: i, accountLogin: "acme-corp", accountType: "Organization" },
        }),
      ),
    );
    const seqs = (await models().Event.find({ organizationId: "org_race" }).lean()).map((event) => event.seq);
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });
});
