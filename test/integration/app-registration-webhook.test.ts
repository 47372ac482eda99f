import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parse } from "dotenv";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { projectPaths } from "../../src/project-paths.js";
import { createWebApp } from "../../src/web/create-web-app.js";
import { appRegistrationRoutes } from "../../src/web/registration/registration-routes.js";
import { WebClient } from "../helpers/auth.js";
import { nockManifestConversion } from "../helpers/github/apps.js";
import { startSmeeStandIn, type SmeeStandIn } from "../helpers/smee-stand-in.js";
import { captureLogger } from "../helpers/test-logger.js";
import { listen } from "../helpers/test-server.js";

// Setup mode on a laptop: GitHub refuses an App whose webhook URL it cannot reach (localhost), so
// the setup page creates a smee channel (here on a local stand-in for smee.io) as Probot does.
const dir = mkdtempSync(path.join(os.tmpdir(), "github-connect-setup-proxy-"));
const dotenvPath = path.join(dir, ".env");
const logs = captureLogger();
let smee: SmeeStandIn;
const servers: Server[] = [];

beforeAll(async () => {
  smee = await startSmeeStandIn();
});
afterEach(() => writeFileSync(dotenvPath, ""));
afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await smee?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A setup-mode server (one process's worth: its own channel cache) for `env`. */
async function setupServer(env: Record<string, string>): Promise<string> {
  const config = loadConfig({ NODE_ENV: "development", BASE_URL: "http://localhost:3000", ...env });
  const app = createWebApp({
    config,
    log: logs.log,
    connection: null,
    routers: [appRegistrationRoutes({ config, manifestPath: projectPaths.appManifest, dotenvPath })],
  });
  const started = await listen(app);
  servers.push(started.server);
  return started.url;
}

/** Opens the setup page as a browser does: the manifest it would post, the page's words, and the `state`. */
async function openSetupPage(client: WebClient) {
  const page = await client.get("/probot");
  expect(page.status).toBe(200);
  const field = /name="manifest" value="([^"]*)"/.exec(page.body)?.[1];
  const manifest =
    field === undefined
      ? undefined
      : (JSON.parse(field.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&")) as {
          hook_attributes: { url: string };
        });
  const action = /<form action="([^"]+)" method="post">/.exec(page.body)?.[1]?.replace(/&amp;/g, "&");
  const text = page.body
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");
  return { manifest, text, state: action ? new URL(action).searchParams.get("state")! : undefined };
}

