import mongoose, { type Connection } from "mongoose";

export interface ConnectOptions {
  /** How long an operation waits for a reachable server before failing (keep under GitHub's 10 s). */
  serverSelectionTimeoutMS?: number;
  maxPoolSize?: number;
}

const connections = new Map<string, Promise<Connection>>();

/**
 * One connection per URI per process. A Lambda container keeps it between invocations,
 * so the cache holds the promise: concurrent first calls share one handshake.
 */
export function connectDatabase(uri: string, options: ConnectOptions = {}): Promise<Connection> {
  const cached = connections.get(uri);
  if (cached) return cached;
  const connecting = mongoose
    .createConnection(uri, {
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
      maxPoolSize: options.maxPoolSize ?? 5,
      // Fail fast while the server is away instead of queueing work GitHub will time out on.
      bufferCommands: false,
      autoIndex: false,
    })
    .asPromise()
    .catch((error: unknown) => {
      connections.delete(uri);
      throw error;
    });
  connections.set(uri, connecting);
  return connecting;
}

export async function disconnectAll(): Promise<void> {
  const all = [...connections.values()];
  connections.clear();
  await Promise.allSettled(all.map(async (c) => (await c).close()));
}

/** True when the server answers a ping within the timeout. */
export async function pingDatabase(connection: Connection, timeoutMs = 2000): Promise<boolean> {
  const db = connection.db;
  if (!db || connection.readyState !== 1) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      db
        .admin()
        .command({ ping: 1 })
        .then(() => true),
      timeout,
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
