/**
 * The server a webhook-ingest run measures, in a process of its own (started by bench/lib/child.ts).
 *   BENCH_SERVER=app   the real Node server (src/server.ts startServer: Probot middleware, web app,
 *                      MongoDB), configured from the environment like `npm start`
 *   BENCH_SERVER=bare  a bare Probot 13 app, a no-op handler, served by createNodeMiddleware
 * For the app: BENCH_GITHUB_API_URL points its GitHub calls at a loopback stand-in;
 * BENCH_DISPATCH_WAKE=off leaves the event dispatcher to its 1 s poll (the baseline before the wake-up).
 * Prints {"url": ...} once listening; stops on SIGTERM.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { createNodeMiddleware, Probot } from "probot";
import { loadConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/logger.js";
import { startServer } from "../../src/server.js";

async function startBare(): Promise<{ url: string; close(): Promise<void> }> {
  const config = loadConfig();
  const probot = new Probot({
    appId: config.github.appId!,
    privateKey: config.github.privateKey!,
    secret: config.github.webhookSecret,
    log: pino({ level: "silent" }),
  });
  const middleware = createNodeMiddleware(
    (app) => {
      app.onAny(async () => undefined);
    },
    { probot, webhooksPath: "/api/github/webhooks" },
  );
  const server: Server = createServer((req, res) => void middleware(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startApp(): Promise<{ url: string; close(): Promise<void> }> {
  const loaded = loadConfig();
  const apiUrl = process.env.BENCH_GITHUB_API_URL;
  const config = apiUrl ? { ...loaded, github: { ...loaded.github, apiUrl } } : loaded;
  const running = await startServer({
    config,
    log: createLogger(config.logLevel),
    mongodbUri: config.mongodbUri!,
    host: "127.0.0.1",
    dispatch: { wakeOnRecord: process.env.BENCH_DISPATCH_WAKE !== "off" },
  });
  return { url: running.url.replace("localhost", "127.0.0.1"), close: () => running.close() };
}

const kind = process.env.BENCH_SERVER;
if (kind !== "app" && kind !== "bare") throw new Error('BENCH_SERVER must be "app" or "bare"');
const server = kind === "app" ? await startApp() : await startBare();
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
process.once("SIGTERM", () => {
  void server.close().finally(() => process.exit(0));
});
