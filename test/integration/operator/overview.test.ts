import { beforeAll, describe, expect, test } from "vitest";
import { summarizeOutbound } from "../../../src/events/outbound-summary.js";
import { saveRunEnd } from "../../../src/reconcile/checkpoint.js";
import type { ReconcileSummary } from "../../../src/reconcile/summary.js";
import { OPERATOR_PAGES } from "../../../src/web/operator/operator-paths.js";
import type { WebClient } from "../../helpers/auth.js";
import { mainOf, pageText } from "../../helpers/github-connect.js";
import { signInOperator, startOperatorServer } from "../../helpers/operator.js";
import { CONSOLE_NOW, deliveryRow, hoursAgo, minutesAgo, seedInstallations } from "../../helpers/operator-seed.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const HOOKS = "https://worker.example/hooks";
const MCP = "https://mcp.example/events";

const summary = (repaired: Partial<ReconcileSummary["repaired"]>, extra: Partial<ReconcileSummary> = {}) =>
  ({
    redelivered: 0,
    repaired: { created: 0, deleted: 0, suspended: 0, unsuspended: 0, renamed: 0, repoAccess: 0, ...repaired },
    unchanged: 0,
    apiCalls: { app: 7, installation: 3 },
    incomplete: 0,
    phases: {},
    ...extra,
  }) satisfies ReconcileSummary;

