import type { Connection } from "mongoose";
import { Types } from "mongoose";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR_PAGES } from "../../src/web/operator/operator-paths.js";
import { AVATAR_SVG, chromiumAvailable, launchBrowser, signInWithDevForm } from "../helpers/browser.js";
import { connectTestDatabase, dropAndClose } from "../helpers/database.js";
import { nockGetApp, nockGetAppHookConfig } from "../helpers/github/apps.js";
import { startOperatorServer } from "../helpers/operator.js";
import type { TestServer } from "../helpers/test-server.js";
import { DESKTOP, finishConsolePage, openConsoleAs, PHONE } from "../helpers/operator-browser.js";

const SECRET = `whsec_${Buffer.from("browser-outbound-signing-secret!").toString("base64")}`;
const ENDPOINTS = ["https://sync-worker.internal.example/github-connect/events", "https://mcp.internal.example/events"];
const BASE_URL = "http://127.0.0.1:3000";
const WEBHOOK_URL = `${BASE_URL}/api/github/webhooks`;
/** app.yml's permissions exactly: what "clean" serves, and what the stored installations have. */
const MANIFEST_PERMISSIONS = { administration: "write", contents: "write", metadata: "read" };

/**
 * The Outbound events and Doctor pages in Chromium at 1280 and 390 px: what an operator reads, no
 * sideways scroll, no serious or critical axe violation. Screenshots:
 * test-results/screenshots/operator-<page>-<state>-<width>.png.
 */
