import { describe, expect, it } from "vitest";
import { levelsAtLeast, permissionShortfall, shortfallText } from "../../src/github/app-permissions.js";
import { behindFilter } from "../../src/installations/permission-lag.js";

describe("GitHub App permission levels (read < write < admin)", () => {
  it("names each permission granted lower than asked, or not at all, by name", () => {
    const lacking = permissionShortfall(
      { metadata: "read", contents: "write", administration: "write", members: "read", pages: "admin" },
      { metadata: "write", contents: "read", administration: "admin", pages: "write" },
    );
    expect(lacking.map(shortfallText)).toEqual([
      "contents: write (has read)",
      "members: read (not granted)",
      "pages: admin (has write)",
    ]);
  });

  it("counts a level it does not know as below read", () => {
    expect(permissionShortfall({ checks: "read" }, { checks: "none" }).map(shortfallText)).toEqual([
      "checks: read (has none)",
    ]);
  });

  it("matches an installation granted less than asked, uninstalled ones left out", () => {
    expect(levelsAtLeast("write")).toEqual(["write", "admin"]);
    expect(behindFilter({ contents: "write", metadata: "read" })).toEqual({
      deletedAt: null,
      $or: [
        { "permissions.contents": { $nin: ["write", "admin"] } },
        { "permissions.metadata": { $nin: ["read", "write", "admin"] } },
      ],
    });
    expect(behindFilter({})).toBeNull();
  });
});
