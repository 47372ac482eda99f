import { ConfigError, loadConfig, type AppConfig } from "../../src/config/env.js";
import {
  TEST_APP_ID,
  TEST_APP_SLUG,
  TEST_MARKETPLACE_SECRET,
  TEST_WEBHOOK_SECRET,
  testPrivateKey,
} from "./app-credentials.js";

/** The environment a test App runs with; override any variable. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    APP_ID: String(TEST_APP_ID),
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    MARKETPLACE_WEBHOOK_SECRET: TEST_MARKETPLACE_SECRET,
    GITHUB_CLIENT_ID: "Iv1.testclientid",
    GITHUB_CLIENT_SECRET: "test-client-secret",
    APP_SLUG: TEST_APP_SLUG,
    BASE_URL: "http://127.0.0.1:3000",
    // The `ghes` vitest project runs the same tests against a GitHub Enterprise Server.
    ...(process.env.TEST_GHE_HOST ? { GHE_HOST: process.env.TEST_GHE_HOST } : {}),
    ...overrides,
  };
}

/** A validated config, the same way start-up builds it. */
export function testConfig(overrides: Record<string, string | undefined> = {}): AppConfig {
  return loadConfig(testEnv(overrides));
}

/** A complete production environment (every secret a production start-up requires); override any variable. */
export function productionEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return testEnv({
    NODE_ENV: "production",
    BASE_URL: "https://connect.example.com",
    MONGODB_URI: "mongodb://db.internal:27017/connect",
    STATE_SECRET: "state-secret-for-the-production-tests-0123",
    WORKOS_API_KEY: "sk_test_production_key",
    WORKOS_CLIENT_ID: "client_01JPRODUCTION",
    WORKOS_COOKIE_PASSWORD: "cookie-password-cookie-password-cookie",
    ...overrides,
  });
}

/** The message start-up refuses `env` with; fails the test if it is accepted or refused with another error. */
export function configErrorFor(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    // No vitest `expect` here: the benchmarks import this file outside vitest.
    if (!(error instanceof ConfigError))
      throw new Error(`expected a ConfigError, got ${String(error)}`, { cause: error });
    return error.message;
  }
  throw new Error("expected a ConfigError");
}
