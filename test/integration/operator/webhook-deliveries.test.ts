import { describe, expect, it } from "vitest";
import { stored, storedAll } from "../../helpers/documents.js";
import { ACME } from "../../helpers/github/fixtures.js";
import {
  nockHookDeliveries,
  nockHookDeliveriesFailing,
  nockRedeliver,
  type DeliveryAttemptSpec,
} from "../../helpers/github/hook-deliveries.js";
import { mainOf, pageText, signInAdmin } from "../../helpers/github-connect.js";
import { OPERATOR_EMAIL, signInOperator, startOperatorServer } from "../../helpers/operator.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const DELIVERIES = "/operator/webhook-deliveries";
const redeliverPath = (deliveryId: string) => `${DELIVERIES}/${deliveryId}/redeliver`;

/** Our X-GitHub-Delivery guids (GitHub's `guid` in its delivery log). */
const FAILED = "3f6a2b10-aaaa-11ef-8000-000000000001";
const PROCESSING = "3f6a2b10-aaaa-11ef-8000-000000000002";
const PROCESSED = "3f6a2b10-aaaa-11ef-8000-000000000003";
const MARKETPLACE = "3f6a2b10-aaaa-11ef-8000-000000000005";
const OTHER = "3f6a2b10-aaaa-11ef-8000-0000000000ff";

const ctx = useTestServer((connection) => startOperatorServer(connection), { emptyBetweenTests: true });

