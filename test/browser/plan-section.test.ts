import type { Browser, Page } from "playwright-core";
import type { Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchBrowser, screenshot, signInWithDevForm } from "../helpers/browser.js";
import { connectTestDatabase, dropAndClose } from "../helpers/database.js";
import { ACME } from "../helpers/github/fixtures.js";
import { SETTINGS } from "../helpers/github-connect.js";
import { deliverPurchase, LISTING } from "../helpers/marketplace.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { testConfig } from "../helpers/test-config.js";

/** The settings page's Plan section in Chromium: what a person reads as the plan changes. */
describe.skipIf(!chromiumAvailable())("the plan on the settings page, in a real browser", () => {
  const LISTING_URL = "https://github.com/marketplace/github-connect-test";
  const org = "org_browser_plan";
  let connection: Connection;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    connection = await connectTestDatabase();
    server = await startTestServer({
      connection,
      config: testConfig({ MARKETPLACE_LISTING_URL: LISTING_URL }),
      now: new Date("2026-11-24T12:00:00Z"),
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await dropAndClose(connection);
  });

  async function signInAdmin(page: Page): Promise<void> {
    await signInWithDevForm(page, server.url, SETTINGS, {
      email: "ada@acme.example",
      organizationId: org,
      role: "admin",
    });
  }

  const visible = (page: Page, text: string) =>
    page.getByRole("region", { name: "Plan" }).getByText(text, { exact: true }).isVisible();

  it("shows the plan, repos used against the limit, the trial's end, a downgrade's date, and the limit once it applies", async () => {
    await server.models.GitHubInstallation.create({
      installationId: 58301,
      accountId: ACME.id,
      accountLogin: ACME.login,
      accountType: "Organization",
      organizationId: org,
    });
    await server.models.Repo.create(
      ["web", "api", "docs"].map((slug, i) => ({
        organizationId: org,
        slug,
        name: slug,
        githubRepoId: 83000 + i,
        fullName: `acme-corp/${slug}`,
        accessible: true,
      })),
    );
    const base = { account: ACME, effectiveDate: "2026-11-24T00:00:00+00:00" } as const;
    await deliverPurchase(server.url, {
      ...base,
      action: "purchased",
      plan: LISTING.starter,
      onFreeTrial: true,
      freeTrialEndsOn: "2026-12-08T00:00:00+00:00",
    });

    const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await signInAdmin(page);
    const plan = page.getByRole("region", { name: "Plan" });
    await expect(plan.getByRole("heading", { name: "Plan" }).isVisible()).resolves.toBe(true);
    await expect(visible(page, "Starter")).resolves.toBe(true);
    await expect(visible(page, "3 of 5 repos")).resolves.toBe(true);
    await expect(visible(page, "Free trial until 8 December 2026")).resolves.toBe(true);
    await expect(
      plan.getByRole("link", { name: "Change plan on GitHub Marketplace" }).getAttribute("href"),
    ).resolves.toBe(LISTING_URL);
    await screenshot(page, "plan-1-trial");

    // The customer downgrades on GitHub: it takes effect at the end of the billing cycle.
    await deliverPurchase(server.url, {
      ...base,
      action: "pending_change",
      effectiveDate: "2026-12-01T00:00:00+00:00",
      plan: LISTING.free,
      previous: { plan: LISTING.starter },
    });
    await page.reload();
    await expect(visible(page, "Changes to Free on 1 December 2026.")).resolves.toBe(true);
    await expect(plan.locator("time", { hasText: "1 December 2026" }).getAttribute("datetime")).resolves.toBe(
      "2026-12-01T00:00:00.000Z",
    );
    await screenshot(page, "plan-2-pending-downgrade");

    // The effective date passes with no further webhook: the free plan's limit applies, nothing is deleted.
    server.setNow(new Date("2026-12-01T00:00:01Z"));
    await page.reload();
    await expect(visible(page, "Free")).resolves.toBe(true);
    await expect(visible(page, "3 of 3 repos")).resolves.toBe(true);
    await expect(
      visible(page, "The Free plan allows 3 repos and your organization has 3. The Starter plan allows 5 repos."),
    ).resolves.toBe(true);
    await expect(plan.getByText("Changes to").count()).resolves.toBe(0);
    await expect(page.getByRole("heading", { name: "Projects (3)" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "plan-3-after-downgrade");
  });
});
