import type { Browser, Page } from "playwright-core";
import type { Connection } from "mongoose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AVATAR_SVG, chromiumAvailable, launchBrowser, screenshot, signInWithDevForm } from "../helpers/browser.js";
import { connectTestDatabase, dropAndClose } from "../helpers/database.js";
import { nockInstallationToken } from "../helpers/github/installation-tokens.js";
import {
  nockDeleteInstallation,
  nockGetInstallation,
  nockInstallationRepositories,
  nockUserInstallations,
} from "../helpers/github/installations.js";
import { nockMarketplaceAccount } from "../helpers/github/marketplace.js";
import { nockOAuthToken } from "../helpers/github/oauth.js";
import { SETTINGS, startConnectServer } from "../helpers/github-connect.js";
import type { TestServer } from "../helpers/test-server.js";

/**
 * The connect flow in Chromium against the app on loopback. GitHub's pages are never reached:
 * the browser's requests to github.com are answered by a stand-in page (so the test can read
 * where our app sent it), and the app's own calls to GitHub's API are answered by nock.
 */
describe.skipIf(!chromiumAvailable())("connecting GitHub in a real browser", () => {
  let connection: Connection;
  let server: TestServer;
  let browser: Browser;
  const org = "org_browser";
  /** What Chromium refused under the Content-Security-Policy, on any page of any test. */
  const cspViolations: string[] = [];

  beforeAll(async () => {
    connection = await connectTestDatabase();
    server = await startConnectServer(connection);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dropAndClose(connection);
  });

  async function newPage(viewport = { width: 1100, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    await context.route(/^https:\/\/github\.com\//, (route) =>
      route.fulfill({
        status: 200,
        contentType: "text/html",
        body: "<!doctype html><title>GitHub (stand-in)</title><h1>GitHub stand-in</h1>",
      }),
    );
    await context.route(/^https:\/\/avatars\.githubusercontent\.com\//, (route) =>
      route.fulfill({ status: 200, contentType: "image/svg+xml", body: AVATAR_SVG }),
    );
    const page = await context.newPage();
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
    });
    return page;
  }

  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  async function signIn(page: Page, email: string, role: "admin" | "member", organizationId = org): Promise<void> {
    await signInWithDevForm(page, server.url, SETTINGS, { email, organizationId, role });
  }

  const connection_ = (page: Page) => page.getByRole("region", { name: "Connection" });

  it("an admin connects, sees the connection, disconnects, and is offered Reconnect with the repos pre-selected", async () => {
    const page = await newPage();
    await signIn(page, "ada@acme.example", "admin");

    // Disconnected.
    await expect(connection_(page).getByTestId("connection-state").textContent()).resolves.toBe("Not connected");
    // Said once, in the heading's badge, not again beneath it.
    await expect(connection_(page).getByText("Not connected", { exact: true }).count()).resolves.toBe(1);
    await expect(connection_(page).getByText("“Only select repositories”").isVisible()).resolves.toBe(true);
    await expect(page.getByText("Connect GitHub to create projects.").isVisible()).resolves.toBe(true);
    await screenshot(page, "connect-1-disconnected");

    // Connect GitHub → GitHub's install page, with our state.
    await page.getByRole("link", { name: "Connect GitHub" }).click();
    await page.waitForURL(/^https:\/\/github\.com\//);
    const install = new URL(page.url());
    expect(install.origin + install.pathname).toBe("https://github.com/apps/github-connect-test/installations/new");
    const installState = install.searchParams.get("state")!;
    expect(installState).toMatch(/^[\w-]+\.[\w-]+$/);

    // GitHub sends the browser to our setup URL; we send it on to GitHub's OAuth step. (Playwright
    // does not intercept a redirect's target, so the setup URL is requested with this browser's
    // cookies and the redirect read, not followed.)
    const setup = await page
      .context()
      .request.get(
        `${server.url}/github/setup?installation_id=57001&setup_action=install&state=${encodeURIComponent(installState)}`,
        { maxRedirects: 0 },
      );
    expect(setup.status()).toBe(303);
    const authorize = new URL(setup.headers().location!);
    expect(authorize.origin + authorize.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://127.0.0.1:3000/github/callback");
    const oauthState = authorize.searchParams.get("state")!;

    // GitHub sends the browser to our callback with a code.
    nockOAuthToken({ code: "browser-code" });
    nockUserInstallations([[{ id: 57001, createdAt: "2026-11-24T11:58:02Z" }]]);
    nockMarketplaceAccount(90001, null); // once linked, the account's Marketplace purchase is asked for: none
    nockInstallationToken(57001);
    nockInstallationRepositories([[]]);
    await page.goto(`${server.url}/github/callback?code=browser-code&state=${encodeURIComponent(oauthState)}`);
    await page.waitForURL(`${server.url}${SETTINGS}`);
    await expect(
      page.getByRole("status").filter({ hasText: "Connected to acme-corp on GitHub." }).isVisible(),
    ).resolves.toBe(true);
    await expect(connection_(page).getByRole("heading", { name: "Connection Connected" }).isVisible()).resolves.toBe(
      true,
    );
    await expect(
      connection_(page).getByRole("link", { name: "acme-corp", exact: true }).getAttribute("href"),
    ).resolves.toBe("https://github.com/acme-corp");
    await expect(connection_(page).getByText("Organization", { exact: true }).isVisible()).resolves.toBe(true);
    await expect(connection_(page).getByText("Installed 24 November 2026").isVisible()).resolves.toBe(true);
    await expect(connection_(page).getByRole("link", { name: "Manage on GitHub" }).getAttribute("href")).resolves.toBe(
      "https://github.com/organizations/acme-corp/settings/installations/57001",
    );
    await screenshot(page, "connect-2-connected");

    // The app creates projects; one of them is no longer reachable.
    await server.models.Repo.create([
      {
        organizationId: org,
        slug: "website",
        name: "Website",
        githubRepoId: 77001,
        fullName: "acme-corp/website",
        accessible: true,
      },
      {
        organizationId: org,
        slug: "handbook",
        name: "Handbook",
        githubRepoId: 77002,
        fullName: "acme-corp/handbook",
        accessible: false,
      },
    ]);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Projects (2)" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "connect-3-connected-with-projects");

    // Keyboard: Tab reaches Disconnect.
    await page.getByRole("link", { name: "Manage on GitHub" }).focus();
    await page.keyboard.press("Tab");
    await expect(page.evaluate("document.activeElement?.textContent?.trim()")).resolves.toBe("Disconnect…");

    // Disconnect asks first, naming the account.
    await page.getByRole("link", { name: "Disconnect…" }).click();
    await page.waitForURL(`${server.url}/github/disconnect`);
    await expect(page.getByRole("heading", { name: "Disconnect acme-corp?" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("link", { name: "Cancel" }).getAttribute("href")).resolves.toBe(SETTINGS);
    await screenshot(page, "connect-4a-disconnect-confirm");
    nockDeleteInstallation(57001);
    await page.getByRole("button", { name: "Disconnect acme-corp" }).click();
    await page.waitForURL(`${server.url}${SETTINGS}`);
    await expect(page.getByRole("status").filter({ hasText: "Disconnected from acme-corp" }).isVisible()).resolves.toBe(
      true,
    );
    await expect(connection_(page).getByRole("heading", { name: "Connection Disconnected" }).isVisible()).resolves.toBe(
      true,
    );
    const reconnect = await connection_(page).getByRole("link", { name: "Reconnect GitHub" }).getAttribute("href");
    const reconnectUrl = new URL(reconnect!);
    expect(reconnectUrl.pathname).toBe("/apps/github-connect-test/installations/new/permissions");
    expect(reconnectUrl.searchParams.get("suggested_target_id")).toBe("90001");
    expect(reconnectUrl.searchParams.getAll("repository_ids[]")).toEqual(["77001", "77002"]);
    expect(reconnectUrl.searchParams.get("state")).toMatch(/^[\w-]+\.[\w-]+$/);
    await screenshot(page, "connect-4-deleted-reconnect");
  });

  it("a suspended connection says how to lift the suspension; a phone shows it readably", async () => {
    await server.models.GitHubInstallation.create({
      installationId: 57002,
      accountId: 90001,
      accountLogin: "acme-corp",
      accountType: "Organization",
      organizationId: org,
      installedAt: new Date("2026-11-24T11:58:02Z"),
      suspendedAt: new Date("2026-11-24T12:00:00Z"),
    });
    const page = await newPage({ width: 390, height: 844 });
    await signIn(page, "ada@acme.example", "admin");
    await expect(connection_(page).getByText("Unsuspend").isVisible()).resolves.toBe(true);
    const overflow = await page.evaluate<number>(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth",
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "connect-5-suspended-phone");
  });

  it("a member sees the status with no buttons", async () => {
    const page = await newPage();
    await signIn(page, "bob@acme.example", "member");
    await expect(connection_(page).getByRole("link", { name: "acme-corp", exact: true }).isVisible()).resolves.toBe(
      true,
    );
    const main = page.locator("main");
    await expect(main.getByRole("button").count()).resolves.toBe(0);
    await expect(
      main.getByRole("link", { name: /Connect GitHub|Reconnect GitHub|Manage on GitHub/ }).count(),
    ).resolves.toBe(0);
    await expect(
      main.getByText("Only admins of your organization can change the GitHub connection.").isVisible(),
    ).resolves.toBe(true);
    await screenshot(page, "connect-6-member");
  });

  it("an install started on GitHub (no state of ours): GitHub's OAuth first, then the admin confirms on a page naming the account", async () => {
    const page = await newPage();
    await signIn(page, "grace@elsewhere.example", "admin", "org_browser_marketplace");
    // Setup names nothing and asks GitHub nothing: on to GitHub's OAuth step.
    // (Read, not followed, as above: Playwright does not intercept a redirect's target.)
    const setup = await page
      .context()
      .request.get(`${server.url}/github/setup?installation_id=57004&setup_action=install`, { maxRedirects: 0 });
    expect(setup.status()).toBe(303);
    const authorize = new URL(setup.headers().location!);
    expect(authorize.origin + authorize.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://127.0.0.1:3000/github/callback");
    const oauthState = authorize.searchParams.get("state")!;

    // GitHub shows grace the installation: only now is its account named.
    const elsewhere = { id: 57004, account: { id: 90004, login: "elsewhere-inc" } };
    nockOAuthToken({ code: "grace-code" });
    nockUserInstallations([[elsewhere]]);
    await page.goto(`${server.url}/github/callback?code=grace-code&state=${encodeURIComponent(oauthState)}`);
    await expect(
      page.getByRole("heading", { name: "Connect elsewhere-inc to your organization?" }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByRole("link", { name: "Cancel" }).getAttribute("href")).resolves.toBe(SETTINGS);
    await screenshot(page, "connect-8-confirm-install-from-github");

    // The form posts to us, and links it.
    nockGetInstallation(elsewhere);
    nockMarketplaceAccount(90004, null);
    nockInstallationToken(57004);
    nockInstallationRepositories([[]]);
    await page.getByRole("button", { name: "Connect elsewhere-inc" }).click();
    await page.waitForURL(`${server.url}${SETTINGS}`);
    await expect(
      page.getByRole("status").filter({ hasText: "Connected to elsewhere-inc on GitHub." }).isVisible(),
    ).resolves.toBe(true);
  });

  it("a refused link ends on a clear error page", async () => {
    const page = await newPage();
    await signIn(page, "ada@acme.example", "admin");
    const response = await page.goto(
      `${server.url}/github/setup?installation_id=57003&setup_action=install&state=forged.state`,
    );
    expect(response?.status()).toBe(400);
    await expect(page.getByRole("heading", { name: "This link is not valid" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "connect-7-error");
  });
});
