import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";
import { testEnv } from "../helpers/test-config.js";

function errorFor(value: string): string {
  try {
    loadConfig(testEnv({ DEFAULT_REPOS: value }));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("DEFAULT_REPOS", () => {
  test("unset or blank: no defaults", () => {
    expect(loadConfig(testEnv()).repos.defaultNames).toEqual([]);
    expect(loadConfig(testEnv({ DEFAULT_REPOS: "  " })).repos.defaultNames).toEqual([]);
  });

  test("comma-separated names, spaces around them dropped", () => {
    expect(loadConfig(testEnv({ DEFAULT_REPOS: "developer-guide, engineering.tickets" })).repos.defaultNames).toEqual([
      "developer-guide",
      "engineering.tickets",
    ]);
  });

  test.each([
    ["developer-guide,", "DEFAULT_REPOS entry 2 of 2 is empty (comma-separated repository names, no trailing comma)"],
    [
      "docs,my guide",
      'DEFAULT_REPOS entry 2 of 2 ("my guide") is not a GitHub repository name: a repository name may contain only letters',
    ],
    ["..", 'DEFAULT_REPOS entry 1 of 1 ("..") is not a GitHub repository name: GitHub reserves'],
    ["a".repeat(101), "a repository name is at most 100 characters, and this one has 101"],
    ["Docs,docs", 'DEFAULT_REPOS names "Docs" and "docs": GitHub treats them as the same repository'],
  ])("%j stops start-up, naming the rule", (value, message) => {
    expect(errorFor(value)).toContain(message);
  });
});
