import { describe, expect, test } from "vitest";
import { signInAdmin, signInMember } from "../../helpers/github-connect.js";
import { WebClient } from "../../helpers/auth.js";
import { useTestServer } from "../../helpers/use-test-server.js";

// A page with the signed-in email or a CSRF token in it must not be kept by a shared cache or
// the browser's back-forward store, where the next person at the machine would read it.
const ctx = useTestServer();

function expectPrivate(page: { status: number; headers: Headers; body: string }, status: number, shows: string) {
  expect(page.status, page.body.slice(0, 300)).toBe(status);
  expect(page.body).toContain(shows);
  expect(page.headers.get("cache-control")).toBe("no-store");
}

describe("Cache-Control on pages", () => {
  test("/auth/login, signed in or not, /github/requested, and the 403 and 404 pages are no-store", async () => {
    const admin = await signInAdmin(ctx.server, "org_cache", "admin@cache.example");
    await ctx.server.models.InstallRequest.create({
      organizationId: "org_cache",
      githubUserId: 80001,
      githubLogin: "mona-admin",
      requestedBy: "user_1",
      requestedAt: new Date("2026-11-24T11:00:00Z"),
    });

    expectPrivate(await admin.get("/auth/login"), 200, "admin@cache.example");
    expectPrivate(await admin.get("/github/requested"), 200, "admin@cache.example");
    expectPrivate(await admin.get("/no-such-page"), 404, "admin@cache.example");
    const member = await signInMember(ctx.server, "org_cache", "member@cache.example");
    expectPrivate(await member.get("/github/requested"), 403, "member@cache.example");
    expectPrivate(await admin.postForm("/auth/logout", {}, { csrf: "stale" }), 403, 'name="csrf-token"');
    expectPrivate(await new WebClient(ctx.server.url).get("/auth/login"), 200, 'name="_csrf"');
  });

  test("assets keep their public cache lifetime", async () => {
    const asset = await fetch(`${ctx.server.url}/assets/favicon.svg`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=3600");
  });
});
