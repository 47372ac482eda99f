import { once } from "node:events";
import net from "node:net";
import { afterAll, afterEach, beforeAll, expect, inject, test } from "vitest";
import { startServer, type RunningServer } from "../../src/server.js";
import { testDatabaseName, withDatabaseName } from "../helpers/database.js";
import { testConfig } from "../helpers/test-config.js";
import { captureLogger } from "../helpers/test-logger.js";

// One client address may hold only its share of the Node server's connections, so a client that
// opens (and reopens) all it can does not lock others out; when a place must be made, idle
// connections are closed first. Clients here bind distinct loopback addresses, which Linux routes
// to the server on 127.0.0.1 as it would distinct hosts.
const MAX_CONNECTIONS = 6;
const PER_ADDRESS = 3;
const HOG = "127.0.0.2";
const OTHER_HOG = "127.0.0.4";
const VISITOR = "127.0.0.3";

let server: RunningServer;
let port: number;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  server = await startServer({
    config: testConfig({ PORT: "0" }),
    log: captureLogger().log,
    mongodbUri: withDatabaseName(inject("mongoUri"), testDatabaseName("connection_share")),
    limits: { maxConnections: MAX_CONNECTIONS, maxConnectionsPerAddress: PER_ADDRESS, requestTimeoutMs: 60_000 },
  });
  port = Number(new URL(server.url).port);
});
afterEach(async () => {
  const open = sockets.splice(0).filter((socket) => !socket.destroyed);
  for (const socket of open) socket.destroy();
  await Promise.all(open.map((socket) => once(socket, "close")));
  // A request answered after the closes: the server has seen them before the next test connects.
  const settled = await healthzFrom("127.0.0.5");
  sockets.pop()?.destroy();
  expect(settled).toMatch(/^HTTP\/1\.1 200 /);
});
afterAll(async () => {
  await server?.close();
});

interface Client {
  socket: net.Socket;
  received: () => string;
  closed: Promise<void>;
}

/** A connection from `localAddress` that sends nothing until told. */
async function connectFrom(localAddress: string): Promise<Client> {
  const socket = net.connect({ port, host: "127.0.0.1", localAddress });
  sockets.push(socket);
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
  socket.on("error", () => undefined);
  const closed = once(socket, "close").then(() => undefined);
  await once(socket, "connect");
  return { socket, received: () => received, closed };
}

/** Resolves once `text` has arrived or the connection has closed, with all it received. */
async function receivedOrClosed(client: Client, text: RegExp): Promise<string> {
  let done = false;
  void client.closed.then(() => (done = true));
  while (!done && !text.test(client.received())) await new Promise((resolve) => setTimeout(resolve, 10));
  return client.received();
}

/** GET /healthz from `localAddress` on a new connection: what came back, or "" if it was closed unanswered. */
async function healthzFrom(localAddress: string): Promise<string> {
  const client = await connectFrom(localAddress);
  client.socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  return receivedOrClosed(client, /\r\n\r\n\{.*\}/s);
}

let deliveries = 0;

/** A connection from `localAddress` with a webhook delivery under way: its body is still to come. */
async function busyClient(localAddress: string): Promise<Client> {
  const client = await connectFrom(localAddress);
  client.socket.write(
    [
      "POST /api/github/webhooks HTTP/1.1",
      "Host: localhost",
      "Content-Type: application/json",
      "X-GitHub-Event: ping",
      `X-GitHub-Delivery: busy-${++deliveries}`,
      `X-Hub-Signature-256: sha256=${"0".repeat(64)}`,
      "Content-Length: 100",
      "Expect: 100-continue",
      "",
      "",
    ].join("\r\n"),
  );
  // The server has taken the request up once it says 100 Continue.
  expect(await receivedOrClosed(client, /100 Continue\r\n\r\n/)).toMatch(/^HTTP\/1\.1 100 Continue/);
  return client;
}

/** Resolves once `count` of `clients` have been closed by the server. */
async function closedCount(clients: Client[], count: number): Promise<void> {
  let closed = 0;
  await new Promise<void>((resolve) => {
    for (const client of clients) void client.closed.then(() => ++closed === count && resolve());
  });
}

test("an address opening more than its share is closed down to it, while another address's /healthz answers", async () => {
  const hog: Client[] = [];
  for (let i = 0; i < 2 * MAX_CONNECTIONS; i++) hog.push(await connectFrom(HOG));

  expect(await healthzFrom(VISITOR)).toMatch(/^HTTP\/1\.1 200 /);
  await closedCount(hog, hog.length - PER_ADDRESS);
  // Its oldest idle connections made way for its newest.
  expect(hog.map((client) => client.socket.destroyed)).toEqual([
    ...Array(hog.length - PER_ADDRESS).fill(true),
    ...Array(PER_ADDRESS).fill(false),
  ]);
});

test("at the server's cap a new client is served by closing an idle connection of the address holding most", async () => {
  const hog = [await connectFrom(HOG), await connectFrom(HOG), await connectFrom(HOG)];
  const other = [await connectFrom(OTHER_HOG), await connectFrom(OTHER_HOG), await connectFrom(OTHER_HOG)];
  // Six connections: the cap. The visitor's makes way by closing the oldest idle one of those
  // addresses holding most (three each): HOG's first.
  expect(await healthzFrom(VISITOR)).toMatch(/^HTTP\/1\.1 200 /);
  await hog[0]!.closed;
  expect([...hog, ...other].map((client) => client.socket.destroyed)).toEqual([
    true,
    false,
    false,
    false,
    false,
    false,
  ]);
});

test("a connection with a request under way is not closed: an address whose share is all busy is refused the next one", async () => {
  const busy: Client[] = [];
  for (let i = 0; i < PER_ADDRESS; i++) busy.push(await busyClient(HOG));

  const refused = await connectFrom(HOG);
  refused.socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  await refused.closed;
  expect(refused.received()).toBe("");
  expect(busy.map((client) => client.socket.destroyed)).toEqual(Array(PER_ADDRESS).fill(false));
  expect(await healthzFrom(VISITOR)).toMatch(/^HTTP\/1\.1 200 /);
});

test("at the server's cap with every connection busy, a new one is closed as it arrives; a freed place is served again", async () => {
  const busy: Client[] = [];
  for (const address of [HOG, OTHER_HOG]) for (let i = 0; i < PER_ADDRESS; i++) busy.push(await busyClient(address));

  expect(await healthzFrom(VISITOR)).toBe("");
  expect(busy.map((client) => client.socket.destroyed)).toEqual(Array(MAX_CONNECTIONS).fill(false));

  busy[0]!.socket.destroy();
  await busy[0]!.closed;
  // Until the server has seen it close, the place may still be taken: ask again until it is free.
  let answer = "";
  while (!answer) answer = await healthzFrom(VISITOR);
  expect(answer).toMatch(/^HTTP\/1\.1 200 /);
});
