import { describe, expect, test } from "vitest";
import { safeReturnTo } from "../../src/web/session/return-to.js";

describe("safeReturnTo: where to go after sign-in", () => {
  test.each([
    ["/..//evil.com"],
    ["/../..//evil.com/path"],
    ["/./..//evil.com"],
    ["/.%2e//evil.com"],
    ["/%2e%2e//evil.com"],
    ["/a/../..//evil.com"],
    ["/\\evil.com"],
    ["/\\/evil.com"],
    ["/..\\evil.com"],
    ["//evil.com"],
    ["///evil.com"],
    ["https://evil.com"],
    ["http:evil.com"],
    ["javascript:alert(1)"],
    ["evil.com"],
    ["/\tevil.com"],
    ["/\t/evil.com"],
    ["/\n/evil.com"],
    ["/\r\n/evil.com"],
    ["/ /evil.com".replace(" ", "\u0000")],
    ["/auth/login"],
    ["/..//auth/callback"],
    [""],
  ])("%j is refused", (input) => {
    expect(safeReturnTo(input)).toBeUndefined();
  });

  test.each([
    ["/workspace/settings/repos", "/workspace/settings/repos"],
    ["/github/setup?installation_id=1&setup_action=install", "/github/setup?installation_id=1&setup_action=install"],
    ["/a/../workspace", "/workspace"],
    // Encoded slashes stay encoded: a browser reads them as one path segment on this site.
    ["/%2F%2Fevil.com", "/%2F%2Fevil.com"],
    ["/", "/"],
  ])("%j is kept as %j", (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  test("a path longer than 2,000 characters is refused", () => {
    expect(safeReturnTo(`/${"a".repeat(2001)}`)).toBeUndefined();
  });

  test("anything but a string is refused", () => {
    for (const value of [undefined, null, 42, ["/x"], { path: "/x" }]) expect(safeReturnTo(value)).toBeUndefined();
  });
});
