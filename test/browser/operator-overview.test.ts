import type { Browser } from "playwright-core";
import type { Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "../../src/events/event-log.js";
import { saveRunEnd } from "../../src/reconcile/checkpoint.js";
import {
  OPERATOR_PAGES,
  organizationActivityPath,
  organizationPagePath,
  organizationSettingsPath,
} from "../../src/web/operator/operator-paths.js";
import { chromiumAvailable, launchBrowser } from "../helpers/browser.js";
import { connectTestDatabase, dropAndClose } from "../helpers/database.js";
import { nockGetApp } from "../helpers/github/apps.js";
import { OPERATOR_EMAIL, startOperatorServer } from "../helpers/operator.js";
import {
  CONSOLE_NOW,
  deliveryRow,
  hoursAgo,
  minutesAgo,
  seedInstallations,
  seedLinkedEvent,
  seedProPlan,
} from "../helpers/operator-seed.js";
import type { TestServer } from "../helpers/test-server.js";
import { DESKTOP, finishConsolePage, openConsoleAs, PHONE } from "../helpers/operator-browser.js";

/**
 * The console's overview, organizations list and an organization's page in Chromium, on a desktop
 * and a phone: what the operator reads, no sideways scroll of the page (wide tables scroll in their
 * own box), no serious axe violation. Screenshots: test-results/screenshots/operator-<page>-<state>-<width>.png.
 */
describe.skipIf(!chromiumAvailable())("the operator console's overview and organizations, in a real browser", () => {
  let connection: Connection;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    connection = await connectTestDatabase();
    nockGetApp();
    server = await startOperatorServer(connection, {}, { now: CONSOLE_NOW });
    browser = await launchBrowser();
    const { models } = server;
    await seedInstallations(models, [
      { installationId: 7001, organizationId: "org_acme", accountLogin: "acme-old", deletedAt: hoursAgo(300) },
      { installationId: 7002, organizationId: "org_acme", accountLogin: "acme-corp", accountId: 4242 },
      { installationId: 7003, organizationId: "org_globex", accountLogin: "globex", suspendedAt: hoursAgo(10) },
      { installationId: 7004, organizationId: "org_initech", accountLogin: "initech", deletedAt: hoursAgo(30) },
      {
        installationId: 7005,
        organizationId: "org_01JDQ3ZKX9V8R2M4N6P8T0W2Y4",
        accountLogin: "a-very-long-enterprise-account-name",
        accountType: "Enterprise",
      },
      { installationId: 7010, organizationId: null, accountLogin: "stray-user", accountType: "User" },
    ]);
    await seedProPlan(models, { accountId: 4242, accountLogin: "acme-corp" });
    await models.Repo.insertMany([
      {
        organizationId: "org_acme",
        slug: "api",
        name: "api",
        githubRepoId: 81,
        fullName: "acme-corp/api",
        accessible: true,
      },
      {
        organizationId: "org_acme",
        slug: "docs",
        name: "docs",
        githubRepoId: 82,
        fullName: "acme-corp/docs",
        accessible: false,
      },
      { organizationId: "org_acme", slug: "wip", name: "wip", githubRepoId: null },
      {
        organizationId: "org_globex",
        slug: "site",
        name: "site",
        githubRepoId: 91,
        fullName: "globex/site",
        accessible: true,
      },
    ]);
    await seedLinkedEvent(models, hoursAgo(300), "org_acme", { installationId: 7001, accountLogin: "acme-old" });
    await recordEvent(models, hoursAgo(2), {
      type: "connection.linked",
      organizationId: "org_acme",
      data: { installationId: 7002, accountLogin: "acme-corp", accountType: "Organization", via: "oauth" },
      actor: `operator:${OPERATOR_EMAIL}`,
    });
    await seedLinkedEvent(models, hoursAgo(50), "org_globex", { installationId: 7003, accountLogin: "globex" });
    await models.WebhookDelivery.insertMany([
      {
        deliveryId: "d1",
        event: "installation",
        action: "created",
        status: "failed",
        receivedAt: hoursAgo(3),
        error: "boom",
      },
      { deliveryId: "d2", event: "installation", action: "deleted", status: "processing", receivedAt: minutesAgo(20) },
    ]);
    await models.EventDelivery.insertMany([
      deliveryRow({ endpoint: "https://worker.internal.example/hooks/github-connect", status: "pending" }),
      deliveryRow({
        endpoint: "https://worker.internal.example/hooks/github-connect",
        status: "failed",
        lastError: "answered 502: Bad Gateway",
      }),
      deliveryRow({
        endpoint: "https://worker.internal.example/hooks/github-connect",
        status: "delivered",
        deliveredAt: hoursAgo(4),
      }),
    ]);
    await saveRunEnd(models, minutesAgo(13), minutesAgo(15), "completed", {
      redelivered: 1,
      repaired: { created: 0, deleted: 1, suspended: 0, unsuspended: 0, renamed: 0, repoAccess: 2 },
      unchanged: 4,
      apiCalls: { app: 6, installation: 2 },
      incomplete: 0,
      phases: {},
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dropAndClose(connection);
  });

  for (const width of [DESKTOP, PHONE]) {
    describe(`${width} px wide`, () => {
      it("the overview: every count, the outbound endpoint and the last reconcile run", async () => {
        const page = await openConsoleAs(browser, server.url, width, OPERATOR_PAGES.overview);
        const organizations = page.getByRole("region", { name: "Organizations" });
        await expect(organizations.getByRole("link", { name: "2 Connected" }).getAttribute("href")).resolves.toBe(
          `${OPERATOR_PAGES.organizations}?state=connected`,
        );
        await expect(organizations.getByRole("link", { name: "1 Suspended" }).isVisible()).resolves.toBe(true);
        await expect(organizations.getByRole("link", { name: "2 Removed" }).isVisible()).resolves.toBe(true);
        const attention = page.getByRole("region", { name: "Installations and webhooks" });
        await expect(
          attention.getByRole("link", { name: "1 Installations nobody has claimed" }).getAttribute("href"),
        ).resolves.toBe(OPERATOR_PAGES.unclaimed);
        await expect(
          attention.getByRole("link", { name: "1 Webhook deliveries failed (72 h)" }).isVisible(),
        ).resolves.toBe(true);
        const outbound = page.getByRole("region", { name: "Outbound events" });
        await expect(outbound.getByRole("row").nth(1).textContent()).resolves.toContain("answered 502: Bad Gateway");
        const run = page.getByTestId("reconcile-run");
        await expect(run.textContent()).resolves.toContain("2 min");
        await expect(run.textContent()).resolves.toContain(
          "1 installation removed, 2 repos whose access changed, 1 webhook delivery redelivered",
        );
        await finishConsolePage(page, "overview-seeded", width);
      });

      it("the organizations list: one row per installation, with state, account, plan, repos and last event", async () => {
        const page = await openConsoleAs(browser, server.url, width, OPERATOR_PAGES.organizations);
        const rows = page.getByTestId("organizations-table").locator("tbody tr");
        await expect(rows.count()).resolves.toBe(5);
        const acme = rows.filter({ hasText: "acme-corp" });
        await expect(acme.textContent()).resolves.toMatch(
          /Connected[\s\S]*Pro, 5 seats[\s\S]*1 reachable, 1 not selected, 1 not created[\s\S]*connection\.linked/,
        );
        await expect(rows.filter({ hasText: "acme-old" }).textContent()).resolves.toContain(
          "connected again since (installation 7002)",
        );
        // The table scrolls inside its box on a phone, the page does not.
        if (width === PHONE)
          await expect(
            page
              .locator(".operator-table-wrap")
              .evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth > el.clientWidth),
          ).resolves.toBe(true);
        await finishConsolePage(page, "organizations-list", width);
      });

      it("a search that finds nothing says so", async () => {
        const page = await openConsoleAs(browser, server.url, width, OPERATOR_PAGES.organizations);
        await page.getByLabel("Organization id, GitHub login or installation id").fill("org_nowhere");
        await page.getByRole("button", { name: "Search" }).click();
        await page.waitForURL(/q=org_nowhere/);
        await expect(page.getByTestId("organizations-empty").textContent()).resolves.toContain(
          "No organization matches “org_nowhere”",
        );
        await finishConsolePage(page, "organizations-search-miss", width);
      });

      it("an organization's page: installations, plan, repos with status, the timeline with the operator who acted", async () => {
        const page = await openConsoleAs(browser, server.url, width, organizationPagePath("org_acme"));
        await expect(page.getByTestId("organization-state").textContent()).resolves.toBe("Connected");
        await expect(page.getByTestId("organization-plan").textContent()).resolves.toBe("Pro, 5 seats");
        await expect(page.getByTestId("installations-table").locator("tbody tr").count()).resolves.toBe(2);
        await expect(page.getByTestId("repos-table").textContent()).resolves.toMatch(
          /api[\s\S]*reachable[\s\S]*docs[\s\S]*not selected/,
        );
        const newest = page.getByTestId("timeline-table").locator("tbody tr").first();
        await expect(newest.textContent()).resolves.toContain(OPERATOR_EMAIL);
        await expect(page.getByTestId("github-settings-link").getAttribute("href")).resolves.toBe(
          "https://github.com/organizations/acme-corp/settings/installations/7002",
        );
        await expect(page.getByTestId("organization-settings-link").getAttribute("href")).resolves.toBe(
          organizationSettingsPath("org_acme"),
        );
        await finishConsolePage(page, "organization-acme", width);
      });

      it("an organization's settings as its members see them: the banner, the connection, plan and repos, no control", async () => {
        const page = await openConsoleAs(browser, server.url, width, organizationPagePath("org_acme"));
        await Promise.all([
          page.waitForURL(`**${organizationSettingsPath("org_acme")}`),
          page.getByTestId("organization-settings-link").click(),
        ]);
        await expect(page.getByTestId("console-copy-banner").textContent()).resolves.toMatch(
          /You are seeing org_acme's settings as its members see them; only its admins can change them\.\s+Back to the console's page for org_acme/,
        );
        await expect(page.getByTestId("connection-state").textContent()).resolves.toBe("Connected");
        await expect(page.getByTestId("plan-name").textContent()).resolves.toContain("Pro");
        await expect(page.locator("table.projects tbody tr").count()).resolves.toBe(3);
        await expect(
          page.getByText("Only admins of your organization can change the GitHub connection.").isVisible(),
        ).resolves.toBe(true);
        // Nothing that changes anything: no form in the page's content but sign-out, no button in the copy.
        const actions = await page
          .locator("main form")
          .evaluateAll((forms) => forms.map((f) => f.getAttribute("action")));
        expect(actions.filter((action) => action !== "/auth/logout")).toEqual([]);
        await expect(page.getByTestId("organization-copy").getByRole("button").count()).resolves.toBe(0);
        await expect(page.getByRole("link", { name: "Activity", exact: true }).getAttribute("href")).resolves.toBe(
          organizationActivityPath("org_acme"),
        );
        await finishConsolePage(page, "organization-settings", width);
      });
    });
  }
});
