import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, test } from "vitest";
import { GitHubConnect, REMEMBERED_IDS, WebhookVerificationError } from "../../../packages/client/src/index.js";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const SENT_AT = new Date("2026-11-24T12:00:00Z");

const event = (id: string) => ({
  id,
  type: "repo.renamed",
  timestamp: SENT_AT.toISOString(),
  organizationId: "org_a",
  seq: 1,
  data: { githubRepoId: 70001, slug: "web", name: "site", fullName: "acme-corp/site", status: "reachable" },
});

/** A delivery as GitHub Connect sends it, signed by the standardwebhooks package. */
function delivery(id: string, options: { secret?: string; sentAt?: Date; body?: string } = {}) {
  const body = options.body ?? JSON.stringify(event(id));
  const sentAt = options.sentAt ?? SENT_AT;
  const signature = new Webhook(options.secret ?? SECRET).sign(id, sentAt, body);
  return {
    body,
    headers: {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
      "webhook-signature": signature,
    },
  };
}

function receiver(now = SENT_AT) {
  let current = now;
  const client = new GitHubConnect({
    baseUrl: "http://127.0.0.1:9",
    serviceToken: "unused",
    webhookSecret: SECRET,
    now: () => current,
  });
  return {
    events: client.events,
    setNow: (at: Date) => {
      current = at;
    },
  };
}

const refusal = (verify: () => unknown) => {
  try {
    verify();
  } catch (error) {
    return error as WebhookVerificationError;
  }
  throw new Error("expected a refusal");
};

describe("events.verify(): Standard Webhooks, as the standardwebhooks package signs", () => {
  test("a signed delivery gives its event, from a string, a Buffer, or fetch's Headers", () => {
    const { events } = receiver();
    const first = delivery("evt_1");
    expect(events.verify(first.body, first.headers)).toEqual(event("evt_1"));

    const second = delivery("evt_2");
    expect(events.verify(Buffer.from(second.body), new Headers(second.headers))).toEqual(event("evt_2"));
  });

  test("any one of several space-separated signatures may match (a secret being rotated)", () => {
    const { events } = receiver();
    const signed = delivery("evt_rot");
    const old = delivery("evt_rot", { secret: `whsec_${randomBytes(24).toString("base64")}` });
    const headers = {
      ...signed.headers,
      "webhook-signature": `${old.headers["webhook-signature"]} ${signed.headers["webhook-signature"]}`,
    };
    expect(events.verify(signed.body, headers).id).toBe("evt_rot");
  });

  test("a body changed after signing, another secret's signature, or missing headers are refused", () => {
    const { events } = receiver();
    const signed = delivery("evt_3");
    const tampered = refusal(() => events.verify(signed.body.replace("site", "evil"), signed.headers));
    expect(tampered).toBeInstanceOf(WebhookVerificationError);
    expect(tampered.code).toBe("invalid_signature");

    const other = delivery("evt_4", { secret: `whsec_${randomBytes(24).toString("base64")}` });
    expect(refusal(() => events.verify(other.body, other.headers)).code).toBe("invalid_signature");

    const { "webhook-signature": _dropped, ...unsigned } = signed.headers;
    expect(refusal(() => events.verify(signed.body, unsigned)).code).toBe("missing_headers");
  });

  test("a timestamp more than five minutes from now is refused, in either direction; within five minutes it passes", () => {
    const { events } = receiver();
    const late = delivery("evt_late", { sentAt: new Date(SENT_AT.getTime() - 5 * 60_000 - 1000) });
    expect(refusal(() => events.verify(late.body, late.headers)).code).toBe("stale_timestamp");
    const early = delivery("evt_early", { sentAt: new Date(SENT_AT.getTime() + 5 * 60_000 + 1000) });
    expect(refusal(() => events.verify(early.body, early.headers)).code).toBe("stale_timestamp");

    const recent = delivery("evt_recent", { sentAt: new Date(SENT_AT.getTime() - 4 * 60_000) });
    expect(events.verify(recent.body, recent.headers).id).toBe("evt_recent");
  });

  test("the same id a second time is a replay, even re-signed with a fresh timestamp", () => {
    const { events, setNow } = receiver();
    const first = delivery("evt_once");
    events.verify(first.body, first.headers);
    expect(refusal(() => events.verify(first.body, first.headers)).code).toBe("replayed");

    const later = new Date(SENT_AT.getTime() + 60_000);
    setNow(later);
    const again = delivery("evt_once", { sentAt: later });
    expect(refusal(() => events.verify(again.body, again.headers)).code).toBe("replayed");
  });

  test("memory is bounded: past the limit the oldest ids are forgotten, the newest still refused", () => {
    const { events } = receiver();
    for (let n = 0; n <= REMEMBERED_IDS; n++) {
      const d = delivery(`evt_${n}`);
      events.verify(d.body, d.headers);
    }
    const oldest = delivery("evt_0");
    expect(events.verify(oldest.body, oldest.headers).id).toBe("evt_0");
    const newest = delivery(`evt_${REMEMBERED_IDS}`);
    expect(refusal(() => events.verify(newest.body, newest.headers)).code).toBe("replayed");
  });

  test("a client without webhookSecret says so instead of accepting anything", () => {
    const client = new GitHubConnect({ baseUrl: "http://127.0.0.1:9", serviceToken: "unused" });
    const d = delivery("evt_nosecret");
    expect(() => client.events.verify(d.body, d.headers)).toThrow(/webhookSecret/);
  });
});
