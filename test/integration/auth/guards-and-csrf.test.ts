import { describe, expect, it } from "vitest";
import { FLOW_COOKIE, SESSION_COOKIE } from "../../../src/web/session/cookies.js";
import { signInAs, WebClient } from "../../helpers/auth.js";
import { startAuthProbeServer } from "../../helpers/auth-probe.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const ctx = useTestServer(startAuthProbeServer);

describe("roles", () => {
  it("a member gets a 403 page on an admin page, saying only admins can", async () => {
    const member = await signInAs(ctx.server.url, { role: "member" });
    const response = await member.get("/probe/admin");
    expect(response.status).toBe(403);
    expect(response.body).toContain(
      "Only organization admins can change GitHub settings. Ask an admin of your organization.",
    );
    expect(response.body).not.toContain("admin only content");
  });

  it("a member's POST to an admin action is refused with 403 even with a valid CSRF token", async () => {
    const member = await signInAs(ctx.server.url, { role: "member" });
    const response = await member.postForm("/probe/admin-action");
    expect(response.status).toBe(403);
    expect(response.body).toContain("Only organization admins can change GitHub settings.");
  });

  it("an admin passes, and the flash it leaves shows on the next page", async () => {
    const admin = await signInAs(ctx.server.url, { role: "admin" });
    expect((await admin.get("/probe/admin")).body).toContain("admin only content");
    const response = await admin.postForm("/probe/admin-action");
    expect(response.status).toBe(303);
    expect(response.location).toBe("/probe/org");
    const next = await admin.get("/probe/org");
    expect(next.body).toContain('<div class="flash flash-success" role="status">The change was saved.</div>');
  });

  it("a signed-in user with no organization gets a clear 403 page on organization pages", async () => {
    const loner = await signInAs(ctx.server.url, { role: "admin", organizationId: null });
    for (const path of ["/probe/org", "/probe/admin", "/"]) {
      const response = await loner.get(path);
      expect(response.status, path).toBe(403);
      expect(response.body).toContain("Your account is not in an organization.");
    }
    expect((await loner.get("/probe/whoami", { headers: { accept: "application/json" } })).status).toBe(200);
  });

  it("the start page sends signed-in users to the workspace and others to sign in", async () => {
    const admin = await signInAs(ctx.server.url);
    expect(await admin.get("/")).toMatchObject({ status: 303, location: "/workspace/settings/repos" });
    expect(await new WebClient(ctx.server.url).get("/")).toMatchObject({ status: 303, location: "/auth/login" });
  });
});

