import type { Server } from "node:http";
import type { Socket } from "node:net";

export interface ConnectionShare {
  /** Connections open at once, across every client. */
  maxConnections: number;
  /** Connections one client address may hold at once, below maxConnections. */
  maxConnectionsPerAddress: number;
}

/**
 * Caps the server's connections overall and per client address (the socket's remote address:
 * X-Forwarded-For is not known when a connection opens). A connection past a cap makes way by
 * closing an idle one, one with no request under way (a kept-alive or a silent socket), of its
 * own address at that address's cap, or of the address holding most at the server's; with none
 * idle it is closed as it arrives. So a client that opens and reopens all it can holds its share
 * and no more, and a new client is served while others idle.
 */
export function shareConnections(server: Server, share: ConnectionShare): void {
  /** Every open connection, oldest first, with its requests under way. */
  const open = new Map<Socket, { address: string; requests: number }>();
  const byAddress = new Map<string, Set<Socket>>();

  const forget = (socket: Socket) => {
    const entry = open.get(socket);
    if (!entry) return;
    open.delete(socket);
    const mine = byAddress.get(entry.address)!;
    mine.delete(socket);
    if (mine.size === 0) byAddress.delete(entry.address);
  };
  const close = (socket: Socket) => {
    forget(socket);
    socket.destroy();
  };
  /** The oldest idle connection among `candidates`, preferring the address holding most. */
  const idleToClose = (candidates: Iterable<Socket>): Socket | undefined => {
    let chosen: Socket | undefined;
    let most = 0;
    for (const socket of candidates) {
      const entry = open.get(socket)!;
      const held = byAddress.get(entry.address)!.size;
      if (entry.requests === 0 && held > most) [chosen, most] = [socket, held];
    }
    return chosen;
  };

  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "unknown";
    const mine = byAddress.get(address);
    const atCap =
      (mine?.size ?? 0) >= share.maxConnectionsPerAddress
        ? mine
        : open.size >= share.maxConnections
          ? open.keys()
          : null;
    if (atCap) {
      const idle = idleToClose(atCap);
      if (!idle) return void socket.destroy();
      close(idle);
    }
    open.set(socket, { address, requests: 0 });
    byAddress.set(address, (mine ?? new Set()).add(socket));
    socket.once("close", () => forget(socket));
  });

  server.on("request", (req, res) => {
    const entry = open.get(req.socket);
    if (!entry) return;
    entry.requests++;
    res.once("close", () => entry.requests--);
  });
}