/** A port nothing listens on: smee.io as seen from an offline laptop. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("registering from a laptop (BASE_URL on localhost)", () => {
  test("a new smee channel becomes the webhook URL, the page says why, and it is saved to .env with the credentials", async () => {
    const url = await setupServer({ SMEE_URL: smee.url });
    const client = new WebClient(url);
    const before = smee.channelsCreated;
    const { manifest, text } = await openSetupPage(client);
    const channel = manifest!.hook_attributes.url;
    expect(channel).toMatch(new RegExp(`^${smee.url}/[A-Za-z0-9_-]{16}$`));
    expect(text).toContain(
      `GitHub only delivers webhooks to an address on the public Internet, and http://localhost:3000 is not one. So they go to a new channel on ${new URL(smee.url).host} (${channel}) and this server forwards them to /api/github/webhooks while it runs; the channel is saved to .env as WEBHOOK_PROXY_URL with the App's credentials.`,
    );
    // The other URLs are the browser's to follow, and GitHub takes localhost for them.
    expect(manifest).toMatchObject({
      setup_url: "http://localhost:3000/github/setup",
      redirect_url: "http://localhost:3000/probot/setup",
    });
    // One channel per process, however often the page is opened.
    const again = await openSetupPage(client);
    expect(again.manifest!.hook_attributes.url).toBe(channel);
    expect(smee.channelsCreated).toBe(before + 1);

    const scope = nockManifestConversion("laptop01");
    const done = await client.get(`/probot/setup?code=laptop01&state=${again.state}`);
    expect(done.status, done.body).toBe(200);
    scope.done();
    expect(done.body).toContain(`Its webhooks arrive through <code>${channel}</code>`);
    expect(parse(readFileSync(dotenvPath, "utf8"))).toMatchObject({ APP_ID: "1012345", WEBHOOK_PROXY_URL: channel });
  });

  test("a restart between the setup page and GitHub's return still saves the channel GitHub was given", async () => {
    const client = new WebClient(await setupServer({ SMEE_URL: smee.url }));
    const { manifest, state } = await openSetupPage(client);
    // The same browser comes back to a new process, which would create a channel of its own.
    const restarted = new WebClient(await setupServer({ SMEE_URL: smee.url }));
    restarted.jar.cookies.clear();
    for (const [name, value] of client.jar.cookies) restarted.jar.cookies.set(name, value);
    nockManifestConversion("restart01");
    expect((await restarted.get(`/probot/setup?code=restart01&state=${state}`)).status).toBe(200);
    expect(parse(readFileSync(dotenvPath, "utf8")).WEBHOOK_PROXY_URL).toBe(manifest!.hook_attributes.url);
  });

  test("WEBHOOK_PROXY_URL already set: it is the webhook URL, no channel is created, and it is saved with the credentials", async () => {
    const mine = `${smee.url}/myOwnChannel42`;
    const client = new WebClient(await setupServer({ SMEE_URL: smee.url, WEBHOOK_PROXY_URL: mine }));
    const before = smee.channelsCreated;
    const { manifest, text, state } = await openSetupPage(client);
    expect(manifest!.hook_attributes.url).toBe(mine);
    expect(text).toContain(
      `Webhooks go to WEBHOOK_PROXY_URL (${mine}), and this server forwards them to /api/github/webhooks while it runs.`,
    );
    expect(smee.channelsCreated).toBe(before);
    nockManifestConversion("mine01");
    expect((await client.get(`/probot/setup?code=mine01&state=${state}`)).status).toBe(200);
    expect(parse(readFileSync(dotenvPath, "utf8")).WEBHOOK_PROXY_URL).toBe(mine);
  });

  test("offline (smee.io cannot be reached): the page says so plainly and what to do, and offers no Register button", async () => {
    const port = await closedPort();
    const client = new WebClient(await setupServer({ SMEE_URL: `http://127.0.0.1:${port}` }));
    const page = await client.get("/probot");
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('name="manifest"');
    expect(page.body).not.toContain("Register GitHub App</button>");
    const { text } = await openSetupPage(client);
    expect(text).toContain(
      `GitHub would refuse this webhook URL. GitHub only delivers webhooks to an address on the public Internet, and http://localhost:3000 is not one; the usual way round, a smee.io channel that this server forwards from, could not be created: http://127.0.0.1:${port}/new could not be reached (ECONNREFUSED). Set WEBHOOK_PROXY_URL to a channel from https://smee.io/new (or BASE_URL to a public URL, such as a tunnel's) and restart npm start, or try again once online.`,
    );
    expect(page.body).toContain('<a class="button" href="/probot">Try again</a>');
    expect(
      logs.lines.some(
        (line) => line.level === 40 && String(line.msg).startsWith("no smee channel for the App's webhooks"),
      ),
    ).toBe(true);
  });

  test("smee answers without a channel: said the same way; once it works again, the next visit gets one", async () => {
    let broken = true;
    const flaky = createServer((_req, res) => {
      if (broken) return void res.writeHead(503).end();
      res.writeHead(307, { location: "/fixedChannel7" }).end();
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    servers.push(flaky);
    const smeeUrl = `http://127.0.0.1:${(flaky.address() as net.AddressInfo).port}`;
    const client = new WebClient(await setupServer({ SMEE_URL: smeeUrl }));
    expect((await openSetupPage(client)).text).toContain(
      `could not be created: ${smeeUrl}/new answered 503 without a channel.`,
    );
    broken = false;
    expect((await openSetupPage(client)).manifest!.hook_attributes.url).toBe(`${smeeUrl}/fixedChannel7`);
  });

  test("a public BASE_URL needs no channel: GitHub posts to this server itself", async () => {
    const before = smee.channelsCreated;
    const { manifest, text } = await openSetupPage(
      new WebClient(await setupServer({ SMEE_URL: smee.url, BASE_URL: "https://connect.example.com" })),
    );
    expect(manifest!.hook_attributes.url).toBe("https://connect.example.com/api/github/webhooks");
    expect(text).not.toMatch(/smee|WEBHOOK_PROXY_URL/);
    expect(smee.channelsCreated).toBe(before);
  });
});
