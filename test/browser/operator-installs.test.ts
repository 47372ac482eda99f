import type { Browser, Page } from "playwright-core";
import type { Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchBrowser, screenshot } from "../helpers/browser.js";
import { connectTestDatabase, dropAndClose } from "../helpers/database.js";
import { nockGetApp } from "../helpers/github/apps.js";
import { ACME, OCTO_BUSINESS } from "../helpers/github/fixtures.js";
import { nockHookDeliveries, nockRedeliver } from "../helpers/github/hook-deliveries.js";
import { nockInstallationToken } from "../helpers/github/installation-tokens.js";
import { nockInstallationRepositories } from "../helpers/github/installations.js";
import { nockMarketplaceAccount } from "../helpers/github/marketplace.js";
import { startOperatorServer } from "../helpers/operator.js";
import type { TestServer } from "../helpers/test-server.js";
import { DESKTOP, finishConsolePage, openConsoleAs, PHONE } from "../helpers/operator-browser.js";

const UNCLAIMED = "/operator/installations/unclaimed";
const DELIVERIES = "/operator/webhook-deliveries";

/** One failed delivery per width and case, so each test acts on its own. */
const guid = (n: number) => `6c1d0b2e-bbbb-11ef-8000-${String(n).padStart(12, "0")}`;

/**
 * The unclaimed installations and webhook deliveries pages in Chromium, at 1280 and 390 px: what
 * an operator reads and presses, that the page never scrolls sideways (the tables scroll in their
 * wrapper), and no serious or critical axe violation. Screenshots: operator-<page>-<state>-<width>.png.
 */
