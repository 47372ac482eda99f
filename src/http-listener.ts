import { createServer, type RequestListener, type Server } from "node:http";
import net from "node:net";
import { shareConnections } from "./connection-share.js";
import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, MAX_CONNECTIONS } from "./config/server-limits.js";

/** What keeps slow or numerous clients from holding the Node server (Node's defaults let a request take 300 s). */
export interface ServerLimits {
  /** The whole request, headers and body, must arrive within this; else 408 and the socket closes. */
  requestTimeoutMs: number;
  /** The headers must arrive within this: a client sending a byte a second is cut off. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two timeouts above; its 30 s default would stretch them by as much. */
  timeoutCheckIntervalMs: number;
  /** Connections beyond this many at once close an idle one, or are closed as they arrive. */
  maxConnections: number;
  /** The same, for the connections of one client address (MAX_CONNECTIONS_PER_ADDRESS). */
  maxConnectionsPerAddress: number;
}

const DEFAULT_SERVER_LIMITS: ServerLimits = {
  requestTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  timeoutCheckIntervalMs: 1_000,
  maxConnections: MAX_CONNECTIONS,
  maxConnectionsPerAddress: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
};

/** Another process listens on the port: the operator picks another one. */
export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(readonly port: number) {
    super(`Port ${port} is in use: set PORT`);
  }
}

function listenOn(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port) : error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.removeListener("error", onError);
      resolve();
    });
  });
}

/**
 * Fails with PortInUseError if the port is taken, before anything slow (the embedded database)
 * starts. listenHttp still reports a port taken in between.
 */
export async function ensurePortFree(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const probe = net.createServer();
  await listenOn(probe, port, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/** An HTTP server for `handler`, listening on host:port with `limits`. */
export async function listenHttp(
  handler: RequestListener,
  options: { port: number; host: string; limits?: Partial<ServerLimits> },
): Promise<Server> {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    },
    handler,
  );
  shareConnections(server, limits);
  await listenOn(server, options.port, options.host);
  return server;
}