describe("signed out", () => {
  it("a browser is sent to /auth/login with returnTo, and comes back there after signing in", async () => {
    const client = new WebClient(ctx.server.url);
    const first = await client.get("/probe/org?tab=repos");
    expect(first.status).toBe(303);
    expect(first.location).toBe("/auth/login?returnTo=%2Fprobe%2Forg%3Ftab%3Drepos");
    await client.get(first.location!);
    const signedIn = await client.postForm("/auth/dev-login", {
      email: "back@example.com",
      organizationId: "org_acme",
      role: "member",
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe("/probe/org?tab=repos");
  });

  it.each([
    "https://evil.example/steal",
    "//evil.example/steal",
    "/\\evil.example",
    "javascript:alert(1)",
    "/auth/logout",
  ])("returnTo %s is not followed: sign-in lands on /", async (returnTo) => {
    const client = new WebClient(ctx.server.url);
    await client.get(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
    const signedIn = await client.postForm("/auth/dev-login", {
      email: "x@example.com",
      organizationId: "org_acme",
      role: "admin",
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe("/");
  });

  it("an API client gets 401 JSON instead of a redirect", async () => {
    const response = await fetch(`${ctx.server.url}/probe/whoami`, {
      headers: { accept: "application/json" },
      redirect: "manual",
    });
    expect(response.status).toBe(401);
  });
});

describe("CSRF", () => {
  it("a POST without the token is refused with 403 and says why", async () => {
    const admin = await signInAs(ctx.server.url);
    const response = await admin.postForm("/probe/admin-action", {}, { csrf: false });
    expect(response.status).toBe(403);
    expect(response.body).toContain("This form has expired");
    expect(response.body).toContain("its security token is missing or out of date");
  });

  it("a POST with a wrong token is refused with 403", async () => {
    const admin = await signInAs(ctx.server.url);
    const response = await admin.postForm("/probe/admin-action", {}, { csrf: "A".repeat(43) });
    expect(response.status).toBe(403);
    expect(response.body).toContain("This form has expired");
  });

  it("another browser's token is refused", async () => {
    const alice = await signInAs(ctx.server.url, { email: "alice@example.com" });
    const mallory = await signInAs(ctx.server.url, { email: "mallory@example.com" });
    const response = await alice.postForm("/probe/admin-action", {}, { csrf: mallory.csrfToken! });
    expect(response.status).toBe(403);
  });

  it("the token is also accepted as an x-csrf-token header (JSON clients)", async () => {
    const admin = await signInAs(ctx.server.url);
    const response = await admin.request("/probe/member-action", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": admin.csrfToken!, accept: "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
  });

  it("dev sign-in itself needs the token (no login CSRF)", async () => {
    const client = new WebClient(ctx.server.url);
    const response = await client.postForm(
      "/auth/dev-login",
      { email: "x@example.com", organizationId: "org_acme", role: "admin" },
      { csrf: false },
    );
    expect(response.status).toBe(403);
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
  });

  it("the token changes at sign-in: a token from before sign-in no longer works", async () => {
    const client = new WebClient(ctx.server.url);
    const before = await client.refreshCsrfToken();
    await client.postForm("/auth/dev-login", { email: "rot@example.com", organizationId: "org_acme", role: "admin" });
    const response = await client.postForm("/probe/admin-action", {}, { csrf: before });
    expect(response.status).toBe(403);
  });
});

describe("sign out", () => {
  it("clears the session cookie and the next request is signed out", async () => {
    const admin = await signInAs(ctx.server.url);
    const response = await admin.postForm("/auth/logout");
    expect(response.status).toBe(303);
    expect(response.location).toBe("/");
    expect(response.setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=;`))).toMatch(
      /Expires=Thu, 01 Jan 1970/,
    );
    expect(admin.jar.get(SESSION_COOKIE)).toBeUndefined();
    expect((await admin.get("/probe/whoami", { headers: { accept: "application/json" } })).status).toBe(401);
    const login = await admin.get("/auth/login");
    expect(login.body).toContain("You are signed out.");
  });

  it("needs the CSRF token (a cross-site form cannot sign you out)", async () => {
    const admin = await signInAs(ctx.server.url);
    const response = await admin.postForm("/auth/logout", {}, { csrf: false });
    expect(response.status).toBe(403);
    expect((await admin.get("/probe/whoami", { headers: { accept: "application/json" } })).status).toBe(200);
  });
});

describe("the flow cookie", () => {
  it("is written only when it changes", async () => {
    const admin = await signInAs(ctx.server.url);
    const unchanged = await admin.get("/probe/whoami", { headers: { accept: "application/json" } });
    expect(unchanged.setCookies.filter((line) => line.startsWith(`${FLOW_COOKIE}=`))).toEqual([]);
    const changed = await admin.get("/auth/login?returnTo=%2Fprobe%2Forg");
    const flowLine = changed.setCookies.find((line) => line.startsWith(`${FLOW_COOKIE}=`));
    expect(flowLine).toMatch(/HttpOnly/i);
    expect(flowLine).toMatch(/SameSite=Lax/i);
  });

  it("a garbage flow cookie is an empty flow, not a 500", async () => {
    const response = await fetch(`${ctx.server.url}/auth/login`, { headers: { cookie: `${FLOW_COOKIE}=v1.AAAA` } });
    expect(response.status).toBe(200);
  });
});
