import type { Connection } from "mongoose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../../../src/web/session/cookies.js";
import {
  type AccessTokenClaims,
  createTestWorkOS,
  nockAuthenticateInvalidGrant,
  nockAuthenticateWithCode,
  nockAuthenticateWithRefreshToken,
  nockWorkOSJwks,
  TEST_WORKOS_CLIENT_ID,
  WebClient,
  workosEnv,
  WorkOSSigningKey,
  workosUser,
} from "../../helpers/auth.js";
import { authProbeRoutes } from "../../helpers/auth-probe.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

const BASE_URL = "https://connect.example.test";
const key = new WorkOSSigningKey();
let connection: Connection;
let server: TestServer;

beforeAll(async () => {
  connection = await connectTestDatabase();
});

// A server (and WorkOS client) per test: the SDK caches the JWKS it fetched, and each test nocks its own.
beforeEach(async () => {
  const workos = createTestWorkOS();
  server = await startTestServer({
    connection,
    config: testConfig(workosEnv({ BASE_URL })),
    workos,
    extraRouters: [authProbeRoutes()],
  });
});

afterEach(async () => {
  await server?.close();
});

afterAll(async () => {
  await dropAndClose(connection);
});

/** GET /auth/login: the client keeps the flow cookie; returns WorkOS's authorize URL. */
async function startLogin(client: WebClient, query = ""): Promise<URL> {
  const response = await client.get(`/auth/login${query}`);
  expect(response.status).toBe(302);
  return new URL(response.location!);
}

async function whoami(client: WebClient) {
  return client.get("/probe/whoami", { headers: { accept: "application/json" } });
}

/** Signs in through login → callback with a token WorkOS would issue for these claims. */
async function signInThroughWorkOS(client: WebClient, claims: AccessTokenClaims, refreshToken = "refresh_token_1") {
  const authorize = await startLogin(client);
  const accessToken = key.sign({ sid: "session_01JTESTSESSION000000000000", ...claims });
  nockAuthenticateWithCode("code_good", { organizationId: claims.org_id ?? null, accessToken, refreshToken });
  return client.get(`/auth/callback?code=code_good&state=${authorize.searchParams.get("state")}`);
}

