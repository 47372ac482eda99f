import { describe, expect, test } from "vitest";
import { ConfigError, DEVELOPMENT_STATE_SECRET, loadConfig } from "../../src/config/env.js";
import { productionEnv, testEnv } from "../helpers/test-config.js";

const production = productionEnv;

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
