import { describe, expect, test } from "vitest";
import { readMarketplaceAccount, readMarketplacePlan } from "../../src/github/marketplace-purchase.js";
import { MalformedPayloadError } from "../../src/github/payload.js";
import { githubFixture, type Json } from "../helpers/github/fixtures.js";

describe("reading the Marketplace API's answers", () => {
  test("GitHub's documented example account, as it is: the plan, the trial and the pending change", () => {
    expect(readMarketplaceAccount(githubFixture("marketplace-account"))).toEqual({
      accountId: 4,
      accountLogin: "github",
      accountType: "Organization",
      plan: {
        id: 1313,
        name: "Pro",
        priceModel: "FLAT_RATE",
        monthlyPriceInCents: 1099,
        yearlyPriceInCents: 11870,
        unitName: null,
        hasFreeTrial: true,
      },
      billingCycle: "monthly",
      unitCount: null,
      onFreeTrial: true,
      freeTrialEndsOn: new Date("2017-11-11T00:00:00Z"),
      nextBillingDate: new Date("2017-11-11T00:00:00Z"),
      pendingChange: {
        plan: {
          id: 1111,
          name: "Startup",
          priceModel: "FLAT_RATE",
          monthlyPriceInCents: 699,
          yearlyPriceInCents: 7870,
          unitName: null,
          hasFreeTrial: true,
        },
        unitCount: null,
        billingCycle: null,
        effectiveDate: new Date("2017-11-11T00:00:00Z"),
      },
    });
  });

  test("GitHub's documented example plan list; older answers spell the price model flat-rate", () => {
    const [plan] = githubFixture<Json[]>("marketplace-listing-plans");
    expect(readMarketplacePlan(plan!)).toMatchObject({ id: 1313, name: "Pro", priceModel: "FLAT_RATE" });
    expect(readMarketplacePlan({ ...plan!, price_model: "per-unit" }).priceModel).toBe("PER_UNIT");
  });

  test("an account listed under a plan without its own plan object takes the listed one; without either it is refused", () => {
    const account = githubFixture<Json & { marketplace_purchase: Json }>("marketplace-account");
    delete account.marketplace_purchase.plan;
    account.marketplace_pending_change = null;
    const listed = readMarketplacePlan(githubFixture<Json[]>("marketplace-listing-plans")[0]!);
    expect(readMarketplaceAccount(account, listed)).toMatchObject({ plan: { id: 1313 }, pendingChange: null });
    expect(() => readMarketplaceAccount(account)).toThrow(MalformedPayloadError);
  });
});
