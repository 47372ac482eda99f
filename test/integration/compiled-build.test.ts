import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { createModels } from "../../src/models/index.js";
import { nodeVersionProblem } from "../../src/node-version.js";
import { projectPaths } from "../../src/project-paths.js";
import { SETTINGS_PATH } from "../../src/web/settings/settings-routes.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testPrivateKey } from "../helpers/app-credentials.js";
import { signInAs } from "../helpers/auth.js";
import { connectTestDatabase, dropAndClose, testDatabaseName, withDatabaseName } from "../helpers/database.js";
import { findOldNode } from "../helpers/old-node.js";
import { spawnServer, waitForUrl, type ServerProcess } from "../helpers/server-process.js";
import { deliverWebhook, webhookFixture } from "../helpers/webhooks.js";

// The production start: `npm run build`, then plain `node` on the compiled entry, with no TypeScript
// loader. Built into a folder of this file's own inside the checkout, so node_modules resolves.
const root = projectPaths.root;
let outDir: string;
let cwd: string;
let server: ServerProcess | undefined;
let url: string;
let connection: Connection;

beforeAll(async () => {
  mkdirSync(path.join(root, "dist"), { recursive: true });
  outDir = mkdtempSync(path.join(root, "dist", ".test-build-"));
  await promisify(execFile)("npm", ["run", "build", "--", "--outDir", outDir], { cwd: root, timeout: 110_000 });
  connection = await connectTestDatabase();
  // A working directory with no .env and no views/: every path must come from the compiled code's own location.
  cwd = mkdtempSync(path.join(os.tmpdir(), "github-connect-compiled-"));
  server = spawnServer(process.execPath, [path.join(outDir, "src", "start.js")], {
    cwd,
    env: {
      NODE_ENV: "development",
      PORT: "0",
      MONGODB_URI: withDatabaseName(inject("mongoUri"), testDatabaseName()),
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey(),
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    },
  });
  url = await waitForUrl(server);
}, 120_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill("SIGTERM");
    await server.exited;
  }
  await dropAndClose(connection);
  if (cwd) rmSync(cwd, { recursive: true, force: true });
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("the compiled build (npm run build, then node dist/src/start.js)", () => {
  test("start:prod runs the entry the build writes", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts["start:prod"]).toBe("node dist/src/start.js");
    expect(pkg.scripts.build).toBe("tsc -p tsconfig.build.json");
  });

  test("serves /healthz, the sign-in page and the stylesheet from the project's views/ and public/", async () => {
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok", database: "up" });
    const login = await fetch(`${url}/auth/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain("Sign in (development)");
    const css = await fetch(`${url}/assets/app.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
  });

  test("a signed-in admin sees the settings page, rendered inside the layout", async () => {
    const client = await signInAs(url, { organizationId: "org_compiled" });
    const settings = await client.get(SETTINGS_PATH);
    expect(settings.status, settings.body).toBe(200);
    expect(settings.body).toMatch(/<title>[^<]+ · GitHub Connect<\/title>/);
    expect(settings.body).toContain("Connect GitHub");
  });

  test("a signed webhook delivery is answered 200 and applied", async () => {
    const payload = webhookFixture("installation.created.organization");
    const delivery = await deliverWebhook(url, { event: "installation", payload });
    expect(delivery.status, delivery.body).toBe(200);
    const installationId = (payload.installation as { id: number }).id;
    const stored = await createModels(connection).GitHubInstallation.findOne({ installationId }).lean();
    expect(stored?.accountLogin).toBe("octo-org");
  });

  const oldNode = findOldNode();
  test.skipIf(!oldNode)(
    "on an older Node the compiled entry stops with the one line naming the Node it needs",
    async () => {
      const old = spawnServer(path.join(oldNode!.dir, "node"), [path.join(outDir, "src", "start.js")], {
        cwd,
        env: { NODE_ENV: "development", APP_ID: "abc" },
      });
      expect(await old.exited).toBe(1);
      expect(old.output().trim()).toBe(nodeVersionProblem(oldNode!.version));
    },
  );

  test("stops cleanly on SIGTERM", async () => {
    server!.child.kill("SIGTERM");
    expect(await server!.exited).toBe(0);
    expect(server!.output()).toContain('"msg":"shutting down"');
  });
});