/** Each row of the list as its visible text, in the page's order. */
function rows(html: string): string[] {
  return [...html.matchAll(/<tr data-delivery-id="[^"]+">([\s\S]*?)<\/tr>/g)].map((m) => pageText(m[1]!));
}

async function seed(): Promise<void> {
  const { GitHubInstallation, WebhookDelivery } = ctx.server.models;
  await GitHubInstallation.create([
    {
      installationId: 62001,
      accountId: ACME.id,
      accountLogin: ACME.login,
      accountType: "Organization",
      organizationId: "org_deliveries",
    },
    { installationId: 62002, accountId: 583231, accountLogin: "octocat", accountType: "User" },
  ]);
  const at = (time: string) => new Date(`2026-11-24T${time}:00Z`);
  await WebhookDelivery.create([
    {
      deliveryId: FAILED,
      event: "installation",
      action: "created",
      installationId: 62001,
      status: "failed",
      attempts: 2,
      receivedAt: at("11:00"),
      error: "MongoNetworkError: connection reset",
    },
    {
      deliveryId: PROCESSING,
      event: "installation_repositories",
      action: "added",
      installationId: 62002,
      status: "processing",
      receivedAt: at("11:30"),
    },
    {
      deliveryId: PROCESSED,
      event: "installation",
      action: "deleted",
      installationId: 62001,
      status: "processed",
      receivedAt: at("11:45"),
    },
    {
      deliveryId: "3f6a2b10-aaaa-11ef-8000-000000000004",
      event: "installation",
      action: "suspend",
      installationId: 62001,
      status: "ignored",
      receivedAt: at("11:50"),
    },
    {
      deliveryId: MARKETPLACE,
      event: "marketplace_purchase",
      action: "purchased",
      installationId: null,
      source: "marketplace",
      status: "failed",
      receivedAt: at("10:00"),
      error: "MalformedPayloadError: marketplace_purchase.plan is missing",
    },
  ]);
}

const attempt = (id: number, guid: string, deliveredAt: string, statusCode: number): DeliveryAttemptSpec => ({
  id,
  guid,
  deliveredAt: `2026-11-24T${deliveredAt}:00Z`,
  statusCode,
});

/** Everything a redelivery could record. */
async function records() {
  const { models } = ctx.server;
  return {
    events: await storedAll(models.Event, {}),
    audit: await storedAll(models.AuditEvent, {}),
    deliveries: await storedAll(models.WebhookDelivery, {}),
  };
}

async function redeliver(deliveryId: string): Promise<string> {
  const operator = await signInOperator(ctx.server);
  const response = await operator.postForm(redeliverPath(deliveryId));
  expect(response.status, response.body).toBe(303);
  expect(response.location).toBe(DELIVERIES);
  return pageText(mainOf((await operator.get(DELIVERIES)).body));
}

describe("the webhook deliveries page", () => {
  it("lists failed and processing deliveries, newest first, with event, installation and error", async () => {
    await seed();
    const page = await (await signInOperator(ctx.server)).get(DELIVERIES);
    expect(page.status).toBe(200);
    expect(pageText(mainOf(page.body))).toContain("3 deliveries failed or being applied");
    expect(rows(page.body)).toEqual([
      `24 November 2026, 11:30 UTC ${PROCESSING} installation_repositories.added processing 62002 (octocat) none recorded Redeliver`,
      `24 November 2026, 11:00 UTC ${FAILED} installation.created failed 2 attempts 62001 (acme-corp) org_deliveries MongoNetworkError: connection reset Redeliver`,
      `24 November 2026, 10:00 UTC ${MARKETPLACE} marketplace_purchase.purchased Marketplace listing failed none MalformedPayloadError: marketplace_purchase.plan is missing from the listing's page`,
    ]);
    expect(page.body).toContain(`action="${redeliverPath(FAILED)}"`);
    expect(page.body).not.toContain(`action="${redeliverPath(MARKETPLACE)}"`);
  });

  it("pages 50 at a time", async () => {
    await ctx.server.models.WebhookDelivery.insertMany(
      Array.from({ length: 51 }, (_, i) => ({
        deliveryId: `page-${String(i).padStart(2, "0")}`,
        event: "installation",
        action: "created",
        installationId: null,
        status: "failed",
        receivedAt: new Date(Date.UTC(2026, 10, 24, 0, i)),
      })),
    );
    const operator = await signInOperator(ctx.server);
    const first = await operator.get(DELIVERIES);
    expect(rows(first.body)).toHaveLength(50);
    expect(rows(first.body)[0]).toContain("page-50");
    expect(pageText(first.body)).toContain("Showing 1–50 of 51");
    const second = await operator.get(`${DELIVERIES}?page=2`);
    expect(rows(second.body)).toEqual([
      "24 November 2026, 00:00 UTC page-00 installation.created failed none none recorded Redeliver",
    ]);
  });
});

describe("Redeliver", () => {
  it("finds GitHub's attempt for the delivery's guid, asks GitHub to send it again, and records it for operators and the organization", async () => {
    await seed();
    // Newest first, over two pages: the guid's newest attempt is on the second.
    const listing = nockHookDeliveries([
      [attempt(9102, OTHER, "11:40", 200)],
      [attempt(9101, FAILED, "11:00", 500), attempt(9100, FAILED, "10:59", 502)],
    ]);
    const redelivery = nockRedeliver(9101);
    const text = await redeliver(FAILED);
    expect(listing.isDone()).toBe(true);
    expect(redelivery.isDone()).toBe(true);
    expect(text).toContain(
      `GitHub accepted the redelivery of ${FAILED} (202): it sends the delivery again in a moment, and this list shows how it went.`,
    );

    const { models } = ctx.server;
    expect(await storedAll(models.Event, {})).toEqual([
      expect.objectContaining({
        type: "operator.webhook_redelivery_requested",
        organizationId: "org_deliveries",
        audience: "operators",
        actor: `operator:${OPERATOR_EMAIL}`,
        data: {
          deliveryId: FAILED,
          event: "installation",
          action: "created",
          installationId: 62001,
          attemptId: 9101,
          outcome: "accepted",
          githubStatus: 202,
          githubMessage: null,
        },
      }),
    ]);
    expect(await stored(models.AuditEvent, { action: "operator.webhook_redelivery_requested" })).toMatchObject({
      organizationId: "org_deliveries",
      actor: `operator:${OPERATOR_EMAIL}`,
      actorName: OPERATOR_EMAIL,
      details: { deliveryId: FAILED, event: "installation", action: "created" },
    });
    const activity = await (await signInAdmin(ctx.server, "org_deliveries")).get("/workspace/settings/activity");
    expect(pageText(activity.body)).toContain(
      `${OPERATOR_EMAIL}, an operator, asked GitHub to send the installation.created webhook again`,
    );
    // The delivery itself is the webhook's to settle when GitHub sends it again.
    expect((await stored(models.WebhookDelivery, { deliveryId: FAILED }))?.status).toBe("failed");
  });

  it("records a redelivery of an unclaimed installation's delivery for operators only, with no organization", async () => {
    await seed();
    const scopes = [nockHookDeliveries([[attempt(9200, PROCESSING, "11:30", 0)]]), nockRedeliver(9200)];
    expect(await redeliver(PROCESSING)).toContain(`GitHub accepted the redelivery of ${PROCESSING} (202)`);
    for (const scope of scopes) expect(scope.isDone()).toBe(true);
    const { models } = ctx.server;
    expect(await storedAll(models.Event, {})).toEqual([
      expect.objectContaining({
        type: "operator.webhook_redelivery_requested",
        organizationId: null,
        audience: "operators",
      }),
    ]);
    expect(await storedAll(models.AuditEvent, {})).toEqual([]);
  });

  for (const status of [422, 404] as const) {
    const message = status === 422 ? "Validation Failed" : "Not Found";
    it(`shows GitHub's refusal (${status}) in its words, and records it for operators only`, async () => {
      await seed();
      const scopes = [nockHookDeliveries([[attempt(9101, FAILED, "11:00", 500)]]), nockRedeliver(9101, status)];
      expect(await redeliver(FAILED)).toContain(
        `GitHub refused to redeliver ${FAILED} (${status}): “${message}”. Nothing was sent again.`,
      );
      for (const scope of scopes) expect(scope.isDone()).toBe(true);
      const { models } = ctx.server;
      expect(await storedAll(models.Event, {})).toEqual([
        expect.objectContaining({
          type: "operator.webhook_redelivery_requested",
          audience: "operators",
          data: expect.objectContaining({ outcome: "refused", githubStatus: status, githubMessage: message }),
        }),
      ]);
      // Nothing is being sent again: the organization's Activity says nothing.
      expect(await storedAll(models.AuditEvent, {})).toEqual([]);
    });
  }

  it("says GitHub is down when its delivery log answers 5xx, and changes nothing", async () => {
    await seed();
    const before = await records();
    const listing = nockHookDeliveriesFailing(500);
    const text = await redeliver(FAILED);
    expect(listing.isDone()).toBe(true);
    expect(text).toMatch(
      new RegExp(
        `GitHub could not be asked to redeliver ${FAILED}: GitHub answered 500 to GET (/api/v3)?/app/hook/deliveries; GitHub is having trouble: try again in a minute \\(https://www.githubstatus.com\\)\\. Nothing was changed\\.`,
      ),
    );
    expect(await records()).toEqual(before);
  });

  it("says GitHub is down when the redelivery itself answers 5xx, and changes nothing", async () => {
    await seed();
    const before = await records();
    const scopes = [nockHookDeliveries([[attempt(9101, FAILED, "11:00", 500)]]), nockRedeliver(9101, 500)];
    expect(await redeliver(FAILED)).toMatch(
      new RegExp(
        `GitHub could not be asked to redeliver ${FAILED}: GitHub answered 500 to POST (/api/v3)?/app/hook/deliveries/9101/attempts`,
      ),
    );
    for (const scope of scopes) expect(scope.isDone()).toBe(true);
    expect(await records()).toEqual(before);
  });

  it("stops reading GitHub's log at the delivery's own time, and says GitHub no longer lists it", async () => {
    await seed();
    const before = await records();
    // Only older attempts, and a next page that is never asked for.
    const listing = nockHookDeliveries([[attempt(9001, OTHER, "10:00", 200)]], { lastPageHasNext: true });
    expect(await redeliver(FAILED)).toContain(
      `GitHub does not list ${FAILED} among the App's newest deliveries (1 page read, at most 10): GitHub keeps deliveries about 3 days. Nothing was asked.`,
    );
    expect(listing.isDone()).toBe(true);
    expect(await records()).toEqual(before);
  });

  it("does not ask GitHub to redeliver the Marketplace listing's deliveries", async () => {
    await seed();
    const before = await records();
    expect(await redeliver(MARKETPLACE)).toContain(
      `${MARKETPLACE} came to the Marketplace listing's webhook, which GitHub does not redeliver through the App: redeliver it from the listing's page on GitHub. Nothing was asked.`,
    );
    expect(await records()).toEqual(before);
  });

  it("answers 404 for a delivery id that is unknown or malformed, asking GitHub nothing", async () => {
    await seed();
    const before = await records();
    const operator = await signInOperator(ctx.server);
    const unknown = await operator.postForm(redeliverPath("3f6a2b10-aaaa-11ef-8000-000000009999"));
    expect(unknown.status).toBe(404);
    expect(pageText(mainOf(unknown.body))).toContain(
      "No webhook delivery 3f6a2b10-aaaa-11ef-8000-000000009999 is stored.",
    );
    for (const bad of ["not_a_guid", "a".repeat(65), "%20"]) {
      const response = await operator.postForm(redeliverPath(bad));
      expect(response.status, bad).toBe(404);
      expect(pageText(mainOf(response.body)), bad).toContain("There is no delivery with this id");
    }
    expect(await records()).toEqual(before);
  });
});
