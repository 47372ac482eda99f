import { describe, expect, it } from "vitest";
import { safeReturnTo } from "../../src/web/session/return-to.js";
import { createSealer } from "../../src/web/session/seal.js";

const PASSWORD = "a-cookie-password-of-at-least-32-characters";

describe("sealed cookies", () => {
  it("open with the same password and purpose", () => {
    const sealer = createSealer(PASSWORD, "flow");
    expect(sealer.unseal(sealer.seal({ returnTo: "/x" }, 60))).toEqual({ returnTo: "/x" });
  });

  it("hide their content", () => {
    const sealed = createSealer(PASSWORD, "flow").seal({ email: "ada@example.com" }, 60);
    expect(Buffer.from(sealed.slice(3), "base64url").toString("latin1")).not.toContain("ada@example.com");
  });

  it("do not open with another password or for another purpose", () => {
    const sealed = createSealer(PASSWORD, "dev-session").seal({ role: "admin" }, 60);
    expect(createSealer(`${PASSWORD}!`, "dev-session").unseal(sealed)).toBeNull();
    expect(createSealer(PASSWORD, "flow").unseal(sealed)).toBeNull();
  });

  it("do not open once expired", () => {
    let now = new Date("2026-11-24T12:00:00Z");
    const sealer = createSealer(PASSWORD, "flow", () => now);
    const sealed = sealer.seal({ a: 1 }, 60);
    now = new Date("2026-11-24T12:00:59Z");
    expect(sealer.unseal(sealed)).toEqual({ a: 1 });
    now = new Date("2026-11-24T12:01:01Z");
    expect(sealer.unseal(sealed)).toBeNull();
  });

  it("do not open when altered, truncated or foreign", () => {
    const sealer = createSealer(PASSWORD, "flow");
    const sealed = sealer.seal({ a: 1 }, 60);
    const flipped = `${sealed.slice(0, 20)}${sealed[20] === "A" ? "B" : "A"}${sealed.slice(21)}`;
    for (const bad of [flipped, sealed.slice(0, 30), "v1.", "garbage", "", undefined])
      expect(sealer.unseal(bad)).toBeNull();
  });
});

describe("returnTo", () => {
  it.each([
    ["/workspace/settings/repos", "/workspace/settings/repos"],
    ["/github/connect?x=1#top", "/github/connect?x=1#top"],
    ["/a/../b", "/b"],
  ])("keeps the same-origin path %s", (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it.each([
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/x\r\nSet-Cookie: a=b",
    "relative",
    "/auth/login",
    42,
    undefined,
  ])("refuses %s", (input) => {
    expect(safeReturnTo(input)).toBeUndefined();
  });
});