describe("WorkOS AuthKit sign-in", () => {
  it("/auth/login redirects to WorkOS's authorize URL with client_id, redirect_uri, provider and state", async () => {
    const authorize = await startLogin(new WebClient(server.url));
    expect(authorize.origin + authorize.pathname).toBe("https://api.workos.com/user_management/authorize");
    expect(authorize.searchParams.get("client_id")).toBe(TEST_WORKOS_CLIENT_ID);
    expect(authorize.searchParams.get("redirect_uri")).toBe(`${BASE_URL}/auth/callback`);
    expect(authorize.searchParams.get("provider")).toBe("authkit");
    expect(authorize.searchParams.get("response_type")).toBe("code");
    expect(authorize.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("no development banner in workos mode", async () => {
    const page = await new WebClient(server.url).get("/probe/nothing-here");
    expect(page.status).toBe(404);
    expect(page.body).not.toContain("Development sign-in");
  });

  it("the callback exchanges the code, sets a sealed Secure HttpOnly SameSite=Lax cookie, and the role comes from the access token", async () => {
    const client = new WebClient(server.url);
    const callback = await signInThroughWorkOS(client, { role: "admin", org_id: "org_01JACME" });
    expect(callback.status).toBe(303);
    expect(callback.location).toBe("/");
    const line = callback.setCookies.find((l) => l.startsWith(`${SESSION_COOKIE}=`))!;
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; Secure/i);
    expect(line).toMatch(/; SameSite=Lax/i);
    expect(line.length).toBeLessThan(4096); // browsers drop bigger cookies
    expect(decodeURIComponent(client.jar.get(SESSION_COOKIE)!)).toMatch(/^Fe26\.2\*/);

    nockWorkOSJwks(key);
    const me = await whoami(client);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toEqual({
      auth: {
        userId: "user_01JTESTUSER00000000000000",
        email: "ada@example.com",
        emailVerified: true,
        name: "Ada Lovelace",
        organizationId: "org_01JACME",
        role: "admin",
      },
    });
  });

  it("a WorkOS role other than admin is a member", async () => {
    const client = new WebClient(server.url);
    await signInThroughWorkOS(client, { role: "billing-manager", org_id: "org_01JACME" });
    nockWorkOSJwks(key);
    expect(JSON.parse((await whoami(client)).body)).toMatchObject({ auth: { role: "member" } });
    const admin = await client.get("/probe/admin");
    expect(admin.status).toBe(403);
    expect(admin.body).toContain("Only organization admins can change GitHub settings.");
  });

  it("a user with no organization sees the no-organization page", async () => {
    const client = new WebClient(server.url);
    await signInThroughWorkOS(client, {});
    nockWorkOSJwks(key);
    const page = await client.get("/probe/org");
    expect(page.status).toBe(403);
    expect(page.body).toContain("Your account is not in an organization.");
  });

  it("an expired access token is refreshed with the refresh token and the cookie is re-set", async () => {
    const client = new WebClient(server.url);
    const past = Math.floor(Date.now() / 1000) - 60;
    await signInThroughWorkOS(
      client,
      { role: "member", org_id: "org_01JACME", exp: past, iat: past - 300 } as never,
      "refresh_old",
    );
    const before = client.jar.get(SESSION_COOKIE);

    nockWorkOSJwks(key);
    const refreshed = nockAuthenticateWithRefreshToken("refresh_old", {
      organizationId: "org_01JACME",
      accessToken: key.sign({ sid: "session_01JTESTSESSION000000000000", org_id: "org_01JACME", role: "admin" }),
      refreshToken: "refresh_new",
    });
    const me = await whoami(client);
    expect(me.status).toBe(200);
    expect(refreshed.isDone()).toBe(true);
    expect(JSON.parse(me.body)).toMatchObject({ auth: { organizationId: "org_01JACME", role: "admin" } });
    expect(me.setCookies.find((l) => l.startsWith(`${SESSION_COOKIE}=`))).toMatch(/HttpOnly/i);
    expect(client.jar.get(SESSION_COOKIE)).not.toBe(before);

    // The new cookie holds a valid token: no further refresh (no more WorkOS calls are nocked).
    const again = await whoami(client);
    expect(again.status).toBe(200);
    expect(again.setCookies.filter((l) => l.startsWith(`${SESSION_COOKIE}=`))).toEqual([]);
  });

  it("a refresh WorkOS refuses (invalid_grant) ends the session: signed out, cookie cleared", async () => {
    const client = new WebClient(server.url);
    const past = Math.floor(Date.now() / 1000) - 60;
    await signInThroughWorkOS(client, { role: "admin", org_id: "org_01JACME", exp: past, iat: past - 300 });
    nockWorkOSJwks(key);
    nockAuthenticateInvalidGrant("refresh_token", "Session has already ended.");
    const me = await whoami(client);
    expect(me.status).toBe(401);
    expect(me.setCookies.some((l) => l.startsWith(`${SESSION_COOKIE}=;`))).toBe(true);
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
  });

  it("an access token whose signature does not verify is not a session (the refresh WorkOS refuses ends it)", async () => {
    const client = new WebClient(server.url);
    await signInThroughWorkOS(client, { role: "admin", org_id: "org_01JACME" });
    nockWorkOSJwks(new WorkOSSigningKey(key.kid)); // WorkOS publishes another key under that id
    nockAuthenticateInvalidGrant("refresh_token");
    expect((await whoami(client)).status).toBe(401);
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
  });

  it("a token from a key WorkOS does not publish is treated as signed out, not a 500", async () => {
    const client = new WebClient(server.url);
    await signInThroughWorkOS(client, { role: "admin", org_id: "org_01JACME" });
    nockWorkOSJwks(new WorkOSSigningKey());
    expect((await whoami(client)).status).toBe(401);
  });

  it("a bad code (WorkOS 400 invalid_grant) shows a clear error page and sets no session", async () => {
    const client = new WebClient(server.url);
    const authorize = await startLogin(client);
    nockAuthenticateInvalidGrant("authorization_code", "The code 'code_bad' has expired or is invalid.");
    const callback = await client.get(`/auth/callback?code=code_bad&state=${authorize.searchParams.get("state")}`);
    expect(callback.status).toBe(400);
    expect(callback.body).toContain("Sign-in not completed");
    expect(callback.body).toContain("WorkOS did not accept this sign-in");
    expect(callback.setCookies.some((l) => l.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
  });

  it("a callback whose state does not match the one this browser started is refused without calling WorkOS", async () => {
    const client = new WebClient(server.url);
    await startLogin(client);
    const callback = await client.get("/auth/callback?code=code_good&state=someone-elses-state-000000000000");
    expect(callback.status).toBe(400);
    expect(callback.body).toContain("This sign-in was not started from this browser, or was already used.");
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
  });

  it("a callback in a browser that never started a sign-in is refused", async () => {
    const callback = await new WebClient(server.url).get("/auth/callback?code=code_good&state=abc");
    expect(callback.status).toBe(400);
    expect(callback.body).toContain("This sign-in was not started from this browser");
  });

  it("a state is single-use: replaying the callback is refused", async () => {
    const client = new WebClient(server.url);
    const authorize = await startLogin(client);
    nockAuthenticateWithCode("code_good", {
      organizationId: "org_01JACME",
      accessToken: key.sign({ org_id: "org_01JACME", role: "admin" }),
    });
    const state = authorize.searchParams.get("state");
    expect((await client.get(`/auth/callback?code=code_good&state=${state}`)).status).toBe(303);
    const replay = await client.get(`/auth/callback?code=code_good&state=${state}`);
    expect(replay.status).toBe(400);
  });

  it("returns to the page that asked for sign-in", async () => {
    const client = new WebClient(server.url);
    const guarded = await client.get("/probe/org");
    expect(guarded.location).toBe("/auth/login?returnTo=%2Fprobe%2Forg");
    const authorize = await startLogin(client, "?returnTo=%2Fprobe%2Forg");
    nockAuthenticateWithCode("code_good", {
      organizationId: "org_01JACME",
      accessToken: key.sign({ org_id: "org_01JACME", role: "admin" }),
    });
    const callback = await client.get(`/auth/callback?code=code_good&state=${authorize.searchParams.get("state")}`);
    expect(callback.location).toBe("/probe/org");
  });

  // Sign-out ends its session for good (the database outlives each test's server): each sign-out test has its own.
  it("sign out clears the cookie and goes to WorkOS's logout URL for the session", async () => {
    const client = new WebClient(server.url);
    await signInThroughWorkOS(client, {
      role: "admin",
      org_id: "org_01JACME",
      sid: "session_01JSIGNOUT00000000000000",
    });
    nockWorkOSJwks(key);
    await client.refreshCsrfToken("/probe/org");
    const logout = await client.postForm("/auth/logout");
    expect(logout.status).toBe(303);
    expect(logout.location).toBe(
      "https://api.workos.com/user_management/sessions/logout?session_id=session_01JSIGNOUT00000000000000",
    );
    expect(logout.setCookies.some((l) => l.startsWith(`${SESSION_COOKIE}=;`))).toBe(true);
    expect(client.jar.get(SESSION_COOKIE)).toBeUndefined();
    expect((await whoami(client)).status).toBe(401);
  });

  it("a session cookie saved before sign-out no longer signs in, though its access token has not expired", async () => {
    const client = new WebClient(server.url);
    await signInThroughWorkOS(client, {
      role: "admin",
      org_id: "org_01JACME",
      sid: "session_01JSAVEDCOOKIE0000000000",
    });
    const saved = client.jar.get(SESSION_COOKIE)!;
    nockWorkOSJwks(key);
    await client.refreshCsrfToken("/probe/org");
    expect((await client.postForm("/auth/logout")).status).toBe(303);

    const replay = await fetch(`${server.url}/probe/whoami`, {
      headers: { accept: "application/json", cookie: `${SESSION_COOKIE}=${saved}` },
    });
    expect(replay.status).toBe(401);
  });

  it("a garbage session cookie is signed out, not a 500", async () => {
    for (const value of ["garbage", "Fe26.2**a*b*c*d*e*f~2", "Fe26.2**x~2"]) {
      const response = await fetch(`${server.url}/probe/whoami`, {
        headers: { accept: "application/json", cookie: `${SESSION_COOKIE}=${value}` },
      });
      expect(response.status, value).toBe(401);
    }
  });

  it("uses WorkOS's user name fields when the user has no name", async () => {
    const client = new WebClient(server.url);
    const authorize = await startLogin(client);
    nockAuthenticateWithCode("code_good", {
      user: workosUser({ first_name: null, last_name: null, email: "anon@example.com" }),
      organizationId: "org_01JACME",
      accessToken: key.sign({ org_id: "org_01JACME", role: "member" }),
    });
    await client.get(`/auth/callback?code=code_good&state=${authorize.searchParams.get("state")}`);
    nockWorkOSJwks(key);
    expect(JSON.parse((await whoami(client)).body)).toMatchObject({
      auth: { email: "anon@example.com", name: null, role: "member" },
    });
  });
});
