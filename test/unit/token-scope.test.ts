import { describe, expect, test } from "vitest";
import { InvalidTokenScopeError, parseTokenScope, permissionsBeyond } from "../../src/credentials/token-scope.js";

describe("parseTokenScope", () => {
  test("nothing asked: the installation's whole reach", () => {
    expect(parseTokenScope(undefined)).toEqual({});
    expect(parseTokenScope({})).toEqual({});
  });

  test("repository ids are deduplicated and sorted, so one scope has one cache key", () => {
    expect(parseTokenScope({ repositoryIds: [30, 4, 30, 200] })).toEqual({ repositoryIds: [4, 30, 200] });
  });

  test("the caller's array is not reordered", () => {
    const ids = [3, 1, 2];
    parseTokenScope({ repositoryIds: ids });
    expect(ids).toEqual([3, 1, 2]);
  });

  test.each([
    [
      { repositoryIds: [] },
      "repositoryIds must be an array of 1 to 500 repository ids (leave it out for every repository the installation reaches)",
    ],
    [{ repositoryIds: [1.5] }, "repositoryIds must hold positive whole numbers (GitHub's repository ids)"],
    [
      { permissions: {} },
      "permissions must name 1 to 100 permissions (leave it out for every permission the installation has)",
    ],
    [{ permissions: ["contents"] }, 'permissions must be an object such as {"contents": "read"}'],
    [{ permissions: { contents: "none" } }, 'permissions.contents must be "read", "write" or "admin"'],
    [
      { permissions: { "pull-requests": "read" } },
      'permissions: "pull-requests" is not a GitHub permission name (lowercase, e.g. pull_requests)',
    ],
    [{ repositories: ["web"] }, 'unknown field "repositories": the scope takes only repositoryIds and permissions'],
    ["contents", "the scope must be a JSON object: {repositoryIds?, permissions?}"],
  ])("%o is refused: %s", (raw, message) => {
    expect(() => parseTokenScope(raw)).toThrow(new InvalidTokenScopeError(message));
  });
});

describe("permissionsBeyond (read < write < admin)", () => {
  const granted = { contents: "write", metadata: "read", organization_projects: "admin" };

  test("the same level or a lower one is within the installation's", () => {
    expect(permissionsBeyond(granted, { contents: "read", metadata: "read", organization_projects: "write" })).toEqual(
      [],
    );
    expect(permissionsBeyond(granted, undefined)).toEqual([]);
  });

  test("a higher level, or a permission it does not have, is named", () => {
    expect(permissionsBeyond(granted, { contents: "admin", metadata: "write", issues: "read" } as const)).toEqual([
      "contents: admin (it has write)",
      "metadata: write (it has read)",
      "issues: read (it does not have this permission)",
    ]);
  });
});
