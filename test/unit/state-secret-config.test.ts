import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";
import { productionEnv, testEnv } from "../helpers/test-config.js";

const production = productionEnv;

describe("STATE_SECRET (signs the connect and OAuth state)", () => {
  test("is required in production, with 32 characters or more", () => {
    expect(loadConfig(production()).github.stateSecret).toBe("state-secret-for-the-production-tests-0123");
    expect(() => loadConfig(production({ STATE_SECRET: undefined }))).toThrow(
      new ConfigError(
        "STATE_SECRET is required in production (at least 32 random characters, e.g. openssl rand -base64 32; it signs the connect links)",
      ),
    );
    expect(() => loadConfig(production({ STATE_SECRET: "short" }))).toThrow(
      /STATE_SECRET must be at least 32 characters/,
    );
  });

  test("outside production an unset one is random per process, never a constant from the source, and a short one is still refused", () => {
    const secret = loadConfig(testEnv()).github.stateSecret;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig(testEnv()).github.stateSecret).toBe(secret);
    const dir = new URL("../../src/config/", import.meta.url);
    for (const name of readdirSync(dir)) expect(readFileSync(new URL(name, dir), "utf8")).not.toContain(secret);
    expect(() => loadConfig(testEnv({ STATE_SECRET: "short" }))).toThrow(ConfigError);
  });
});