describe.skipIf(!chromiumAvailable())("the operator's installation pages, in a real browser", () => {
  let connection: Connection;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    connection = await connectTestDatabase();
    nockGetApp();
    server = await startOperatorServer(connection);
    browser = await launchBrowser();
    const { GitHubInstallation, WebhookDelivery } = server.models;
    const base = { accountType: "Organization", installedAt: new Date("2026-11-20T09:00:00Z") };
    await GitHubInstallation.create([
      {
        ...base,
        installationId: 64001,
        accountId: ACME.id,
        accountLogin: ACME.login,
        requesterLogin: "mona-requester",
      },
      {
        ...base,
        installationId: 64002,
        accountId: OCTO_BUSINESS.id,
        accountLogin: OCTO_BUSINESS.slug,
        accountName: OCTO_BUSINESS.name,
        accountType: "Enterprise",
        installedAt: new Date("2026-11-22T09:00:00Z"),
      },
      {
        ...base,
        installationId: 64003,
        accountId: 583231,
        accountLogin: "octocat",
        accountType: "User",
        installedAt: new Date("2026-11-21T09:00:00Z"),
      },
      // One to link at each width, and an organization that already has its installation.
      { ...base, installationId: 64011, accountId: 94011, accountLogin: "link-me-desktop" },
      { ...base, installationId: 64012, accountId: 94012, accountLogin: "link-me-phone" },
      { ...base, installationId: 64020, accountId: 94020, accountLogin: "busy-org", organizationId: "org_busy" },
    ]);
    // An event without an organization: the page's "Events of unclaimed installations".
    await server.models.Event.create({
      eventId: `evt_${"e".repeat(32)}`,
      type: "connection.suspended",
      timestamp: new Date("2026-11-23T08:15:00Z"),
      organizationId: null,
      seq: 1,
      data: { installationId: 64030, accountLogin: "nobody-claimed-org", accountType: "Organization" },
    });
    await WebhookDelivery.create([
      {
        deliveryId: guid(1),
        event: "installation",
        action: "created",
        installationId: 64001,
        status: "failed",
        attempts: 3,
        receivedAt: new Date("2026-11-24T11:00:00Z"),
        error:
          "MongoNetworkError: connection to 10.0.3.17:27017 closed while the installation's claim was being written; GitHub answered 500",
      },
      {
        deliveryId: guid(2),
        event: "installation_repositories",
        action: "added",
        installationId: 64020,
        status: "failed",
        receivedAt: new Date("2026-11-24T11:05:00Z"),
        error: "GitHubLimitError: GET /installation/repositories names more than 300 pages",
      },
      {
        deliveryId: guid(3),
        event: "installation_repositories",
        action: "removed",
        installationId: 64003,
        status: "processing",
        receivedAt: new Date("2026-11-24T11:10:00Z"),
      },
      {
        deliveryId: guid(4),
        event: "marketplace_purchase",
        action: "purchased",
        installationId: null,
        source: "marketplace",
        status: "failed",
        receivedAt: new Date("2026-11-24T10:00:00Z"),
        error: "MalformedPayloadError: marketplace_purchase.plan is missing",
      },
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dropAndClose(connection);
  });

  const rowOf = (page: Page, text: string) => page.getByRole("row").filter({ hasText: text });

  for (const width of [DESKTOP, PHONE]) {
    describe(`${width} px wide`, () => {
      it("unclaimed installations: each account with its kind, date and requester, newest first", async () => {
        const page = await openConsoleAs(browser, server.url, width, UNCLAIMED);
        await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Unclaimed installations");
        await expect(
          page
            .getByRole("navigation", { name: "Operator console" })
            .getByRole("link", { name: "Unclaimed installations" })
            .getAttribute("aria-current"),
        ).resolves.toBe("page");
        const body = page.locator("tbody tr");
        await expect(body.first().textContent()).resolves.toContain("Octo Business");
        await expect(rowOf(page, "acme-corp").getByRole("cell").nth(1).textContent()).resolves.toBe("organization");
        await expect(rowOf(page, "Octo Business").getByRole("cell").nth(1).textContent()).resolves.toBe("enterprise");
        await expect(rowOf(page, "octocat").getByRole("cell").nth(1).textContent()).resolves.toBe("user");
        await expect(rowOf(page, "acme-corp").getByRole("link", { name: "mona-requester" }).isVisible()).resolves.toBe(
          true,
        );
        await expect(
          page
            .getByRole("table", { name: "Events of unclaimed installations" })
            .locator("tbody tr", { hasText: "nobody-claimed-org" })
            .getByRole("cell")
            .nth(2)
            .textContent(),
        ).resolves.toBe("64030");
        await finishConsolePage(page, "unclaimed-list", width);
      });

      it("Link to organization…: the confirm page, refused for an organization that has an installation", async () => {
        const page = await openConsoleAs(browser, server.url, width, UNCLAIMED);
        await rowOf(page, "acme-corp")
          .getByRole("link", { name: /^Link to organization… acme-corp/ })
          .click();
        await page.waitForURL(`${server.url}/operator/installations/64001/link`);
        await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
          "Link acme-corp to an organization",
        );
        await screenshot(page, `operator-unclaimed-link-confirm-${width}`);
        await page.getByLabel("Organization id").fill("org_busy");
        await page.getByRole("button", { name: "Link installation 64001" }).click();
        await expect(page.locator("main").getByRole("alert").textContent()).resolves.toBe(
          "Not linked: organization org_busy already has a live installation (64020). An organization has one; disconnect that one first. Nothing was changed.",
        );
        await expect(page.getByLabel("Organization id").inputValue()).resolves.toBe("org_busy");
        await finishConsolePage(page, "unclaimed-link-refused", width);
      });

      it("Link to organization…: linked, back on the list with what happened", async () => {
        const installationId = width === DESKTOP ? 64011 : 64012;
        const login = width === DESKTOP ? "link-me-desktop" : "link-me-phone";
        const github = [
          nockMarketplaceAccount(installationId + 30000, null),
          nockInstallationToken(installationId),
          nockInstallationRepositories([[]]),
        ];
        const page = await openConsoleAs(browser, server.url, width, `/operator/installations/${installationId}/link`);
        await page.getByLabel("Organization id").fill(`org_linked_${width}`);
        await page.getByRole("button", { name: `Link installation ${installationId}` }).click();
        await page.waitForURL(`${server.url}${UNCLAIMED}`);
        await expect(page.locator(".flash").first().textContent()).resolves.toBe(
          `Linked ${login} (installation ${installationId}) to organization org_linked_${width}.`,
        );
        await expect(rowOf(page, login).count()).resolves.toBe(0);
        for (const scope of github) expect(scope.isDone()).toBe(true);
        await finishConsolePage(page, "unclaimed-linked", width);
      });

      it("webhook deliveries: failed and processing, newest first, with the error and Redeliver", async () => {
        const page = await openConsoleAs(browser, server.url, width, DELIVERIES);
        await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Webhook deliveries");
        await expect(page.locator("tbody tr").first().textContent()).resolves.toContain(guid(3));
        await expect(
          rowOf(page, guid(1))
            .getByRole("button", { name: `Redeliver ${guid(1)}` })
            .isVisible(),
        ).resolves.toBe(true);
        await expect(rowOf(page, guid(4)).getByRole("button").count()).resolves.toBe(0);
        await finishConsolePage(page, "webhook-deliveries-list", width);
      });

      it("Redeliver: GitHub accepted, and the page says so", async () => {
        const listing = nockHookDeliveries([
          [{ id: 9501, guid: guid(1), deliveredAt: "2026-11-24T11:00:00Z", statusCode: 500 }],
        ]);
        const redelivery = nockRedeliver(9501);
        const page = await openConsoleAs(browser, server.url, width, DELIVERIES);
        await rowOf(page, guid(1))
          .getByRole("button", { name: `Redeliver ${guid(1)}` })
          .click();
        await page.waitForURL(`${server.url}${DELIVERIES}`);
        await expect(page.locator(".flash").first().textContent()).resolves.toContain(
          `GitHub accepted the redelivery of ${guid(1)} (202)`,
        );
        expect(listing.isDone() && redelivery.isDone()).toBe(true);
        await finishConsolePage(page, "webhook-deliveries-redelivered", width);
      });

      it("Redeliver: GitHub refused, in its words", async () => {
        const listing = nockHookDeliveries([
          [{ id: 9502, guid: guid(2), deliveredAt: "2026-11-24T11:05:00Z", statusCode: 500 }],
        ]);
        const redelivery = nockRedeliver(9502, 422);
        const page = await openConsoleAs(browser, server.url, width, DELIVERIES);
        await rowOf(page, guid(2))
          .getByRole("button", { name: `Redeliver ${guid(2)}` })
          .click();
        await page.waitForURL(`${server.url}${DELIVERIES}`);
        await expect(page.locator("main").getByRole("alert").textContent()).resolves.toBe(
          `GitHub refused to redeliver ${guid(2)} (422): “Validation Failed”. Nothing was sent again.`,
        );
        expect(listing.isDone() && redelivery.isDone()).toBe(true);
        await finishConsolePage(page, "webhook-deliveries-refused", width);
      });
    });
  }
});
