import { describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../../../src/web/session/cookies.js";
import { signInAs, WebClient } from "../../helpers/auth.js";
import { startAuthProbeServer } from "../../helpers/auth-probe.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const ctx = useTestServer(startAuthProbeServer);

async function whoami(client: WebClient): Promise<unknown> {
  const response = await client.get("/probe/whoami", { headers: { accept: "application/json" } });
  expect(response.status).toBe(200);
  return (JSON.parse(response.body) as { auth: unknown }).auth;
}

describe("development sign-in (AUTH_MODE=dev)", () => {
  it("shows a labelled form with email, organization and role, and the development banner", async () => {
    const response = await new WebClient(ctx.server.url).get("/auth/login");
    expect(response.status).toBe(200);
    expect(response.body).toContain('<label for="email">Email</label>');
    expect(response.body).toContain('<label for="organizationId">Organization id</label>');
    expect(response.body).toContain('<label for="role">Role</label>');
    expect(response.body).toMatch(/<select id="role" name="role"[^>]*>[\s\S]*value="admin"[\s\S]*value="member"/);
    expect(response.body).toMatch(/<input type="hidden" name="_csrf" value="[A-Za-z0-9_-]{20,}">/);
    expect(response.body).toContain("Development sign-in: not for production use.");
  });

  it("sets a sealed HttpOnly SameSite=Lax session cookie and the next request is that admin", async () => {
    const client = new WebClient(ctx.server.url);
    await client.refreshCsrfToken();
    const response = await client.postForm("/auth/dev-login", {
      email: "Ada@Example.com",
      organizationId: "org_acme",
      role: "admin",
    });
    expect(response.status).toBe(303);
    expect(response.location).toBe("/");
    const sessionLine = response.setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`));
    expect(sessionLine).toMatch(/HttpOnly/i);
    expect(sessionLine).toMatch(/SameSite=Lax/i);
    // BASE_URL is http:// in tests, so the cookie may travel without TLS; no plain JSON inside.
    expect(sessionLine).not.toMatch(/; Secure/i);
    expect(decodeURIComponent(client.jar.get(SESSION_COOKIE)!)).not.toContain("org_acme");

    expect(await whoami(client)).toEqual({
      userId: expect.stringMatching(/^dev_user_[0-9a-f]{16}$/),
      email: "ada@example.com",
      emailVerified: true,
      name: null,
      organizationId: "org_acme",
      role: "admin",
    });
  });

  it("a member is a member, and the header shows email, organization, role and a Sign out button", async () => {
    const client = await signInAs(ctx.server.url, {
      role: "member",
      organizationId: "org_beta",
      email: "bob@example.com",
    });
    expect(await whoami(client)).toMatchObject({
      email: "bob@example.com",
      organizationId: "org_beta",
      role: "member",
    });
    const page = await client.get("/probe/org");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<span class="account-email" title="bob@example.com">bob@example.com</span>');
    expect(page.body).toContain("<code>org_beta</code>");
    expect(page.body).toContain('<span class="role-badge role-member">Member</span>');
    expect(page.body).toMatch(
      /<form class="inline-form" method="post" action="\/auth\/logout">\s*<input type="hidden" name="_csrf" value="[^"]+">\s*<button type="submit">Sign out<\/button>/,
    );
  });

  it("an unknown role is a member", async () => {
    const client = await signInAs(ctx.server.url, { role: "owner" });
    expect(await whoami(client)).toMatchObject({ role: "member" });
  });

  it("refuses a form without an email, with a 400 and the reason, and sets no session", async () => {
    const client = new WebClient(ctx.server.url);
    await client.refreshCsrfToken();
    const response = await client.postForm("/auth/dev-login", {
      email: "not-an-email",
      organizationId: "org_acme",
      role: "admin",
    });
    expect(response.status).toBe(400);
    expect(response.body).toContain("Enter an email address");
    expect(response.body).toContain('role="alert"');
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
  });

  it("greets with a flash message once, after the sign-in redirect", async () => {
    const client = new WebClient(ctx.server.url);
    await client.refreshCsrfToken();
    await client.postForm("/auth/dev-login", { email: "flash@example.com", organizationId: "org_acme", role: "admin" });
    const first = await client.get("/probe/org");
    expect(first.body).toMatch(/<div class="flash flash-success" role="status">Signed in as flash@example.com.<\/div>/);
    const second = await client.get("/probe/org");
    expect(second.body).not.toContain("Signed in as flash@example.com.");
  });
});

describe("signing out (AUTH_MODE=dev)", () => {
  it("a session cookie saved before sign-out no longer signs anyone in after it", async () => {
    const client = await signInAs(ctx.server.url, { role: "admin", email: "saved@example.com" });
    const saved = client.jar.get(SESSION_COOKIE)!;
    expect((await client.postForm("/auth/logout")).status).toBe(303);

    const replay = await fetch(`${ctx.server.url}/probe/whoami`, {
      headers: { accept: "application/json", cookie: `${SESSION_COOKIE}=${saved}` },
    });
    expect(replay.status).toBe(401);
    expect(replay.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=;`))).toBe(true);
  });

  it("signing out ends that sign-in only: the same user's other browser stays signed in, and signing in again works", async () => {
    const first = await signInAs(ctx.server.url, { role: "admin", email: "two@example.com" });
    const second = await signInAs(ctx.server.url, { role: "admin", email: "two@example.com" });
    await first.postForm("/auth/logout");

    expect(await whoami(second)).toMatchObject({ email: "two@example.com" });
    const again = await signInAs(ctx.server.url, { role: "admin", email: "two@example.com" });
    expect(await whoami(again)).toMatchObject({ email: "two@example.com" });
  });
});

