import { readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { formatSchemaErrors, validateWebhook, webhookSchemaName } from "../helpers/contract/webhook-schemas.js";
import { LISTING, purchaseWebhook, type PurchaseAction, type PurchaseWebhookSpec } from "../helpers/marketplace.js";
import { ROUND_TRIP_SCENARIOS } from "../helpers/round-trips.js";
import {
  checkDeliverySchema,
  UPSTREAM_EXAMPLE_GAPS,
  upstreamExampleGap,
  WEBHOOK_FIXTURES,
  webhookExamples,
  webhookFixture,
  type WebhookFixtureName,
} from "../helpers/webhooks.js";

// Every payload the tests deliver must be one GitHub could send: the shape in @octokit/webhooks-schemas
// for its event and action. A test of a made-up shape proves nothing about the App.
const FIXTURE_DIR = new URL("../fixtures/webhooks/", import.meta.url);

function expectConforms(event: string, payload: unknown) {
  const errors = validateWebhook(event, payload);
  expect(errors, formatSchemaErrors(errors)).toEqual([]);
}

/** The event and action a fixture's file name says: <event>.<action>[.<variant>]; throws if the schemas know no such pair. */
function fixtureSchema(name: string): { event: string; action: string } {
  const [event = "", action = ""] = name.split(".");
  if (!webhookSchemaName(event, action))
    throw new Error(`${name}.json: "${event}.${action}" is no event and action of @octokit/webhooks-schemas`);
  return { event, action };
}

describe("test/fixtures/webhooks", () => {
  test("WEBHOOK_FIXTURES names exactly the files in the directory", () => {
    const files = readdirSync(FIXTURE_DIR).sort();
    expect(files).toEqual(WEBHOOK_FIXTURES.map((name) => `${name}.json`).sort());
  });

  test("a file name the schemas cannot map is refused", () => {
    expect(() => fixtureSchema("installation.transmogrified")).toThrow(
      '"installation.transmogrified" is no event and action',
    );
    expect(() => fixtureSchema("installations.created")).toThrow("is no event and action");
  });

  for (const name of WEBHOOK_FIXTURES) {
    test(`${name}.json is GitHub's ${name.split(".").slice(0, 2).join(".")} shape`, () => {
      const { event, action } = fixtureSchema(name);
      const payload = webhookFixture(name);
      expect(payload.action).toBe(action);
      expectConforms(event, payload);
    });
  }
});

describe("the validator", () => {
  test("a fixture without a required field is rejected, naming the field", () => {
    const payload = webhookFixture("installation.created.organization");
    delete (payload.installation as { account: Record<string, unknown> }).account.login;
    delete payload.sender;
    const paths = validateWebhook("installation", payload).map((e) => e.instancePath);
    expect(paths).toContain("/installation/account/login");
    expect(paths).toContain("/sender");
  });

  test("a field of the wrong type is rejected at its path", () => {
    const payload = webhookFixture("marketplace_purchase.pending_change");
    (payload.marketplace_purchase as { unit_count: unknown }).unit_count = "1";
    expect(validateWebhook("marketplace_purchase", payload)).toContainEqual({
      instancePath: "/marketplace_purchase/unit_count",
      message: "must be integer",
    });
  });

  test("an event and action the schemas do not describe is rejected", () => {
    expect(validateWebhook("installation", { action: "transmogrified" })).toEqual([
      {
        instancePath: "/action",
        message: '@octokit/webhooks-schemas describes no "installation" payload with action "transmogrified"',
      },
    ]);
  });
});

describe("the payloads the test helpers build", () => {
  for (const scenario of ROUND_TRIP_SCENARIOS) {
    test(`round trip ${scenario.name}`, () => {
      const delivery = scenario.delivery();
      expectConforms(delivery.event, delivery.payload);
    });
  }

  const account = { id: 6811672, login: "octo-org" };
  const actions: PurchaseAction[] = ["purchased", "changed", "cancelled", "pending_change", "pending_change_cancelled"];
  const specs: Array<[string, (action: PurchaseAction) => PurchaseWebhookSpec]> = [
    ["defaults", (action) => ({ action, effectiveDate: "2026-11-21T10:00:00+00:00", account, plan: LISTING.team })],
    [
      "a previous plan",
      (action) => ({
        action,
        effectiveDate: "2026-11-21T10:00:00+00:00",
        account,
        plan: LISTING.team,
        previous: { plan: LISTING.starter },
      }),
    ],
    [
      "a per-unit plan on a free trial, yearly, no next billing date",
      (action) => ({
        action,
        effectiveDate: "2026-11-21T10:00:00+00:00",
        account: { ...account, type: "User" },
        plan: LISTING.organization,
        unitCount: 4,
        billingCycle: "yearly",
        onFreeTrial: true,
        freeTrialEndsOn: "2026-12-05T00:00:00+00:00",
        nextBillingDate: "2027-11-21T00:00:00+00:00",
        previous: { plan: LISTING.free, unitCount: null },
      }),
    ],
    ["a free plan", (action) => ({ action, effectiveDate: "2026-11-21T10:00:00+00:00", account, plan: LISTING.free })],
    [
      "a plan the catalogue does not know",
      (action) => ({ action, effectiveDate: "2026-11-21T10:00:00+00:00", account, plan: LISTING.unknown }),
    ],
  ];
  for (const [label, spec] of specs) {
    for (const action of actions) {
      test(`purchaseWebhook ${action}, ${label}`, () =>
        expectConforms("marketplace_purchase", purchaseWebhook(spec(action))));
    }
  }

  test("purchaseWebhook with no next billing date is not a webhook GitHub sends (the REST purchase can have none)", () => {
    const payload = purchaseWebhook({
      action: "purchased",
      effectiveDate: "2026-11-21T10:00:00+00:00",
      account,
      plan: LISTING.team,
      nextBillingDate: null,
    });
    expect(validateWebhook("marketplace_purchase", payload)).toEqual([
      { instancePath: "/marketplace_purchase/next_billing_date", message: "must be string" },
    ]);
  });
});

describe("deliveries are checked before they are signed", () => {
  const created = () => webhookFixture("installation.created.organization");

  test("a payload off the schema is refused, naming the field", () => {
    const payload = created();
    delete payload.sender;
    expect(() => checkDeliverySchema({ event: "installation", payload }, JSON.stringify(payload))).toThrow(
      /not a payload GitHub sends[\s\S]*\n\/sender must have required property 'sender'/,
    );
  });

  test("a body that is not JSON needs offSchema", () => {
    const body = JSON.stringify(created()).slice(0, 200);
    expect(() => checkDeliverySchema({ event: "installation", body }, body)).toThrow("/ the body is not JSON");
    expect(() => checkDeliverySchema({ event: "installation", body, offSchema: "truncated JSON" }, body)).not.toThrow();
  });

  test("offSchema on a payload that conforms is refused, so no opt-out outlives its reason", () => {
    const payload = created();
    expect(() =>
      checkDeliverySchema({ event: "installation", payload, offSchema: "stale" }, JSON.stringify(payload)),
    ).toThrow("drop offSchema");
  });
});

describe("@octokit/webhooks-examples for the handled events", () => {
  const handled = [
    "installation",
    "installation_repositories",
    "marketplace_purchase",
    "meta",
    "repository",
    "github_app_authorization",
  ];
  const examples = handled.flatMap((event) =>
    webhookExamples(event).map((payload, index) => ({
      event,
      payload,
      index,
      gap: upstreamExampleGap(event, index, payload.action),
    })),
  );
  for (const { event, payload, index, gap } of examples) {
    test(`${event}.${payload.action} example ${index + 1} ${gap ? `is rejected (${gap})` : "conforms"}`, () => {
      if (gap) expect(validateWebhook(event, payload)).not.toEqual([]);
      else expectConforms(event, payload);
    });
  }

  test("UPSTREAM_EXAMPLE_GAPS names only examples the package has", () => {
    const named = examples.filter((e) => e.gap).map((e) => `${e.event}.${e.payload.action}#${e.index + 1}`);
    expect(named.sort()).toEqual(Object.keys(UPSTREAM_EXAMPLE_GAPS).sort());
  });
});

// Typed names: a file the loader does not list does not compile.
// @ts-expect-error "installation.created.user" is no fixture
((name: WebhookFixtureName) => name)("installation.created.user");
