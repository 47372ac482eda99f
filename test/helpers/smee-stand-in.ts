import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One event as smee.io sends it: the delivery's headers (lower-case), its parsed body, its query and a timestamp. */
export type SmeeEvent = Record<string, unknown> & { body: unknown };

export interface SmeeStandIn {
  /** e.g. http://127.0.0.1:41234: SMEE_URL, and the origin of its channels. */
  url: string;
  /** How many times a channel was asked for at /new. */
  readonly channelsCreated: number;
  /** Resolves once an event-stream client listens on `channel` (its path, without the slash). */
  listening(channel: string): Promise<void>;
  /** Sends `event` to every client of `channel`, as smee.io does when GitHub posts to it. */
  send(channel: string, event: SmeeEvent): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for smee.io (github.com/probot/smee.io, lib/server.js): `/new` redirects to a
 * new channel; `GET /<channel>` with `Accept: text/event-stream` is the channel's stream, which
 * opens with a `ready` event and carries each delivery as an unnamed event whose data is JSON.
 */
export async function startSmeeStandIn(): Promise<SmeeStandIn> {
  const clients = new Map<string, Set<ServerResponse>>();
  const waiting = new Map<string, Array<() => void>>();
  let created = 0;
  let eventId = 0;

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://stand-in").pathname;
    if (path === "/new") {
      created++;
      res.writeHead(307, { location: `${url}/${randomBytes(12).toString("base64url")}` }).end();
      return;
    }
    const channel = path.slice(1);
    if (req.method !== "GET" || !/^[A-Za-z0-9_-]{1,128}$/.test(channel) || req.headers.accept !== "text/event-stream") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(`id: ${eventId++}\nevent: ready\ndata: {}\n\n`);
    const listeners = clients.get(channel) ?? new Set();
    clients.set(channel, listeners.add(res));
    req.on("close", () => listeners.delete(res));
    for (const resolve of waiting.get(channel) ?? []) resolve();
    waiting.delete(channel);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    get channelsCreated() {
      return created;
    },
    listening: (channel) =>
      clients.get(channel)?.size
        ? Promise.resolve()
        : new Promise((resolve) => waiting.set(channel, [...(waiting.get(channel) ?? []), resolve])),
    send(channel, event) {
      for (const res of clients.get(channel) ?? []) res.write(`id: ${eventId++}\ndata: ${JSON.stringify(event)}\n\n`);
    },
    close: async () => {
      for (const listeners of clients.values()) for (const res of listeners) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