describe("session cookies that are not ours", () => {
  it.each([
    ["garbage", "garbage"],
    [
      "a JSON session",
      encodeURIComponent(
        JSON.stringify({ email: "evil@example.com", role: "admin", organizationId: "org_acme", userId: "x" }),
      ),
    ],
    ["a WorkOS-style seal", "Fe26.2**abc*def*ghi*jkl*mno~2"],
    ["bad percent-encoding", "%E0%A4%A"],
  ])("%s is treated as signed out, not a 500, and removed", async (_label, value) => {
    const response = await fetch(`${ctx.server.url}/probe/whoami`, {
      headers: { accept: "application/json", cookie: `${SESSION_COOKIE}=${value}` },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "Sign in to see this page." });
  });

  it("a session cookie altered by one character is treated as signed out", async () => {
    const client = await signInAs(ctx.server.url, { role: "admin" });
    const sealed = client.jar.get(SESSION_COOKIE)!;
    const at = sealed.length - 10;
    const tampered = `${sealed.slice(0, at)}${sealed[at] === "A" ? "B" : "A"}${sealed.slice(at + 1)}`;
    client.jar.cookies.set(SESSION_COOKIE, tampered);
    const response = await client.get("/probe/whoami", { headers: { accept: "application/json" } });
    expect(response.status).toBe(401);
    expect(response.setCookies.some((line) => line.startsWith(`${SESSION_COOKIE}=;`))).toBe(true);
  });

  it("the session cookie is read among other sites' malformed cookies; a later cookie of the same name does not replace it", async () => {
    const sealed = (await signInAs(ctx.server.url, { role: "admin" })).jar.get(SESSION_COOKIE)!;
    const cookie = `theme=%E0%A4%A; ${SESSION_COOKIE}=${sealed}; no-equals-sign; ${SESSION_COOKIE}=planted; quoted="a b"`;
    const response = await fetch(`${ctx.server.url}/probe/whoami`, { headers: { accept: "application/json", cookie } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { auth: { role: string } }).auth.role).toBe("admin");
  });

  it("a garbage cookie on a page is signed out: a browser is sent to sign in", async () => {
    const response = await fetch(`${ctx.server.url}/probe/org`, {
      headers: { accept: "text/html", cookie: `${SESSION_COOKIE}=garbage; gc_flow=garbage` },
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/auth/login?returnTo=%2Fprobe%2Forg");
  });
});
