import type { Browser, Page } from "playwright-core";
import type { Connection } from "mongoose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchBrowser, screenshot, signInWithDevForm } from "../helpers/browser.js";
import { connectTestDatabase, dropAndClose } from "../helpers/database.js";
import { ACME } from "../helpers/github/fixtures.js";
import { nockInstallationToken } from "../helpers/github/installation-tokens.js";
import { nockCreateOrgRepo } from "../helpers/github/repos.js";
import { SETTINGS } from "../helpers/github-connect.js";
import { storeInstallation } from "../helpers/internal-api.js";
import { testConfig } from "../helpers/test-config.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

/** The settings page's New project form in Chromium: GitHub's API answered by nock, github.com by a stand-in page. */
describe.skipIf(!chromiumAvailable())("creating projects in a real browser", () => {
  let connection: Connection;
  let server: TestServer;
  let browser: Browser;
  const org = "org_browser_projects";
  const cspViolations: string[] = [];

  beforeAll(async () => {
    connection = await connectTestDatabase();
    server = await startTestServer({
      connection,
      config: testConfig({ DEFAULT_REPOS: "developer-guide,engineering.tickets" }),
    });
    browser = await launchBrowser();
    await storeInstallation(server.models, { installationId: 79001, organizationId: org });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dropAndClose(connection);
  });

  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  async function signedInAdmin(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    await context.route(/^https:\/\/github\.com\//, (route) =>
      route.fulfill({
        status: 200,
        contentType: "text/html",
        body: "<!doctype html><title>GitHub (stand-in)</title><h1>GitHub stand-in</h1>",
      }),
    );
    const page = await context.newPage();
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
    });
    await signInWithDevForm(page, server.url, SETTINGS, {
      email: "ada@acme.example",
      organizationId: org,
      role: "admin",
    });
    return page;
  }

  const projects = (page: Page) => page.getByRole("region", { name: /^Projects/ });
  const newProject = (page: Page) => page.getByRole("region", { name: "New project" });

  it("an admin creates a project and sees it listed with its GitHub link; a bad name is refused with the rule", async () => {
    const page = await signedInAdmin();
    await expect(projects(page).getByText("No projects yet.").isVisible()).resolves.toBe(true);
    await screenshot(page, "projects-1-form");

    // A name GitHub would not take: refused with the rule, before any GitHub call.
    await newProject(page).getByLabel("Repository name").fill("my handbook");
    await newProject(page).getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(`${server.url}${SETTINGS}`);
    await expect(page.getByRole("alert").textContent()).resolves.toContain(
      "“my handbook” cannot be a GitHub repository name",
    );

    nockInstallationToken(79001);
    nockCreateOrgRepo(ACME, "handbook", { id: 75301 });
    await newProject(page).getByLabel("Repository name").fill("handbook");
    await newProject(page).getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(`${server.url}${SETTINGS}`);

    const flash = page.getByRole("status").filter({ hasText: "Created the project handbook" });
    await expect(flash.isVisible()).resolves.toBe(true);
    await expect(flash.getByRole("link", { name: "acme-corp/handbook" }).getAttribute("href")).resolves.toBe(
      "https://github.com/acme-corp/handbook",
    );
    await expect(page.getByRole("heading", { name: "Projects (1)" }).isVisible()).resolves.toBe(true);
    const row = projects(page).getByRole("row", { name: /handbook/ });
    await expect(row.getByText("Reachable").isVisible()).resolves.toBe(true);
    const link = row.getByRole("link", { name: "acme-corp/handbook" });
    await expect(link.getAttribute("href")).resolves.toBe("https://github.com/acme-corp/handbook");
    await screenshot(page, "projects-2-created");

    // The link opens the repository on GitHub (the stand-in here).
    await link.click();
    await page.waitForURL("https://github.com/acme-corp/handbook");
  });

  it("the default repositories in one click, then again: nothing more", async () => {
    const page = await signedInAdmin();
    // The installation's token minted in the test before is still in the App's cache.
    nockCreateOrgRepo(ACME, "developer-guide", { id: 75302 });
    nockCreateOrgRepo(ACME, "engineering.tickets", { id: 75303 });
    await newProject(page).getByRole("button", { name: "Create default repositories" }).click();
    await page.waitForURL(`${server.url}${SETTINGS}`);
    await expect(
      page
        .getByRole("status")
        .filter({ hasText: "Default repositories: created developer-guide and engineering.tickets." })
        .isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByRole("heading", { name: "Projects (3)" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "projects-3-defaults");

    await newProject(page).getByRole("button", { name: "Create default repositories" }).click();
    await page.waitForURL(`${server.url}${SETTINGS}`);
    await expect(
      page.getByRole("status").filter({ hasText: "Every default repository is already a project" }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByRole("heading", { name: "Projects (3)" }).isVisible()).resolves.toBe(true);
  });
});
