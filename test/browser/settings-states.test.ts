import type { Browser, Page } from "playwright-core";
import type { Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "../helpers/accessibility.js";
import { AVATAR_SVG, chromiumAvailable, launchBrowser, screenshot, signInWithDevForm } from "../helpers/browser.js";
import { connectTestDatabase, dropAndClose } from "../helpers/database.js";
import { nockGetApp } from "../helpers/github/apps.js";
import { ACME } from "../helpers/github/fixtures.js";
import { SETTINGS, startConnectServer } from "../helpers/github-connect.js";
import type { TestServer } from "../helpers/test-server.js";

/** The browser's, in functions run in the page (the project's TypeScript has no DOM library). */
declare const getComputedStyle: (element: unknown) => { color: string; marginTop: string };

const DESKTOP = 1280;
const PHONE = 390;

/**
 * Every state of the settings page in Chromium, on a desktop and on a phone: what a person reads,
 * that nothing scrolls sideways on a 390 px phone, and that axe finds no serious or critical
 * accessibility violation. Screenshots: test-results/screenshots/<state>-<width>.png.
 */
describe.skipIf(!chromiumAvailable())("the settings page's states, in a real browser", () => {
  let connection: Connection;
  let server: TestServer;
  let browser: Browser;
  const email = "ada.lovelace@analytical-engines.example";

  beforeAll(async () => {
    connection = await connectTestDatabase();
    // The App as GitHub names it: asked once, on the first page, and kept for the whole file.
    nockGetApp();
    server = await startConnectServer(connection);
    browser = await launchBrowser();
    const { GitHubInstallation, Repo, InstallRequest } = server.models;
    const base = {
      accountId: ACME.id,
      accountLogin: ACME.login,
      accountType: "Organization",
      installedAt: new Date("2026-11-02T08:00:00Z"),
      // What the App asks for (test/fixtures/github/app.json), accepted: no permissions notice in these states.
      permissions: { administration: "write", contents: "write", members: "read", metadata: "read" },
    };
    await GitHubInstallation.create([
      { ...base, installationId: 59001, organizationId: "org_states_connected" },
      {
        ...base,
        installationId: 59002,
        organizationId: "org_states_suspended",
        suspendedAt: new Date("2026-11-20T10:00:00Z"),
      },
      {
        ...base,
        installationId: 59003,
        organizationId: "org_states_deleted",
        deletedAt: new Date("2026-11-22T10:00:00Z"),
      },
    ]);
    const repos = (organizationId: string, accessible: boolean) => [
      {
        organizationId,
        slug: "website",
        name: "Website",
        githubRepoId: 79001,
        fullName: "acme-corp/website",
        accessible,
      },
      {
        organizationId,
        slug: "handbook",
        name: "Handbook",
        githubRepoId: 79002,
        fullName: "acme-corp/handbook",
        accessible: false,
      },
      { organizationId, slug: "roadmap", name: "Roadmap", githubRepoId: null, accessible: false },
    ];
    await Repo.create([
      ...repos("org_states_connected", true),
      ...repos("org_states_suspended", true),
      ...repos("org_states_deleted", false),
    ]);
    await server.models.AuditEvent.create([
      {
        organizationId: "org_states_connected",
        actor: "user:dev_user_ada",
        actorName: "ada@example.com",
        action: "github.connected",
        details: { account: "acme-corp" },
        at: new Date("2026-11-02T08:00:00Z"),
      },
      {
        organizationId: "org_states_connected",
        actor: "github:octocat",
        action: "installation_repositories.removed",
        details: { added: 0, removed: 2 },
        at: new Date("2026-11-10T09:30:00Z"),
      },
      {
        organizationId: "org_states_connected",
        actor: "github:octocat",
        action: "installation.suspended",
        details: {},
        at: new Date("2026-11-12T10:00:00Z"),
      },
      {
        organizationId: "org_states_connected",
        actor: "github:octocat",
        action: "marketplace_purchase.changed",
        details: { plan: "Team" },
        at: new Date("2026-11-14T11:00:00Z"),
      },
    ]);
    await InstallRequest.create({
      organizationId: "org_states_pending",
      githubUserId: 80001,
      githubLogin: "mona-admin",
      requestedBy: "user:dev_user_1",
      requestedAt: new Date("2026-11-24T10:00:00Z"),
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dropAndClose(connection);
  });

  async function openAs(width: number, organizationId: string, role: "admin" | "member"): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: width === PHONE ? 844 : 900 } });
    await context.route(/^https:\/\/avatars\.githubusercontent\.com\//, (route) =>
      route.fulfill({ status: 200, contentType: "image/svg+xml", body: AVATAR_SVG }),
    );
    const page = await context.newPage();
    await signInWithDevForm(page, server.url, SETTINGS, { email, organizationId, role });
    return page;
  }

  const card = (page: Page) => page.getByRole("region", { name: /^Connection/ });
  const stateBadge = (page: Page) => card(page).getByTestId("connection-state").textContent();
  const accessOf = (page: Page, project: string) =>
    page.getByRole("row").filter({ hasText: project }).locator(".status").textContent();
  const colourOf = (page: Page, project: string) =>
    page
      .getByRole("row")
      .filter({ hasText: project })
      .locator(".status")
      .evaluate((element) => getComputedStyle(element).color);
  const GREEN = "rgb(26, 127, 55)";
  const RED = "rgb(207, 34, 46)";

  /** The page fits the viewport's width (no sideways scroll), has no serious axe violation, and is saved. */
  async function finish(page: Page, name: string, width: number): Promise<void> {
    await expect(page.evaluate<number>("document.documentElement.scrollWidth")).resolves.toBeLessThanOrEqual(width);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, `${name}-${width}`);
    await page.context().close();
  }

  for (const width of [DESKTOP, PHONE]) {
    describe(`${width} px wide`, () => {
      it("disconnected, admin: Connect GitHub is the one action", async () => {
        const page = await openAs(width, "org_states_fresh", "admin");
        await expect(stateBadge(page)).resolves.toBe("Not connected");
        await expect(card(page).getByRole("link", { name: "Connect GitHub" }).isVisible()).resolves.toBe(true);
        await expect(page.getByText("Connect GitHub to create projects.").isVisible()).resolves.toBe(true);
        await finish(page, "disconnected-admin", width);
      });

      it("disconnected, member: the member's empty state, no Connect button", async () => {
        const page = await openAs(width, "org_states_fresh", "member");
        await expect(
          page.getByText("Your organization's admins connect GitHub; projects appear here once they do.").isVisible(),
        ).resolves.toBe(true);
        await expect(page.getByText("Connect GitHub to create projects.").count()).resolves.toBe(0);
        await expect(page.locator("main").getByRole("link", { name: "Connect GitHub" }).count()).resolves.toBe(0);
        await finish(page, "member-empty", width);
      });

      it("a pending install request is one state: waiting, with no primary Connect button", async () => {
        const page = await openAs(width, "org_states_pending", "admin");
        await expect(stateBadge(page)).resolves.toBe("Waiting for approval");
        await expect(
          card(page)
            .getByText(
              "mona-admin asked an owner of the GitHub organization to install Acme Workspaces on 24 November 2026.",
            )
            .isVisible(),
        ).resolves.toBe(true);
        await expect(page.locator("main .button-primary").count()).resolves.toBe(0);
        await expect(
          card(page).getByRole("link", { name: "Start connecting again" }).getAttribute("href"),
        ).resolves.toBe("/github/connect");
        await finish(page, "pending-request", width);
      });

      it("a pending install request, seen by a member: the same wait, nothing to press", async () => {
        const page = await openAs(width, "org_states_pending", "member");
        await expect(stateBadge(page)).resolves.toBe("Waiting for approval");
        await expect(
          card(page)
            .getByText("It connects here by itself once they approve; nothing else is needed.", { exact: false })
            .isVisible(),
        ).resolves.toBe(true);
        await expect(
          page
            .locator("main")
            .getByRole("link", { name: /Connect/ })
            .count(),
        ).resolves.toBe(0);
        await expect(page.locator("main").getByText("can connect GitHub").count()).resolves.toBe(0);
        await expect(
          page.getByText("Your organization's admins connect GitHub; projects appear here once they do.").isVisible(),
        ).resolves.toBe(true);
        await finish(page, "pending-request-member", width);
      });

      it("connected: the account with its avatar and link; reachable is green, unreachable says how to fix it, not created is neutral", async () => {
        const page = await openAs(width, "org_states_connected", "admin");
        await expect(stateBadge(page)).resolves.toBe("Connected");
        await expect(
          card(page).getByRole("link", { name: "acme-corp", exact: true }).getAttribute("href"),
        ).resolves.toBe("https://github.com/acme-corp");
        await expect(
          card(page)
            .locator("img.avatar")
            .evaluate(
              (img) =>
                (img as unknown as { complete: boolean; naturalWidth: number }).complete &&
                (img as unknown as { naturalWidth: number }).naturalWidth > 0,
            ),
        ).resolves.toBe(true);
        await expect(card(page).locator("svg.github-mark").isVisible()).resolves.toBe(true);
        // The App as GitHub names it, in the header and linked to its page on GitHub.
        await expect(page.getByRole("banner").getByRole("link", { name: "Acme Workspaces" }).isVisible()).resolves.toBe(
          true,
        );
        await expect(card(page).getByRole("link", { name: "Acme Workspaces" }).getAttribute("href")).resolves.toBe(
          "https://github.com/apps/github-connect-test",
        );
        if (width === DESKTOP) {
          // A long email does not push the account onto a second row: the header stays one line.
          const brand = await page.getByRole("banner").locator(".brand").boundingBox();
          const signOut = await page.getByRole("banner").getByRole("button", { name: "Sign out" }).boundingBox();
          expect(Math.abs(brand!.y + brand!.height / 2 - (signOut!.y + signOut!.height / 2))).toBeLessThan(8);
          await expect(page.getByRole("banner").locator(".account-email").getAttribute("title")).resolves.toBe(email);
        }
        await expect(accessOf(page, "Website")).resolves.toBe("Reachable");
        await expect(colourOf(page, "Website")).resolves.toBe(GREEN);
        await expect(accessOf(page, "Handbook")).resolves.toBe("Not reachable");
        await expect(colourOf(page, "Handbook")).resolves.toBe(RED);
        const fix = page
          .getByRole("row")
          .filter({ hasText: "Handbook" })
          .getByRole("link", { name: "Add it to the installation on GitHub" });
        await expect(fix.getAttribute("href")).resolves.toBe(
          "https://github.com/organizations/acme-corp/settings/installations/59001",
        );
        await expect(accessOf(page, "Roadmap")).resolves.toBe("Not created yet");
        await expect(colourOf(page, "Roadmap")).resolves.not.toBe(RED);
        // Links are in the accent colour; card headings start at the card's padding.
        await expect(fix.evaluate((a) => getComputedStyle(a).color)).resolves.toBe("rgb(9, 105, 218)");
        await expect(
          card(page)
            .locator("h2")
            .evaluate((h) => getComputedStyle(h).marginTop),
        ).resolves.toBe("0px");
        await finish(page, "connected", width);
      });

      it("suspended: the heading says Suspended and the projects' access is paused, not green Reachable", async () => {
        const page = await openAs(width, "org_states_suspended", "admin");
        await expect(card(page).getByRole("heading", { level: 2 }).textContent()).resolves.toMatch(
          /^Connection\s+Suspended$/,
        );
        await expect(card(page).getByText("Suspended since 20 November 2026.").isVisible()).resolves.toBe(true);
        await expect(accessOf(page, "Website")).resolves.toBe("Paused while suspended");
        await expect(colourOf(page, "Website")).resolves.not.toBe(GREEN);
        await expect(page.locator("main").getByText("Reachable", { exact: true }).count()).resolves.toBe(0);
        await expect(accessOf(page, "Roadmap")).resolves.toBe("Not created yet");
        await finish(page, "suspended", width);
      });

      it("disconnected after a removal: Reconnect GitHub, projects paused until then", async () => {
        const page = await openAs(width, "org_states_deleted", "admin");
        await expect(stateBadge(page)).resolves.toBe("Disconnected");
        await expect(card(page).getByRole("link", { name: "Reconnect GitHub" }).isVisible()).resolves.toBe(true);
        await expect(accessOf(page, "Website")).resolves.toBe("Paused until GitHub is reconnected");
        await expect(colourOf(page, "Website")).resolves.not.toBe(RED);
        await finish(page, "deleted", width);
      });

      it("Disconnect asks first, on a page naming the account", async () => {
        const page = await openAs(width, "org_states_connected", "admin");
        await page.getByRole("link", { name: "Disconnect…" }).click();
        await page.waitForURL(`${server.url}/github/disconnect`);
        await expect(page.getByRole("heading", { name: "Disconnect acme-corp?" }).isVisible()).resolves.toBe(true);
        await expect(page.getByRole("button", { name: "Disconnect acme-corp" }).isVisible()).resolves.toBe(true);
        await expect(page.getByRole("link", { name: "Cancel" }).getAttribute("href")).resolves.toBe(SETTINGS);
        await finish(page, "disconnect-confirm", width);
      });

      it("an invalid installation number: the error page says invalid, with no status code", async () => {
        const page = await openAs(width, "org_states_fresh", "admin");
        const response = await page.goto(`${server.url}/github/setup?installation_id=abc&setup_action=install`);
        expect(response?.status()).toBe(400);
        await expect(
          page.getByRole("heading", { name: "This installation number is not valid" }).isVisible(),
        ).resolves.toBe(true);
        await expect(page.locator("main").textContent()).resolves.not.toMatch(/Error 400|missing/);
        await finish(page, "error-invalid", width);
      });

      it("activity: the connection's events as sentences, newest first, reached from Settings", async () => {
        const page = await openAs(width, "org_states_connected", "member");
        await page.getByRole("link", { name: "Activity" }).click();
        await page.waitForURL(`${server.url}/workspace/settings/activity`);
        await expect(page.locator("ol.activity .activity-sentence").allTextContents()).resolves.toEqual([
          "Plan changed to Team by octocat",
          "Suspended by octocat",
          "octocat removed 2 repositories on GitHub",
          "ada@example.com connected acme-corp",
        ]);
        await finish(page, "activity", width);
      });

      it("the sign-in page", async () => {
        const context = await browser.newContext({ viewport: { width, height: 844 } });
        const page = await context.newPage();
        await page.goto(`${server.url}/auth/login`);
        await expect(page.getByRole("button", { name: "Sign in" }).isVisible()).resolves.toBe(true);
        await finish(page, "sign-in", width);
      });
    });
  }
});
