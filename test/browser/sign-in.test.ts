import type { Browser } from "playwright-core";
import type { Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAuthProbeServer } from "../helpers/auth-probe.js";
import { chromiumAvailable, launchBrowser, screenshot } from "../helpers/browser.js";
import { connectTestDatabase, dropAndClose } from "../helpers/database.js";
import type { TestServer } from "../helpers/test-server.js";

describe.skipIf(!chromiumAvailable())("sign-in in a real browser", () => {
  let connection: Connection;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    connection = await connectTestDatabase();
    server = await startAuthProbeServer(connection);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dropAndClose(connection);
  });

  it("an admin signs in through the development form, sees the banner and their email, and signs out", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/probe/org`);
    // Sent to sign in, with the way back remembered.
    expect(new URL(page.url()).pathname).toBe("/auth/login");
    await expect(page.getByRole("status").filter({ hasText: "Development sign-in" }).isVisible()).resolves.toBe(true);

    await page.getByLabel("Email").fill("grace@example.com");
    await page.getByLabel("Organization id").fill("org_browser");
    await page.getByLabel("Role").selectOption("admin");
    await screenshot(page, "sign-in-dev-form");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/probe/org`);

    const header = page.locator("header.site-header");
    await expect(header.getByText("grace@example.com").isVisible()).resolves.toBe(true);
    await expect(header.getByText("org_browser").isVisible()).resolves.toBe(true);
    await expect(header.getByText("Admin", { exact: true }).isVisible()).resolves.toBe(true);
    await expect(
      page.getByRole("status").filter({ hasText: "Signed in as grace@example.com." }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByText("Development sign-in: not for production use.").isVisible()).resolves.toBe(true);
    await screenshot(page, "signed-in-admin");

    await header.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${server.url}/auth/login`);
    await expect(page.getByRole("status").filter({ hasText: "You are signed out." }).isVisible()).resolves.toBe(true);
    await expect(page.locator("header.site-header").getByText("grace@example.com").count()).resolves.toBe(0);
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.name)).not.toContain("gc_session");
    await screenshot(page, "signed-out");
  });
});
