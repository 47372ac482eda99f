import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import type { Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { createAssembly } from "../../src/assembly.js";
import { seriousViolations } from "../helpers/accessibility.js";
import { chromiumAvailable, launchBrowser, screenshot } from "../helpers/browser.js";
import { connectTestDatabase, dropAndClose } from "../helpers/database.js";
import { listen } from "../helpers/test-server.js";
import { captureLogger } from "../helpers/test-logger.js";

/** Setup mode's /probot page (no App registered yet) in Chromium, on a desktop and a phone. */
describe.skipIf(!chromiumAvailable())("the /probot setup page, in a real browser", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "github-connect-probot-page-"));
  let connection: Connection;
  let browser: Browser;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    connection = await connectTestDatabase();
    const config = loadConfig({ NODE_ENV: "development", BASE_URL: "https://connect.example.com" });
    const app = await createAssembly({ config, log: captureLogger().log, database: { connection } }).webApp({
      dotenvPath: path.join(dir, ".env"),
    });
    const started = await listen(app);
    url = started.url;
    close = () => new Promise((resolve) => started.server.close(() => resolve()));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    await dropAndClose(connection);
    rmSync(dir, { recursive: true, force: true });
  });

  it("the accessibility check is not vacuous: an image without alt text is a critical violation", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setContent(
      '<!doctype html><html lang="en"><title>t</title><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></html>',
    );
    expect(await seriousViolations(page)).toEqual([expect.stringMatching(/^image-alt \(critical\)/)]);
    await context.close();
  });

  for (const width of [1280, 390]) {
    it(`reads and fits at ${width} px, with no serious axe violation`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 844 } });
      const page = await context.newPage();
      const response = await page.goto(`${url}/probot`);
      expect(response?.status()).toBe(200);
      await expect(page.getByRole("heading", { level: 1 }).first().isVisible()).resolves.toBe(true);
      await expect(
        page
          .getByRole("button", { name: /Register/ })
          .first()
          .isVisible(),
      ).resolves.toBe(true);
      await expect(page.evaluate<number>("document.documentElement.scrollWidth")).resolves.toBeLessThanOrEqual(width);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, `probot-setup-${width}`);
      await context.close();
    });
  }
});
