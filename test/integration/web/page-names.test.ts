import nock from "nock";
import type { Connection } from "mongoose";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  createTestWorkOS,
  nockAuthenticateWithCode,
  nockWorkOSJwks,
  nockWorkOSOrganization,
  WebClient,
  workosEnv,
  WorkOSSigningKey,
} from "../../helpers/auth.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { nockGetApp } from "../../helpers/github/apps.js";
import { mainOf, pageText, SETTINGS, signInAdmin } from "../../helpers/github-connect.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

/*
 * The names pages show come from where people know them: the App's from GitHub (`GET /app`, as on
 * its install page), the organization's from WorkOS. Both are cached, and a lookup that fails
 * leaves a fallback on a working page, never an error.
 */

let connection: Connection;
let server: TestServer | undefined;
/** Requests to GitHub or WorkOS that no recorded answer matched: calls the cache should have saved. */
let unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; hostname?: string }) => {
  // Loopback (our own server) passes through nock and is reported too.
  if (req.hostname !== "127.0.0.1") unmatched.push(`${req.method} ${req.hostname}${req.path}`);
};

beforeAll(async () => {
  connection = await connectTestDatabase();
  nock.emitter.on("no match", onNoMatch);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  unmatched = [];
});
afterAll(async () => {
  nock.emitter.removeListener("no match", onNoMatch);
  await dropAndClose(connection);
});

const T0 = new Date("2026-11-24T12:00:00Z");
const minutesLater = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

async function start(config = testConfig()): Promise<TestServer> {
  server = await startTestServer({ connection, config, now: T0, workos: createTestWorkOS() });
  return server;
}

const brandOf = (html: string) => /<a class="brand" href="\/">([^<]*)<\/a>/.exec(html)?.[1];
const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];
const warnings = (s: TestServer) => s.logs.lines.filter((line) => line.level === 40).map((line) => String(line.msg));

