import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/app-credentials.js";
import { configErrorFor as errorFor, productionEnv, testEnv } from "../helpers/test-config.js";

const production = productionEnv;

describe("start-up configuration", () => {
  test("a complete production environment loads", () => {
    const config = loadConfig(production());
    expect(config).toMatchObject({
      production: true,
      setupMode: false,
      baseUrl: "https://connect.example.com",
      mongodbUri: "mongodb://db.internal:27017/connect",
    });
    expect(config.github).toMatchObject({
      appId: 424242,
      appSlug: "github-connect-test",
      webUrl: "https://github.com",
      apiUrl: "https://api.github.com",
    });
    expect(config.github.marketplaceWebhookSecret).toBe("test-marketplace-secret");
  });

  test.each([
    ["APP_ID", "APP_ID is required in production"],
    ["MONGODB_URI", "MONGODB_URI is required in production"],
    ["BASE_URL", "BASE_URL is required in production"],
    ["GITHUB_CLIENT_SECRET", "GITHUB_CLIENT_SECRET is required in production"],
    ["APP_SLUG", "APP_SLUG is required in production"],
  ])("production without %s stops with a line naming it", (name, message) => {
    expect(errorFor(production({ [name]: undefined }))).toContain(message);
  });

  test("APP_ID without a webhook secret names WEBHOOK_SECRET", () => {
    expect(errorFor(testEnv({ WEBHOOK_SECRET: undefined }))).toMatch(/^WEBHOOK_SECRET is required when APP_ID is set/);
  });

  test("a private key that is not a PEM says so, without echoing it", () => {
    const message = errorFor(testEnv({ PRIVATE_KEY: "not-a-key-but-a-secret-value" }));
    expect(message).toBe("PRIVATE_KEY is not a PEM private key (paste the .pem GitHub gave you, or its base64)");
    expect(message).not.toContain("not-a-key-but-a-secret-value");
  });

  test("a base64-encoded private key is accepted", () => {
    const pem = testEnv().PRIVATE_KEY!;
    expect(loadConfig(testEnv({ PRIVATE_KEY: Buffer.from(pem).toString("base64") })).github.privateKey).toBe(pem);
  });

  test.each([
    [{ APP_ID: "twelve" }, 'APP_ID must be a positive whole number, got "twelve"'],
    [{ PORT: "70000" }, 'PORT must be a whole number from 0 to 65535, got "70000"'],
    [{ BASE_URL: "connect.example.com" }, 'BASE_URL must be an absolute http(s) URL, got "connect.example.com"'],
    [{ MONGODB_URI: "postgres://x" }, "MONGODB_URI must start with mongodb:// or mongodb+srv://"],
    [{ LOG_LEVEL: "loud" }, 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "loud"'],
    [{ GHE_PROTOCOL: "ftp", GHE_HOST: "ghes.example.com" }, 'GHE_PROTOCOL must be "https" or "http", got "ftp"'],
    [
      { GHE_HOST: "https://ghes.example.com" },
      'GHE_HOST must be a host name such as ghes.example.com, got "https://ghes.example.com"',
    ],
    [{ APP_SLUG: "My App" }, "APP_SLUG must be the App's URL name"],
  ])("a malformed value is named: %o", (overrides, message) => {
    expect(errorFor(testEnv(overrides))).toContain(message);
  });

  test("GitHub Enterprise Server: every GitHub URL goes to GHE_HOST", () => {
    const config = loadConfig(testEnv({ GHE_HOST: "ghes.example.com:8443", GHE_PROTOCOL: "http" }));
    expect(config.github).toMatchObject({
      webUrl: "http://ghes.example.com:8443",
      apiUrl: "http://ghes.example.com:8443/api/v3",
      enterpriseHost: "ghes.example.com:8443",
    });
  });

  test("no APP_ID outside production is setup mode, with a development webhook secret", () => {
    const config = loadConfig({ NODE_ENV: "development" });
    expect(config).toMatchObject({
      setupMode: true,
      baseUrl: "http://localhost:3000",
      port: 3000,
      mongodbUri: undefined,
    });
    expect(config.github.webhookSecret).toBe("development");
  });

  test("the Marketplace secret defaults to the webhook secret", () => {
    expect(loadConfig(testEnv({ MARKETPLACE_WEBHOOK_SECRET: undefined })).github.marketplaceWebhookSecret).toBe(
      TEST_WEBHOOK_SECRET,
    );
  });
});
