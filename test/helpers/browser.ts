import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium unless CHROMIUM_PATH says otherwise (CI installs it). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** True when Chromium is installed; browser tests skip (loudly) only when it is not. */
export function chromiumAvailable(): boolean {
  const available = existsSync(chromiumPath);
  if (!available) {
    console.warn(
      `[browser tests] SKIPPED: no Chromium at ${chromiumPath}. Install it (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  return available;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A stand-in for GitHub's avatar images: browser tests answer avatars.githubusercontent.com with it, never the network. */
export const AVATAR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#8250df"/></svg>';

const screenshotDir = path.resolve(import.meta.dirname, "../../test-results/screenshots");

/** Saves a full-page screenshot to test-results/screenshots/<name>.png (git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name.replace(/[^a-z0-9._-]+/gi, "-")}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Signs in through the development form the way a person does: opens `path` (which sends an
 * anonymous visitor to the form), fills it in, and waits to be back on `path`.
 */
export async function signInWithDevForm(
  page: Page,
  baseUrl: string,
  path: string,
  who: { email: string; organizationId: string; role: "admin" | "member" },
): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Organization id").fill(who.organizationId);
  await page.getByLabel("Role").selectOption(who.role);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${baseUrl}${path}`);
}