describe("the operator console's overview", () => {
  const holder = useTestServer((connection) => startOperatorServer(connection, {}, { now: CONSOLE_NOW }), {
    emptyBetweenTests: true,
  });
  let operator: WebClient;
  beforeAll(async () => {
    operator = await signInOperator(holder.server);
  });
  const overview = async () => {
    const page = await operator.get(OPERATOR_PAGES.overview);
    expect(page.status).toBe(200);
    return { html: mainOf(page.body), text: pageText(mainOf(page.body)) };
  };

  test("counts organizations by state, unclaimed installations and failed or stuck webhooks, each linking to its list", async () => {
    const { models } = holder.server;
    await seedInstallations(models, [
      { installationId: 1, organizationId: "org_c1" },
      { installationId: 2, organizationId: "org_c2" },
      { installationId: 3, organizationId: "org_c3" },
      // org_c1's earlier installation, removed before it connected again.
      { installationId: 4, organizationId: "org_c1", deletedAt: hoursAgo(200) },
      { installationId: 5, organizationId: "org_s1", suspendedAt: hoursAgo(5) },
      { installationId: 6, organizationId: "org_s2", suspendedAt: hoursAgo(6) },
      { installationId: 7, organizationId: "org_r1", deletedAt: hoursAgo(2) },
      { installationId: 8, organizationId: null },
      { installationId: 9, organizationId: null },
      // Removed before anyone claimed it: in no count.
      { installationId: 10, organizationId: null, deletedAt: hoursAgo(1) },
    ]);
    const delivery = (id: string, status: string, receivedAt: Date) => ({
      deliveryId: id,
      event: "installation",
      action: "created",
      installationId: 1,
      status,
      receivedAt,
    });
    await models.WebhookDelivery.insertMany([
      delivery("d-failed-1", "failed", hoursAgo(1)),
      delivery("d-failed-2", "failed", hoursAgo(71)),
      delivery("d-failed-old", "failed", hoursAgo(73)),
      delivery("d-stuck", "processing", minutesAgo(10)),
      delivery("d-stuck-old", "processing", hoursAgo(80)),
      delivery("d-in-flight", "processing", minutesAgo(1)),
      delivery("d-done", "processed", minutesAgo(30)),
    ]);

    const { html, text } = await overview();

    expect(text).toContain("3 Connected 2 Suspended 2 Removed");
    expect(text).toContain("2 Installations nobody has claimed");
    expect(text).toContain("2 Webhook deliveries failed (72 h)");
    expect(text).toContain("1 Webhook deliveries stuck processing over 5 min (72 h)");
    for (const state of ["connected", "suspended", "removed"])
      expect(html).toContain(`href="${OPERATOR_PAGES.organizations}?state=${state}"`);
    expect(html).toContain(`href="${OPERATOR_PAGES.unclaimed}"`);
    expect(html).toContain(`href="${OPERATOR_PAGES.webhookDeliveries}"`);
    expect(text).toContain("No endpoint is configured (EVENT_ENDPOINTS)");
    expect(text).toContain("No run has ended yet.");
  });

  test("each count's link lists what it counted", async () => {
    const { models } = holder.server;
    await seedInstallations(models, [
      { installationId: 21, organizationId: "org_link_c" },
      { installationId: 22, organizationId: "org_link_s", suspendedAt: hoursAgo(1) },
      { installationId: 23, organizationId: "org_link_r", deletedAt: hoursAgo(1) },
    ]);
    for (const [state, org] of [
      ["connected", "org_link_c"],
      ["suspended", "org_link_s"],
      ["removed", "org_link_r"],
    ] as const) {
      const list = pageText(mainOf((await operator.get(`${OPERATOR_PAGES.organizations}?state=${state}`)).body));
      expect(list, state).toContain(org);
      for (const other of ["org_link_c", "org_link_s", "org_link_r"].filter((o) => o !== org))
        expect(list, state).not.toContain(other);
    }
  });

  test("outbound events per endpoint: pending, failed, the last success and the last error", async () => {
    const { models } = holder.server;
    await models.EventDelivery.insertMany([
      deliveryRow({ endpoint: HOOKS, status: "pending" }),
      deliveryRow({ endpoint: HOOKS, status: "pending", lastError: "answered 503" }),
      deliveryRow({
        endpoint: HOOKS,
        status: "failed",
        lastError: "answered 500: boom",
        eventId: `evt_${"f".repeat(32)}`,
      }),
      deliveryRow({ endpoint: HOOKS, status: "delivered", deliveredAt: hoursAgo(3) }),
      deliveryRow({ endpoint: HOOKS, status: "delivered", deliveredAt: hoursAgo(2) }),
      deliveryRow({ endpoint: MCP, status: "delivered", deliveredAt: minutesAgo(5) }),
    ]);

    const { html, text } = await overview();

    expect(text).toContain(
      `${HOOKS} 2 1 24 November 2026, 10:00 UTC answered 500: boom (event evt_${"f".repeat(32)}, failed)`,
    );
    expect(text).toContain(`${MCP} 0 0 24 November 2026, 11:55 UTC None`);
    expect(html).toContain(`href="${OPERATOR_PAGES.outbound}"`);
  });

  test("a configured endpoint with no delivery yet is listed, first, with nothing pending and never delivered", async () => {
    const { models } = holder.server;
    await models.EventDelivery.insertMany([deliveryRow({ endpoint: HOOKS, status: "pending" })]);
    expect(await summarizeOutbound(models, { endpoints: [MCP] })).toEqual([
      { endpoint: MCP, pending: 0, failed: 0, lastDeliveredAt: null, lastError: null },
      { endpoint: HOOKS, pending: 1, failed: 0, lastDeliveredAt: null, lastError: null },
    ]);
  });

  test("the last reconcile run: when, how long, what it repaired, whether it finished", async () => {
    const { models } = holder.server;
    await saveRunEnd(
      models,
      minutesAgo(28),
      minutesAgo(30),
      "completed",
      summary({ created: 1, suspended: 2, repoAccess: 4 }, { redelivered: 3 }),
    );
    let { text } = await overview();
    expect(text).toContain(
      "Ran 24 November 2026, 11:30 UTC to 24 November 2026, 11:32 UTC Took 2 min Finished Yes " +
        "Repaired 1 installation created, 2 installations suspended, 4 repos whose access changed, 3 webhook deliveries redelivered " +
        "GitHub requests 7 as the App, 3 as installations",
    );

    await saveRunEnd(models, minutesAgo(9), minutesAgo(10), "completed", summary({}, { incomplete: 1 }));
    ({ text } = await overview());
    expect(text).toContain("Took 1 min Finished Partly: 1 phase stopped by the run's budget, the next run goes on");
    expect(text).toContain("Repaired Nothing: everything was as GitHub has it");

    await saveRunEnd(models, new Date(CONSOLE_NOW.getTime() - 55_000), minutesAgo(1), "failed", summary({}));
    ({ text } = await overview());
    expect(text).toContain("Took 5 s Finished No: it failed");
  });
});
