import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "dotenv";
import type { Connection } from "mongoose";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { createAssembly } from "../../src/assembly.js";
import { SETUP_STATE_COOKIE } from "../../src/web/registration/registration-routes.js";
import { testPrivateKey } from "../helpers/app-credentials.js";
import { WebClient } from "../helpers/auth.js";
import { connectTestDatabase, dropAndClose } from "../helpers/database.js";
import { nockManifestConversion } from "../helpers/github/apps.js";
import { listen } from "../helpers/test-server.js";
import { captureLogger } from "../helpers/test-logger.js";

// Setup mode: no APP_ID yet, so the server offers to register the App from app.yml.
const dir = mkdtempSync(path.join(os.tmpdir(), "github-connect-setup-"));
const dotenvPath = path.join(dir, ".env");
const logs = captureLogger();
let connection: Connection;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  connection = await connectTestDatabase();
  const config = loadConfig({ NODE_ENV: "development", BASE_URL: "https://connect.example.com" });
  const app = await createAssembly({ config, log: logs.log, database: { connection } }).webApp({ dotenvPath });
  const started = await listen(app);
  url = started.url;
  close = () => new Promise((resolve) => started.server.close(() => resolve()));
});
afterAll(async () => {
  await close?.();
  await dropAndClose(connection);
  rmSync(dir, { recursive: true, force: true });
});

const nockConversion = nockManifestConversion;

/** Opens the setup page as a browser does; returns the client (holding the state cookie) and the `state` the form sends GitHub. */
async function openSetupPage(): Promise<{ client: WebClient; state: string }> {
  const client = new WebClient(url);
  const page = await client.get("/probot");
  expect(page.status).toBe(200);
  const action = /<form action="([^"]+)" method="post">/.exec(page.body)![1]!.replace(/&amp;/g, "&");
  return { client, state: new URL(action).searchParams.get("state")! };
}

