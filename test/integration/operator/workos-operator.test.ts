import type { WorkOS } from "@workos-inc/node";
import type { Connection } from "mongoose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OPERATOR_PAGES } from "../../../src/web/operator/operator-paths.js";
import { SESSION_COOKIE } from "../../../src/web/session/cookies.js";
import {
  type AccessTokenClaims,
  createTestWorkOS,
  nockAuthenticateWithCode,
  nockWorkOSJwks,
  TEST_WORKOS_COOKIE_PASSWORD,
  WebClient,
  workosEnv,
  WorkOSSigningKey,
  workosUser,
} from "../../helpers/auth.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { pageText } from "../../helpers/github-connect.js";
import { OPERATOR_EMAIL } from "../../helpers/operator.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

/**
 * The console with WorkOS sign-in: an email in OPERATOR_EMAILS opens it only when WorkOS has
 * verified that email (anyone can register an unverified address at WorkOS).
 */
const key = new WorkOSSigningKey();
const CONSOLE_PAGES = [OPERATOR_PAGES.overview, OPERATOR_PAGES.organizations];
let connection: Connection;
let server: TestServer;
let workos: WorkOS;

beforeAll(async () => {
  connection = await connectTestDatabase();
});

// A server (and WorkOS client) per test: the SDK caches the JWKS it fetched, and each test nocks its own.
beforeEach(async () => {
  workos = createTestWorkOS();
  server = await startTestServer({
    connection,
    config: testConfig(
      workosEnv({
        BASE_URL: "https://connect.example.test",
        // The operator in another case: case is ignored, verification is not.
        OPERATOR_EMAILS: `someone-else@connect.example, ${OPERATOR_EMAIL.toUpperCase()}`,
      }),
    ),
    workos,
  });
});

afterEach(async () => {
  await server?.close();
});

afterAll(async () => {
  await dropAndClose(connection);
});

/** login → callback with this WorkOS user; the session's first read fetches the JWKS (nocked once here). */
async function signInThroughWorkOS(user: Record<string, unknown>, claims: AccessTokenClaims = {}): Promise<WebClient> {
  const client = new WebClient(server.url);
  const login = await client.get("/auth/login");
  expect(login.status).toBe(302);
  const state = new URL(login.location!).searchParams.get("state");
  const callbackScope = nockAuthenticateWithCode("code_operator", {
    user,
    organizationId: claims.org_id ?? null,
    accessToken: key.sign({ sid: "session_01JOPERATOR000000000000000", sub: String(user.id), ...claims }),
  });
  const callback = await client.get(`/auth/callback?code=code_operator&state=${state}`);
  expect(callback.status).toBe(303);
  expect(callbackScope.isDone()).toBe(true);
  expect(client.jar.get(SESSION_COOKIE)).toBeDefined();
  nockWorkOSJwks(key);
  // Land where the browser would, which shows (and spends) the one-time "Signed in as" notice.
  let landing = await client.get(callback.location!);
  while (landing.status === 303) landing = await client.get(landing.location!);
  expect(pageText(landing.body)).toContain(`Signed in as ${user.email}.`);
  return client;
}

/** The session the cookie seals, as the SDK reads it back. */
async function sealedUser(client: WebClient): Promise<Record<string, unknown>> {
  const session = await workos.userManagement.getSessionFromCookie({
    sessionData: decodeURIComponent(client.jar.get(SESSION_COOKIE)!),
    cookiePassword: TEST_WORKOS_COOKIE_PASSWORD,
  });
  return session!.user as unknown as Record<string, unknown>;
}

/** Every console page answers 404 with the very page of an address that does not exist. */
async function expectConsoleHidden(client: WebClient): Promise<void> {
  const notFound = await client.get("/operator/no-such-page");
  expect(notFound.status).toBe(404);
  for (const address of CONSOLE_PAGES) {
    const page = await client.get(address);
    expect(page.status, address).toBe(404);
    expect(pageText(page.body), address).toBe(pageText(notFound.body));
  }
  // And the 404 is the one the rest of the site gives: nothing says "operator".
  expect(pageText(notFound.body)).toBe(pageText((await client.get("/no-such-page")).body));
}

const operatorUser = (overrides: Record<string, unknown> = {}) =>
  workosUser({ id: "user_01JOPERATOR000000000000000", email: OPERATOR_EMAIL, first_name: "Op", ...overrides });

describe("the operator console with WorkOS sign-in", () => {
  it("opens for a WorkOS user whose verified email is in OPERATOR_EMAILS (in another case)", async () => {
    const client = await signInThroughWorkOS(operatorUser({ email_verified: true }));
    expect(await sealedUser(client)).toMatchObject({ email: OPERATOR_EMAIL, emailVerified: true });
    for (const address of CONSOLE_PAGES) {
      const page = await client.get(address);
      expect(page.status, address).toBe(200);
      expect(page.headers.get("cache-control"), address).toBe("no-store");
    }
    expect(pageText((await client.get(OPERATOR_PAGES.organizations)).body)).toContain("Organizations");
  });

  it("is a 404 for the same email when WorkOS has not verified it", async () => {
    const client = await signInThroughWorkOS(operatorUser({ email_verified: false }));
    expect(await sealedUser(client)).toMatchObject({ email: OPERATOR_EMAIL, emailVerified: false });
    await expectConsoleHidden(client);
  });

  it("is a 404 for a session sealed before emailVerified existed (its sealed user lacks the field)", async () => {
    const { email_verified: _dropped, ...withoutVerified } = operatorUser();
    const client = await signInThroughWorkOS(withoutVerified);
    const user = await sealedUser(client);
    expect(user.email).toBe(OPERATOR_EMAIL);
    expect(user).not.toHaveProperty("emailVerified");
    await expectConsoleHidden(client);
  });

  it("is a 404 for a verified organization admin whose email is not in OPERATOR_EMAILS", async () => {
    const client = await signInThroughWorkOS(workosUser({ email: "admin@acme.example", email_verified: true }), {
      org_id: "org_01JACME",
      role: "admin",
    });
    expect(await sealedUser(client)).toMatchObject({ email: "admin@acme.example", emailVerified: true });
    // Signed in for real, as the organization's admin: the start page is its settings.
    const home = await client.get("/");
    expect(home.status).toBe(303);
    expect(home.location).toBe("/workspace/settings/repos");
    await expectConsoleHidden(client);
  });
});
