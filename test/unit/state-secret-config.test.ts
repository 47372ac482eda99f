import { describe, expect, test } from "vitest";
import { ConfigError, DEVELOPMENT_STATE_SECRET, loadConfig } from "../../src/config/env.js";
import { testEnv } from "../helpers/test-config.js";

const production = (overrides: Record<string, string | undefined> = {}) =>
  testEnv({
    NODE_ENV: "production",
    BASE_URL: "https://connect.example.com",
    MONGODB_URI: "mongodb://db.internal:27017/connect",
    STATE_SECRET: "state-secret-state-secret-state-secret",
    WORKOS_API_KEY: "sk_test_production_key",
    WORKOS_CLIENT_ID: "client_01JPRODUCTION",
    WORKOS_COOKIE_PASSWORD: "cookie-password-cookie-password-cookie",
    ...overrides,
  });

describe("STATE_SECRET (signs the connect and OAuth state)", () => {
  test("is required in production, with 32 characters or more", () => {
    expect(loadConfig(production()).github.stateSecret).toBe("state-secret-state-secret-state-secret");
    expect(() => loadConfig(production({ STATE_SECRET: undefined }))).toThrow(new ConfigError(
      "STATE_SECRET is required in production (at least 32 random characters, e.g. openssl rand -base64 32; it signs the connect links)",
    ));
    expect(() => loadConfig(production({ STATE_SECRET: "short" }))).toThrow(/STATE_SECRET must be at least 32 characters/);
  });

  test("outside production a public development default is used, and a short one is still refused", () => {
    expect(loadConfig(testEnv()).github.stateSecret).toBe(DEVELOPMENT_STATE_SECRET);
    expect(() => loadConfig(testEnv({ STATE_SECRET: "short" }))).toThrow(ConfigError);
  });
});
