import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, test } from "vitest";
import { canConnect } from "../../src/db/embedded/free-port.js";
import { projectPaths } from "../../src/project-paths.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testPrivateKey } from "../helpers/app-credentials.js";
import { withDatabaseName } from "../helpers/database.js";
import { findOldNode } from "../helpers/old-node.js";
import { spawnServer, waitForUrl, type ServerProcess } from "../helpers/server-process.js";

// What `npm start` runs, as a real process: the README's first command.
const root = projectPaths.root;
const tsx = path.join(root, "node_modules/.bin/tsx");
// A working directory with no .env, so a developer's own credentials never leak into the test.
const cwd = mkdtempSync(path.join(os.tmpdir(), "github-connect-start-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(cwd, { recursive: true, force: true });
});

function start(env: Record<string, string>): ServerProcess {
  const server = spawnServer(tsx, [path.join(root, "src/start.ts")], { cwd, env });
  children.push(server.child);
  return server;
}

/** This machine's address on a network interface: where another machine would connect. */
function externalAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && !address.internal && address.family === "IPv4")?.address;
}

/** Outside production the server listens on loopback only: another machine cannot reach it. */
async function expectLoopbackOnly(url: string): Promise<void> {
  const external = externalAddress();
  expect(external, "this test needs a non-loopback IPv4 interface").toBeDefined();
  expect(await canConnect("127.0.0.1", Number(new URL(url).port))).toBe(true);
  expect(await canConnect(external!, Number(new URL(url).port))).toBe(false);
}

const oldNode = findOldNode();

describe("npm start", () => {
  test("package.json's start script is the entry these tests run", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe("tsx src/start.ts");
  });

  // tsx's bin runs on the first `node` on PATH, as `npm start` would on a machine with Node 20.
  test.skipIf(!oldNode)(
    "on an older Node it stops with one line saying which Node it needs, before anything else runs",
    async () => {
      // APP_ID=abc: had the rest loaded, it would stop on a configuration error instead.
      const server = start({
        PATH: `${oldNode!.dir}${path.delimiter}${process.env.PATH ?? ""}`,
        NODE_ENV: "development",
        APP_ID: "abc",
      });
      expect(await server.exited).toBe(1);
      expect(server.output().trim()).toBe(
        `GitHub Connect needs Node.js 22 or newer; this is v${oldNode!.version}. Install Node 22 LTS (https://nodejs.org, or \`nvm install 22\`), then run npm install and npm start again.`,
      );
    },
    30_000,
  );

  test("with no APP_ID it serves /healthz and the App registration page on loopback only, and stops cleanly", async () => {
    const mongodbUri = withDatabaseName(inject("mongoUri"), "npm_start_test");
    // A channel of its own: on localhost the page would otherwise create one on smee.io.
    const channel = "https://smee.io/npmStartTestChannel";
    const server = start({ NODE_ENV: "development", PORT: "0", MONGODB_URI: mongodbUri, WEBHOOK_PROXY_URL: channel });
    const url = await waitForUrl(server);
    await expectLoopbackOnly(url);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", database: "up" });
    const setup = await fetch(`${url}/probot`);
    expect(setup.status).toBe(200);
    const page = await setup.text();
    expect(page).toContain("Register your GitHub App");
    expect(page).toContain(`<dt>Webhook URL</dt><dd><code>${channel}</code></dd>`);

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"shutting down"');
  }, 60_000);

  test("a malformed variable stops start-up with one line naming it", async () => {
    const server = start({ NODE_ENV: "development", APP_ID: "abc" });
    expect(await server.exited).toBe(1);
    expect(server.output().trim()).toBe('Configuration error: APP_ID must be a positive whole number, got "abc"');
  }, 30_000);

  test("a port in use stops start-up with one line saying to set PORT", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const server = start({
        NODE_ENV: "development",
        PORT: String(port),
        MONGODB_URI: withDatabaseName(inject("mongoUri"), "npm_start_port_in_use"),
      });
      expect(await server.exited).toBe(1);
      expect(server.output().trim()).toBe(`Port ${port} is in use: set PORT`);
    } finally {
      blocker.close();
    }
  }, 30_000);

  test("with an App but no WorkOS credentials it offers development sign-in, on loopback only", async () => {
    const mongodbUri = withDatabaseName(inject("mongoUri"), "npm_start_dev_auth");
    const server = start({
      NODE_ENV: "development",
      PORT: "0",
      MONGODB_URI: mongodbUri,
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey(),
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    });
    const url = await waitForUrl(server);
    await expectLoopbackOnly(url);
    const home = await fetch(`${url}/`, { redirect: "manual" });
    expect(home.status).toBe(303);
    expect(home.headers.get("location")).toBe("/auth/login");
    const login = await (await fetch(`${url}/auth/login`)).text();
    expect(login).toContain("Sign in (development)");
    expect(login).toContain("Development sign-in: not for production use.");
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 60_000);

  test("development sign-in is refused in production, naming AUTH_MODE", async () => {
    const server = start({
      NODE_ENV: "production",
      AUTH_MODE: "dev",
      BASE_URL: "https://connect.example.com",
      MONGODB_URI: "mongodb://127.0.0.1:1/unused",
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey(),
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      GITHUB_CLIENT_ID: "Iv1.testclientid",
      GITHUB_CLIENT_SECRET: "test-client-secret",
      APP_SLUG: "github-connect-test",
      STATE_SECRET: "state-secret-for-the-production-tests-0123",
    });
    expect(await server.exited).toBe(1);
    expect(server.output().trim()).toMatch(/^Configuration error: AUTH_MODE=dev .* refused in production/);
  }, 30_000);
});