describe.skipIf(!chromiumAvailable())("the operator's Outbound events and Doctor pages, in a real browser", () => {
  let connection: Connection;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    connection = await connectTestDatabase();
    server = await startOperatorServer(connection, {
      EVENT_ENDPOINTS: ENDPOINTS.join(","),
      EVENT_SIGNING_SECRET: SECRET,
    });
    // The header's App name, asked once by the first page and kept for the file.
    const header = nockGetApp();
    await fetch(`${server.url}/auth/login`, { headers: { accept: "text/html" } });
    expect(header.isDone()).toBe(true);
    browser = await launchBrowser();

    const { Event, EventDelivery, GitHubInstallation } = server.models;
    const at = (minutes: number) => new Date(Date.parse("2026-11-24T11:00:00Z") + minutes * 60_000);
    const types = ["connection.suspended", "repo.renamed", "plan.changed", "repo.unreachable"];
    const events = Array.from({ length: 6 }, (_, i) => ({
      _id: new Types.ObjectId(),
      eventId: `evt_${(0xa1b2c3 + i).toString(16).padStart(32, "0")}`,
      type: types[i % types.length],
      timestamp: at(i),
      organizationId: i % 2 ? "org_01JACMECORP" : "org_01JGLOBEX",
      seq: i + 1,
      data: {},
      audience: "services",
    }));
    await Event.collection.insertMany(events);
    await EventDelivery.collection.insertMany(
      events.map((event, i) => ({
        eventId: event.eventId,
        eventObjectId: event._id,
        organizationId: event.organizationId,
        endpoint: ENDPOINTS[i % 2],
        status: i < 3 ? "failed" : i === 3 ? "pending" : "delivered",
        attempts: i < 3 ? 11 : 1,
        nextAttemptAt: at(60),
        claimToken: `token-${i}`,
        lastStatus: i < 4 ? [503, null, 410, 500][i] : 200,
        lastError:
          i < 4
            ? [
                "answered 503: upstream connect error or disconnect/reset before headers",
                "connect ECONNREFUSED 10.0.4.17:443",
                "answered 410: gone",
                "answered 500: internal error",
              ][i]
            : null,
        createdAt: at(i),
        deliveredAt: i > 3 ? at(i + 1) : null,
        lastAttemptAt: at(i + 1),
      })),
    );
    const installation = (
      installationId: number,
      accountLogin: string,
      accountType: string,
      organizationId: string | null,
    ) => ({
      installationId,
      accountId: installationId,
      accountLogin,
      accountType,
      permissions: MANIFEST_PERMISSIONS,
      organizationId,
    });
    await GitHubInstallation.create([
      installation(41000001, "acme-corp", "Organization", "org_01JACMECORP"),
      installation(41000002, "globex", "Organization", "org_01JGLOBEX"),
      installation(41000003, "mona", "User", null),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dropAndClose(connection);
  });

  for (const width of [DESKTOP, PHONE]) {
    describe(`${width} px wide`, () => {
      it("Outbound events: both endpoints, the failed deliveries, a Retry on each", async () => {
        const page = await openConsoleAs(browser, server.url, width, OPERATOR_PAGES.outbound);
        await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Outbound events");
        const endpoints = page.getByTestId("outbound-endpoints");
        await expect(endpoints.getByRole("row").count()).resolves.toBe(3);
        await expect(page.getByTestId("outbound-failed-total").textContent()).resolves.toBe(
          "3 deliveries have failed for good (every retry used).",
        );
        await expect(page.getByRole("button", { name: /^Retry/ }).count()).resolves.toBe(3);
        await finishConsolePage(page, "outbound-failed", width);
      });

      it("Doctor with findings: a lower permission, a webhook URL elsewhere, installations behind", async () => {
        const scopes = [
          nockGetApp({
            external_url: BASE_URL,
            permissions: { ...MANIFEST_PERMISSIONS, administration: "read", members: "read" },
            events: ["meta"],
          }),
          nockGetAppHookConfig({ url: "https://connect-old.example.com/api/github/webhooks" }),
        ];
        const page = await openConsoleAs(browser, server.url, width, OPERATOR_PAGES.doctor);
        for (const scope of scopes) expect(scope.isDone()).toBe(true);
        await expect(page.getByTestId("doctor-summary").textContent()).resolves.toBe(
          "3 things to fix on the live App.",
        );
        await expect(page.getByTestId("doctor-behind").getByRole("row").count()).resolves.toBe(4);
        await finishConsolePage(page, "doctor-findings", width);
      });

      it("the notice on an organization's settings page: the permissions its installation has not accepted, with the link", async () => {
        const context = await browser.newContext({ viewport: { width, height: width === PHONE ? 844 : 900 } });
        await context.route(/^https:\/\/avatars\.githubusercontent\.com\//, (route) =>
          route.fulfill({ status: 200, contentType: "image/svg+xml", body: AVATAR_SVG }),
        );
        const page = await context.newPage();
        await signInWithDevForm(page, server.url, "/workspace/settings/repos", {
          email: "admin@acme-corp.example",
          organizationId: "org_01JACMECORP",
          role: "admin",
        });
        const notice = page.getByTestId("permissions-notice");
        await expect(notice.getByRole("listitem").allTextContents()).resolves.toEqual(["members: read (not granted)"]);
        await expect(
          notice.getByRole("link", { name: "Review and accept the permissions on GitHub" }).getAttribute("href"),
        ).resolves.toMatch(/\/organizations\/acme-corp\/settings\/installations\/41000001$/);
        await finishConsolePage(page, "doctor-settings-notice", width);
      });

      it("Doctor, clean: nothing to fix, every installation up to date", async () => {
        const scopes = [
          nockGetApp({ external_url: BASE_URL, permissions: MANIFEST_PERMISSIONS }),
          nockGetAppHookConfig({ url: WEBHOOK_URL }),
        ];
        const page = await openConsoleAs(browser, server.url, width, OPERATOR_PAGES.doctor);
        for (const scope of scopes) expect(scope.isDone()).toBe(true);
        await expect(page.getByTestId("doctor-summary").textContent()).resolves.toBe(
          "Nothing to fix: the live App matches app.yml and BASE_URL.",
        );
        await expect(page.getByTestId("doctor-behind-total").textContent()).resolves.toBe(
          "Every installation has accepted the App's current permissions.",
        );
        await finishConsolePage(page, "doctor-clean", width);
      });
    });
  }
});