describe("registering the App from app.yml", () => {
  test("the setup page posts the manifest, with this server's URLs, to GitHub's new-App form", async () => {
    const res = await fetch(`${url}/probot`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(
      /<form action="https:\/\/github\.com\/settings\/apps\/new\?state=[A-Za-z0-9_-]{43}" method="post">/,
    );
    const manifest = JSON.parse(
      html
        .match(/name="manifest" value="([^"]*)"/)![1]!
        .replace(/&#34;/g, '"')
        .replace(/&#39;/g, "'"),
    );
    expect(manifest.hook_attributes.url).toBe("https://connect.example.com/api/github/webhooks");
    expect(manifest.setup_url).toBe("https://connect.example.com/github/setup");
  });

  test("/ leads a new user to the setup page", async () => {
    const res = await fetch(`${url}/`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/probot");
  });

  test("an App page (settings, sign-in, the connect flow) leads to the setup page, which says to register first", async () => {
    for (const path of [
      "/workspace/settings/repos",
      "/auth/login",
      "/github/setup?installation_id=1&setup_action=install",
    ]) {
      const res = await fetch(`${url}${path}`, { redirect: "manual" });
      expect(res.status, path).toBe(302);
      expect(res.headers.get("location"), path).toBe("/probot?needs=app");
    }
    const page = await (await fetch(`${url}/probot?needs=app`)).text();
    expect(page).toMatch(
      /<div class="flash flash-info" role="status">That page needs the GitHub App: register it below first, then restart npm start\.<\/div>/,
    );
    expect(await (await fetch(`${url}/probot`)).text()).not.toContain("That page needs");
  });

  test("anything else stays a 404: an unknown page, the API, and App pages asked for with another method", async () => {
    for (const [method, path] of [
      ["GET", "/no-such-page"],
      ["GET", "/api/internal/anything"],
      ["POST", "/auth/logout"],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method, redirect: "manual", headers: { accept: "text/html" } });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });

  test("the setup page sends GitHub a random state and keeps it in a short-lived HttpOnly SameSite=Lax cookie", async () => {
    const { client, state } = await openSetupPage();
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(client.jar.get(SETUP_STATE_COOKIE)).toBe(state);
    const page = await client.get("/probot");
    const line = page.setCookies.find((l) => l.startsWith(`${SETUP_STATE_COOKIE}=`))!;
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Lax/i);
    expect(Number(/Max-Age=(\d+)/i.exec(line)![1])).toBeLessThanOrEqual(3600);
    expect(page.headers.get("cache-control")).toBe("no-store");
    // A new page, a new state.
    expect(client.jar.get(SETUP_STATE_COOKIE)).not.toBe(state);
  });

  test("GitHub's registration code is exchanged and the credentials land in .env, never in the logs", async () => {
    writeFileSync(dotenvPath, "# kept\nLOG_LEVEL=debug\n");
    const pem = testPrivateKey();
    const scope = nockConversion("a1b2c3d4e5");

    const { client, state } = await openSetupPage();
    const res = await client.get(`/probot/setup?code=a1b2c3d4e5&state=${state}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain("https://github.com/apps/github-connect-acme/installations/new");
    scope.done();
    // The state is spent: the same link cannot register again.
    expect(client.jar.get(SETUP_STATE_COOKIE)).toBeUndefined();

    const text = readFileSync(dotenvPath, "utf8");
    expect(text.startsWith("# kept\nLOG_LEVEL=debug\n")).toBe(true);
    const env = parse(text);
    expect(env).toMatchObject({
      APP_ID: "1012345",
      APP_SLUG: "github-connect-acme",
      GITHUB_CLIENT_ID: "Iv23liAbCdEfGh123456",
      GITHUB_CLIENT_SECRET: "0123456789abcdef0123456789abcdef01234567",
      WEBHOOK_SECRET: "e340154128314309424b7c8e90325147d99fdafa",
    });
    // The saved file is what the next start-up reads: it must load as a working App config.
    expect(loadConfig({ ...env, NODE_ENV: "development" }).github.privateKey).toBe(pem);
    const logged = logs.text();
    // The code and state are in the setup URL's query and in the conversion's URL: neither reaches the logs.
    for (const secret of [
      "0123456789abcdef0123456789abcdef01234567",
      "e340154128314309424b7c8e90325147d99fdafa",
      "PRIVATE KEY",
      "a1b2c3d4e5",
      state,
    ]) {
      expect(logged).not.toContain(secret);
    }
  });

  test("the links after registration are built from the configured GitHub URL and the slug, never the answer's html_url", async () => {
    writeFileSync(dotenvPath, "");
    const scope = nockConversion("f6e5d4c3b2", { html_url: "https://github.example.net/apps/lookalike" });
    const { client, state } = await openSetupPage();
    const res = await client.get(`/probot/setup?code=f6e5d4c3b2&state=${state}`);
    expect(res.status).toBe(200);
    scope.done();
    const links = [...res.body.matchAll(/<a class="button[^"]*" href="([^"]+)"/g)].map((match) => match[1]);
    expect(links).toEqual([
      "https://github.com/apps/github-connect-acme/installations/new",
      "https://github.com/apps/github-connect-acme",
    ]);
    expect(res.body).not.toContain("github.example.net");
  });

  test("an expired or reused code shows a page saying to start again, and writes nothing", async () => {
    writeFileSync(dotenvPath, "");
    nock("https://api.github.com").post("/app-manifests/expired0/conversions").reply(404, {
      message: "Not Found",
      documentation_url: "https://docs.github.com/rest/apps/apps#create-a-github-app-from-a-manifest",
      status: "404",
    });
    const { client, state } = await openSetupPage();
    const res = await client.get(`/probot/setup?code=expired0&state=${state}`);
    expect(res.status).toBe(502);
    expect(res.body).toContain("GitHub did not accept the registration code");
    expect(readFileSync(dotenvPath, "utf8")).toBe("");
  });

  test("a missing code is a 400 with a way forward", async () => {
    const res = await fetch(`${url}/probot/setup`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Start again from the setup page.");
  });

  test("a setup link fired from another site (no state cookie from this browser) is refused, writes nothing and never reaches GitHub", async () => {
    writeFileSync(dotenvPath, "# untouched\n");
    const res = await fetch(`${url}/probot/setup?code=attacker0code&state=whatever`, {
      headers: { accept: "text/html" },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(
      "This registration was not started from the setup page in this browser, or it expired, so nothing was saved.",
    );
    expect(readFileSync(dotenvPath, "utf8")).toBe("# untouched\n");
  });

  test("a state that is not this browser's, or none, is refused and writes nothing", async () => {
    writeFileSync(dotenvPath, "# untouched\n");
    const other = await openSetupPage();
    for (const query of [`state=${other.state}x`, "", `state=${(await openSetupPage()).state}`]) {
      const { client } = await openSetupPage();
      const res = await client.get(`/probot/setup?code=attacker0code${query ? `&${query}` : ""}`);
      expect(res.status, query).toBe(403);
    }
    expect(readFileSync(dotenvPath, "utf8")).toBe("# untouched\n");
  });
});
