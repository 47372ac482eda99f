import { once } from "node:events";
import net from "node:net";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { connectDatabase } from "../../src/db/connect.js";
import { PortInUseError } from "../../src/http-listener.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { testDatabaseName, withDatabaseName } from "../helpers/database.js";
import { testConfig } from "../helpers/test-config.js";
import { captureLogger } from "../helpers/test-logger.js";

// The Node server of `npm start` (src/server.ts), with limits short enough to watch them act.
const limits = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  timeoutCheckIntervalMs: 50,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 3,
};
const uri = (name: string) => withDatabaseName(inject("mongoUri"), testDatabaseName(name));
let server: RunningServer;
let port: number;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  server = await startServer({
    config: testConfig({ PORT: "0" }),
    log: captureLogger().log,
    mongodbUri: uri("limits"),
    limits,
  });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await server?.close();
});

interface RawClient {
  socket: net.Socket;
  received: () => string;
  closed: Promise<number>;
}

/** A TCP client that writes what the test says, when it says; `closed` resolves with the ms it stayed open. */
async function rawClient(): Promise<RawClient> {
  const socket = net.connect(port, "127.0.0.1");
  sockets.push(socket);
  const opened = Date.now();
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
  socket.on("error", () => undefined);
  const closed = once(socket, "close").then(() => Date.now() - opened);
  await once(socket, "connect");
  return { socket, received: () => received, closed };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | "still open"> {
  return Promise.race([promise, new Promise<"still open">((resolve) => setTimeout(() => resolve("still open"), ms))]);
}

async function keptAliveClient(): Promise<RawClient> {
  const client = await rawClient();
  client.socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  while (!/\r\n\r\n\{.*\}/s.test(client.received())) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
  return client;
}

describe("the Node server holds no slow or surplus client", () => {
  test("a client sending its headers a byte at a time is answered 408 and cut off within the headers timeout", async () => {
    const client = await rawClient();
    client.socket.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
    const drip = setInterval(() => client.socket.writable && client.socket.write("a"), 100);
    try {
      const openFor = await within(client.closed, 2_000);
      expect(openFor).not.toBe("still open");
      expect(openFor).toBeLessThan(1_000);
      expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
    }
  });

  test("a connection beyond the cap closes the oldest idle one to be served", async () => {
    const held = [await keptAliveClient(), await keptAliveClient(), await keptAliveClient()];

    const surplus = await keptAliveClient();
    await held[0]!.closed;
    expect(held.map((client) => client.socket.destroyed)).toEqual([true, false, false]);
    // With every connection busy, one beyond the cap is closed as it arrives: test/integration/connection-share.test.ts.
    surplus.socket.destroy();
  });
});

test("a port in use stops start-up with one line saying to set PORT, and closes the database connection it opened", async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const busy = (blocker.address() as net.AddressInfo).port;
  try {
    const mongodbUri = uri("port_in_use");
    const starting = startServer({ config: testConfig({ PORT: String(busy) }), log: captureLogger().log, mongodbUri });
    await expect(starting).rejects.toBeInstanceOf(PortInUseError);
    await expect(starting).rejects.toThrow(`Port ${busy} is in use: set PORT`);
    expect((await connectDatabase(mongodbUri)).readyState).toBe(mongoose.ConnectionStates.disconnected);
  } finally {
    blocker.close();
  }
});
