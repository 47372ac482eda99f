import { describe, expect, test } from "vitest";
import { repoNameProblem, repoSlug } from "../../src/github/repo-name.js";

describe("GitHub's repository name rules", () => {
  test.each(["developer-guide", "engineering.tickets", "A_b-9", "...", ".github", "a".repeat(100)])(
    "%s is accepted",
    (name) => {
      expect(repoNameProblem(name)).toBeNull();
    },
  );

  test.each([
    ["", "empty"],
    ["a".repeat(101), "too-long"],
    [".", "dots"],
    ["..", "dots"],
    ["my repo", "characters"],
    ["a/b", "characters"],
    ["naïve", "characters"],
    ["tab\there", "characters"],
  ])("%j breaks the %s rule", (name, rule) => {
    expect(repoNameProblem(name)?.rule).toBe(rule);
  });

  test("the message names each character refused, once", () => {
    expect(repoNameProblem("a b c/d")?.text).toMatch(/contains a space, "\/"$/);
  });

  test("the slug is the name in lowercase", () => {
    expect(repoSlug("Developer-Guide")).toBe("developer-guide");
  });
});
