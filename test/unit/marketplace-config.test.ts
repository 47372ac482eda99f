import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { configErrorFor as errorFor, productionEnv, testEnv } from "../helpers/test-config.js";

describe("MARKETPLACE_LISTING_URL and MARKETPLACE_STUBBED", () => {
  test("both are optional: no upgrade link, the live Marketplace endpoints", () => {
    expect(loadConfig(productionEnv()).marketplace).toEqual({ listingUrl: null, stubbed: false });
  });

  test("the listing URL is validated once at start-up", () => {
    expect(
      loadConfig(testEnv({ MARKETPLACE_LISTING_URL: "https://github.com/marketplace/github-connect" })).marketplace
        .listingUrl,
    ).toBe("https://github.com/marketplace/github-connect");
    expect(errorFor(testEnv({ MARKETPLACE_LISTING_URL: "github.com/marketplace/x" }))).toBe(
      'MARKETPLACE_LISTING_URL must be an absolute http(s) URL such as https://github.com/marketplace/<listing>, got "github.com/marketplace/x"',
    );
    expect(errorFor(testEnv({ MARKETPLACE_LISTING_URL: "javascript:alert(1)" }))).toContain(
      "MARKETPLACE_LISTING_URL must be an absolute http(s) URL",
    );
  });

  test("MARKETPLACE_STUBBED is true or false, nothing else", () => {
    expect(loadConfig(testEnv({ MARKETPLACE_STUBBED: "true" })).marketplace.stubbed).toBe(true);
    expect(loadConfig(testEnv({ MARKETPLACE_STUBBED: "false" })).marketplace.stubbed).toBe(false);
    expect(errorFor(testEnv({ MARKETPLACE_STUBBED: "yes" }))).toBe(
      'MARKETPLACE_STUBBED must be "true" or "false", got "yes"',
    );
  });
});