/** Waits for the background refresh a stale name starts (it answers the next page). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(done()).toBe(true);
}

describe("the App's name, from GET /app", () => {
  test("pages name the App as GitHub does, asked once: header, title, and the words of the connection card", async () => {
    const app = nockGetApp();
    const s = await start();
    const admin = await signInAdmin(s, "org_fresh");
    const page = await admin.get(SETTINGS);
    expect(page.status).toBe(200);
    expect(brandOf(page.body)).toBe("Acme Workspaces");
    expect(titleOf(page.body)).toBe("GitHub · Acme Workspaces");
    const text = pageText(mainOf(page.body));
    expect(text).toContain(
      "choose “Only select repositories”: Acme Workspaces is given the repositories it creates for you",
    );
    expect(text).not.toContain("GitHub Connect");
    // The link to the App is built from configuration (APP_SLUG), not the response's html_url.
    expect(page.body).toContain(
      '<a href="https://github.com/apps/github-connect-test" data-testid="app-page-link">Acme Workspaces</a>',
    );

    const again = await admin.get(SETTINGS);
    expect(brandOf(again.body)).toBe("Acme Workspaces");
    expect(app.isDone()).toBe(true);
    expect(unmatched).toEqual([]); // the sign-in page and two settings pages: one call
  });

  test("a name is HTML-escaped wherever it appears", async () => {
    nockGetApp({ name: "<img src=x onerror=alert(1)> & Co" });
    const s = await start();
    const page = await (await signInAdmin(s, "org_fresh")).get(SETTINGS);
    expect(page.body).not.toContain("<img src=x");
    expect(brandOf(page.body)).toBe("&lt;img src=x onerror=alert(1)&gt; &amp; Co");
  });

  test("after an hour the name is read again: the page that notices still shows the old one, the next the new one", async () => {
    nockGetApp();
    const s = await start();
    const admin = await signInAdmin(s, "org_fresh");
    expect(brandOf((await admin.get(SETTINGS)).body)).toBe("Acme Workspaces");

    s.setNow(minutesLater(61));
    const renamed = nockGetApp({ name: "Acme Repos" });
    expect(brandOf((await admin.get(SETTINGS)).body)).toBe("Acme Workspaces");
    await until(() => renamed.isDone());
    expect(brandOf((await admin.get(SETTINGS)).body)).toBe("Acme Repos");
    expect(unmatched).toEqual([]);
  });

  test("GitHub failing: the page works under the product's name, one warning says why, and GitHub is not asked again for 5 minutes", async () => {
    nockGetApp({ status: 500 });
    const s = await start();
    const admin = await signInAdmin(s, "org_fresh");
    const page = await admin.get(SETTINGS);
    expect(page.status).toBe(200);
    expect(brandOf(page.body)).toBe("GitHub Connect");
    expect(pageText(mainOf(page.body))).toContain("GitHub Connect is given the repositories");
    expect(warnings(s)).toEqual([
      'could not read the App\'s name (GET /app), pages say "GitHub Connect" for now: GitHub answered 500 to GET /app; GitHub is having trouble: try again in a minute (https://www.githubstatus.com)',
    ]);
    expect(s.logs.lines.filter((line) => Number(line.level) >= 50)).toEqual([]);

    await admin.get(SETTINGS);
    expect(unmatched).toEqual([]);

    s.setNow(minutesLater(6));
    nockGetApp();
    // Nothing known yet, so this page waits for the answer rather than showing the fallback again.
    expect(brandOf((await admin.get(SETTINGS)).body)).toBe("Acme Workspaces");
  });

  test("GitHub unreachable (no network): the product's name, the page still answers", async () => {
    const s = await start();
    const page = await (await signInAdmin(s, "org_fresh")).get(SETTINGS);
    expect(page.status).toBe(200);
    expect(brandOf(page.body)).toBe("GitHub Connect");
    expect(warnings(s)).toHaveLength(1);
    expect(warnings(s)[0]).toMatch(/^could not read the App's name \(GET \/app\)/);
  });

  test("an APP_SLUG that is not the App's own is reported once, naming the value to set", async () => {
    nockGetApp({ slug: "acme-workspaces" });
    const s = await start();
    const admin = await signInAdmin(s, "org_fresh");
    await admin.get(SETTINGS);
    await admin.get(SETTINGS);
    expect(warnings(s)).toEqual([
      'APP_SLUG is "github-connect-test" but GitHub calls this App "acme-workspaces": install links lead to another App; set APP_SLUG=acme-workspaces',
    ]);
  });
});

describe("the organization's name, from WorkOS", () => {
  const key = new WorkOSSigningKey();

  /** Signs in through WorkOS (login → callback) as an admin of `organizationId`. */
  async function signInThroughWorkOS(s: TestServer, organizationId: string): Promise<WebClient> {
    const client = new WebClient(s.url);
    const login = await client.get("/auth/login");
    const state = new URL(login.location!).searchParams.get("state");
    const accessToken = key.sign({ sid: "session_01JTESTSESSION000000000000", role: "admin", org_id: organizationId });
    nockAuthenticateWithCode("code_good", { organizationId, accessToken, refreshToken: "refresh_token_1" });
    const callback = await client.get(`/auth/callback?code=code_good&state=${state}`);
    expect(callback.status).toBe(303);
    nockWorkOSJwks(key);
    return client;
  }

  const orgOf = (html: string) => pageText(/<span class="account-org"[^>]*>([\s\S]*?)<\/span>/.exec(html)?.[1] ?? "");
  const workosConfig = () => testConfig(workosEnv({ BASE_URL: "https://connect.example.test" }));

  test("the header names the organization as WorkOS does, asked once for many pages", async () => {
    nockGetApp();
    const s = await start(workosConfig());
    const client = await signInThroughWorkOS(s, "org_01JACME");
    const organization = nockWorkOSOrganization("org_01JACME", { name: "Acme Corporation" });
    const page = await client.get(SETTINGS);
    expect(page.status).toBe(200);
    expect(orgOf(page.body)).toBe("Acme Corporation");
    expect(page.body).not.toContain("org_01JACME");
    expect(orgOf((await client.get(SETTINGS)).body)).toBe("Acme Corporation");
    expect(organization.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  test("WorkOS failing: the header shows the organization's id, the page works, one warning", async () => {
    nockGetApp();
    const s = await start(workosConfig());
    const client = await signInThroughWorkOS(s, "org_01JACME");
    nockWorkOSOrganization("org_01JACME", { status: 500 });
    const page = await client.get(SETTINGS);
    expect(page.status).toBe(200);
    expect(orgOf(page.body)).toBe("Organization org_01JACME");
    expect(warnings(s)).toEqual([
      "could not read the organization's name from WorkOS (status 500); pages show its id for now",
    ]);
    // Not asked again within the minute.
    await client.get(SETTINGS);
    expect(unmatched).toEqual([]);
  });

  test("development sign-in has no directory: the id, and WorkOS is never asked", async () => {
    nockGetApp();
    const s = await start();
    const page = await (await signInAdmin(s, "org_acme")).get(SETTINGS);
    expect(orgOf(page.body)).toBe("Organization org_acme");
    expect(unmatched).toEqual([]);
  });
});
