import type { Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { countCommands, type CommandCounter } from "../../../src/db/command-counter.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { measureDuplicate, measureScenario, ROUND_TRIP_SCENARIOS, seedCommonCase } from "../../helpers/round-trips.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { deliverWebhook } from "../../helpers/webhooks.js";

/*
 * The round-trip budget: database commands per delivery, counted with the driver's command
 * monitoring, each delivery through the real HTTP server. Every applied delivery costs the
 * delivery log's claim and its final status (two writes around the work, so an attempt that
 * dies half-way is retried, not taken for done), the claim of its body (so a replay under a
 * new delivery id is not applied again), the change itself, its event (the read of the
 * organization's last sequence number and the insert, docs/events.md) and its audit entry;
 * events that also touch the organization's repos (a read of those that change, then the
 * update if any does), or read which organization a Marketplace account belongs to, cost more.
 * A change that changes no stored repo records no repo event. The stale-event guard and "create if new" are one
 * conditional upsert.
 */
const CLAIM = "findAndModify webhook_deliveries";
const BODY = "findAndModify webhook_bodies";
const FINAL = "update webhook_deliveries";
const AUDIT = "insert audit_events";
const INSTALLATION = "findAndModify github_installations";
const REPOS = "update repos";
const ACCOUNT = "findAndModify marketplace_accounts";
const LINKED_ORG = "find github_installations";
const FIND_REPOS = "find repos";
const SEQ = "find events";
const EVENT = "insert events";

const EXPECTED: Record<string, string[]> = {
  // One stored repo it reaches was not reachable: updated, one repo.reachable.
  "installation.created": [CLAIM, BODY, INSTALLATION, FIND_REPOS, REPOS, SEQ, EVENT, AUDIT, FINAL],
  "installation.deleted": [CLAIM, BODY, INSTALLATION, REPOS, SEQ, EVENT, AUDIT, FINAL],
  "installation.suspend": [CLAIM, BODY, INSTALLATION, SEQ, EVENT, AUDIT, FINAL],
  "installation.unsuspend": [CLAIM, BODY, INSTALLATION, SEQ, EVENT, AUDIT, FINAL],
  "installation.new_permissions_accepted": [CLAIM, BODY, INSTALLATION, SEQ, EVENT, AUDIT, FINAL],
  // acme-docs is reachable already: nothing to update, no repo event.
  "installation_repositories.added": [CLAIM, BODY, INSTALLATION, FIND_REPOS, AUDIT, FINAL],
  "installation_repositories.removed": [CLAIM, BODY, INSTALLATION, FIND_REPOS, REPOS, SEQ, EVENT, AUDIT, FINAL],
  "marketplace_purchase.purchased": [CLAIM, BODY, ACCOUNT, LINKED_ORG, SEQ, EVENT, AUDIT, FINAL],
  "marketplace_purchase.changed": [CLAIM, BODY, ACCOUNT, LINKED_ORG, SEQ, EVENT, AUDIT, FINAL],
  "marketplace_purchase.cancelled": [CLAIM, BODY, ACCOUNT, LINKED_ORG, SEQ, EVENT, AUDIT, FINAL],
  "marketplace_purchase.pending_change": [CLAIM, BODY, ACCOUNT, LINKED_ORG, SEQ, EVENT, AUDIT, FINAL],
  "marketplace_purchase.pending_change_cancelled": [CLAIM, BODY, ACCOUNT, LINKED_ORG, SEQ, EVENT, AUDIT, FINAL],
};

let connection: Connection;
let server: TestServer;
let counter: CommandCounter;

beforeAll(async () => {
  connection = await connectTestDatabase(undefined, { monitorCommands: true });
  server = await startTestServer({ connection });
  counter = countCommands(connection);
});

afterAll(async () => {
  counter?.stop();
  await server?.close();
  await dropAndClose(connection);
});

const target = () => ({ url: server.url, models: server.models, counter });

describe("database round trips per delivery (installation stored and linked, Marketplace account bought)", () => {
  test("every lifecycle event has a budget", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(ROUND_TRIP_SCENARIOS.map((s) => s.name).sort());
  });

  test.each(ROUND_TRIP_SCENARIOS.map((s) => [s.name, s] as const))(
    "%s: one write per document it changes, the audit entry and the delivery log",
    async (name, scenario) => {
      const result = await measureScenario(scenario, target());
      expect(result.status).toBe(200);
      expect(result.commands).toEqual(EXPECTED[name]);
      expect(await server.models.AuditEvent.countDocuments()).toBe(1);
      expect(await server.models.WebhookDelivery.countDocuments({ status: "processed" })).toBe(1);
    },
  );

  test("a delivery already processed, sent again, costs one command and changes nothing", async () => {
    const result = await measureDuplicate(target());
    expect(result.status).toBe(200);
    expect(result.commands).toEqual([CLAIM]);
    expect(await server.models.AuditEvent.countDocuments()).toBe(1);
  });

  test("an installation no organization has claimed touches no repos", async () => {
    const scenario = ROUND_TRIP_SCENARIOS.find((s) => s.name === "installation_repositories.added")!;
    await seedCommonCase(server.models, { organizationId: null });
    counter.reset();
    expect((await deliverWebhook(server.url, scenario.delivery())).status).toBe(200);
    expect(counter.commands).toEqual([CLAIM, BODY, INSTALLATION, AUDIT, FINAL]);
  });

  test("a stale event costs the claim, the refused update, one retry without insert, and the log", async () => {
    const scenario = ROUND_TRIP_SCENARIOS.find((s) => s.name === "installation.suspend")!;
    await seedCommonCase(server.models, { lastEventAt: new Date("2027-01-01T00:00:00Z") });
    counter.reset();
    expect((await deliverWebhook(server.url, scenario.delivery())).status).toBe(200);
    expect(counter.commands).toEqual([CLAIM, BODY, INSTALLATION, INSTALLATION, FINAL]);
    expect(await server.models.AuditEvent.countDocuments()).toBe(0);
    expect(
      (await server.models.GitHubInstallation.findOne({ installationId: 43110412 }).lean())?.suspendedAt,
    ).toBeNull();
  });
});
