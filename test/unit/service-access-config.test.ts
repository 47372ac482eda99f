import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";
import { testEnv } from "../helpers/test-config.js";

const TOKEN_A = "a".repeat(32);
const TOKEN_B = "b".repeat(40);

function errorFor(overrides: Record<string, string | undefined>): string {
  try {
    loadConfig(testEnv(overrides));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("INTERNAL_API_TOKENS", () => {
  test("unset: no token, the internal API is off", () => {
    expect(loadConfig(testEnv()).services.internalApiTokens).toEqual([]);
  });

  test("comma-separated, so a token can be rotated: both are kept, in order", () => {
    expect(loadConfig(testEnv({ INTERNAL_API_TOKENS: ` ${TOKEN_A} , ${TOKEN_B}` })).services.internalApiTokens).toEqual(
      [TOKEN_A, TOKEN_B],
    );
  });

  test.each([
    [
      `${TOKEN_A},short-token-value`,
      "INTERNAL_API_TOKENS entry 2 of 2 is 17 characters; each must be at least 32 (e.g. openssl rand -hex 32)",
    ],
    [`${TOKEN_A},`, "INTERNAL_API_TOKENS entry 2 of 2 is empty (comma-separated tokens, no trailing comma)"],
    [`${TOKEN_A},${TOKEN_A}`, "INTERNAL_API_TOKENS lists the same token twice"],
    [`${TOKEN_A} ${TOKEN_B}`, "INTERNAL_API_TOKENS entry 1 of 1 contains whitespace"],
  ])("%s is refused at start-up, naming the entry and never echoing it", (value, message) => {
    const error = errorFor({ INTERNAL_API_TOKENS: value });
    expect(error).toBe(message);
    expect(error).not.toContain("short-token-value");
    expect(error).not.toContain(TOKEN_A);
  });
});

describe("LEGACY_GITHUB_TOKEN and LEGACY_GITHUB_ORGANIZATIONS", () => {
  test("both set: the token, for the listed organizations only", () => {
    const config = loadConfig(
      testEnv({ LEGACY_GITHUB_TOKEN: "ghp_secret", LEGACY_GITHUB_ORGANIZATIONS: "org_01ABC, org_two,org_01ABC" }),
    );
    expect(config.services.legacyGitHub).toEqual({ token: "ghp_secret", organizationIds: ["org_01ABC", "org_two"] });
  });

  test("neither set: no legacy token", () => {
    expect(loadConfig(testEnv()).services.legacyGitHub).toBeNull();
  });

  test("one without the other is a ConfigError naming both", () => {
    expect(errorFor({ LEGACY_GITHUB_TOKEN: "ghp_secret" })).toBe(
      "LEGACY_GITHUB_TOKEN is set without LEGACY_GITHUB_ORGANIZATIONS: list the WorkOS organization ids that may use it (comma-separated)",
    );
    expect(errorFor({ LEGACY_GITHUB_ORGANIZATIONS: "org_01ABC" })).toBe(
      "LEGACY_GITHUB_ORGANIZATIONS is set without LEGACY_GITHUB_TOKEN: set the personal token they use, or unset both",
    );
  });

  test("an organization id that is not one is refused", () => {
    expect(errorFor({ LEGACY_GITHUB_TOKEN: "ghp_secret", LEGACY_GITHUB_ORGANIZATIONS: "org_a,,org_b" })).toContain(
      'got ""',
    );
    expect(errorFor({ LEGACY_GITHUB_TOKEN: "ghp_secret", LEGACY_GITHUB_ORGANIZATIONS: "acme corp" })).toContain(
      'got "acme corp"',
    );
  });
});
