import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, test } from "vitest";
import { canConnect } from "../../src/db/embedded/free-port.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testPrivateKey } from "../helpers/app-credentials.js";
import { withDatabaseName } from "../helpers/database.js";

// What `npm start` runs, as a real process: the README's first command.
const root = fileURLToPath(new URL("../../", import.meta.url));
const tsx = path.join(root, "node_modules/.bin/tsx");
// A working directory with no .env, so a developer's own credentials never leak into the test.
const cwd = mkdtempSync(path.join(os.tmpdir(), "github-connect-start-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(cwd, { recursive: true, force: true });
});

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(tsx, [path.join(root, "src/main.ts")], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForUrl(output: () => string, exited: Promise<unknown>): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const match = output().match(/"url":"(http:\/\/localhost:\d+)"/);
    if (match) return match[1]!;
    const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 100))]);
    if (done) break;
  }
  throw new Error(`the server did not start:\n${output()}`);
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

describe("npm start", () => {
  test("with no APP_ID it serves /healthz and the App registration page on loopback only, and stops cleanly", async () => {
    const mongodbUri = withDatabaseName(inject("mongoUri"), "npm_start_test");
    const server = start({ NODE_ENV: "development", PORT: "0", MONGODB_URI: mongodbUri });
    const url = await waitForUrl(server.output, server.exited);
    await expectLoopbackOnly(url);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", database: "up" });
    const setup = await fetch(`${url}/probot`);
    expect(setup.status).toBe(200);
    expect(await setup.text()).toContain("Register your GitHub App");

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
      const server = start({ NODE_ENV: "development", PORT: String(port), MONGODB_URI: withDatabaseName(inject("mongoUri"), "npm_start_port_in_use") });
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
    const url = await waitForUrl(server.output, server.exited);
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
      STATE_SECRET: "s".repeat(40),
    });
    expect(await server.exited).toBe(1);
    expect(server.output().trim()).toMatch(/^Configuration error: AUTH_MODE=dev .* refused in production/);
  }, 30_000);
});
