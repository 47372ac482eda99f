import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import { seriousViolations } from "./accessibility.js";
import { screenshot } from "./browser.js";
import { OPERATOR_EMAIL } from "./operator.js";

export const DESKTOP = 1280;
export const PHONE = 390;

/**
 * A fresh browser context `width` px wide, signed in through the development form as the operator
 * (no organization of their own), landing on the console page at `path` (which must answer 200).
 */
export async function openConsoleAs(browser: Browser, baseUrl: string, width: number, path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: width === PHONE ? 844 : 900 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/auth/login`);
  await page.getByLabel("Email").fill(OPERATOR_EMAIL);
  await page.getByLabel("Organization id").fill("");
  await page.getByLabel("Role").selectOption("member");
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
  const response = await page.goto(`${baseUrl}${path}`);
  expect(response?.status(), path).toBe(200);
  return page;
}

/**
 * What every console page must hold at every width: nothing scrolls the page sideways (wide tables
 * scroll in their own box), axe finds no serious or critical violation; then the screenshot
 * (test-results/screenshots/operator-<name>-<width>.png) and the context closed.
 */
export async function finishConsolePage(page: Page, name: string, width: number): Promise<void> {
  await expect(page.evaluate<number>("document.documentElement.scrollWidth")).resolves.toBeLessThanOrEqual(width);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, `operator-${name}-${width}`);
  await page.context().close();
}
