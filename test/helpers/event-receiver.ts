import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedEvent {
  webhookId: string;
  event: { id: string; type: string; organizationId: string; seq: number; data: Record<string, unknown> };
  answered: number;
}

export interface EventReceiver {
  url: string;
  /** Every POST that verified, in arrival order. */
  received: ReceivedEvent[];
  /** POSTs whose signature did not verify (a test expects none). */
  unverified: Array<{ headers: IncomingHttpHeaders; body: string; error: string }>;
  /** The statuses the next POSTs are answered with, one each; 200 once they run out. */
  answers: number[];
  /** Resolves once `count` verified POSTs have arrived. */
  waitFor(count: number): Promise<ReceivedEvent[]>;
  close(): Promise<void>;
}

/** A consumer of the event deliveries on loopback: verifies each POST with standardwebhooks, as a consumer would. */
export async function startEventReceiver(signingSecret: string): Promise<EventReceiver> {
  const webhook = new Webhook(signingSecret);
  const received: ReceivedEvent[] = [];
  const unverified: EventReceiver["unverified"] = [];
  const answers: number[] = [];
  const waiters: Array<{ count: number; resolve: (events: ReceivedEvent[]) => void }> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const answered = answers.shift() ?? 200;
      try {
        const event = webhook.verify(body, request.headers as Record<string, string>) as ReceivedEvent["event"];
        received.push({ webhookId: String(request.headers["webhook-id"]), event, answered });
      } catch (error) {
        unverified.push({ headers: request.headers, body, error: (error as Error).message });
      }
      // A redirect names this receiver again: a client that followed it would be seen here twice.
      const location = answered >= 300 && answered < 400 ? { location: "/followed" } : {};
      response
        .writeHead(answered, { "content-type": "text/plain", ...location })
        .end(answered === 200 ? "ok" : "not now");
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(received.slice());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    received,
    unverified,
    answers,
    waitFor: (count) =>
      received.length >= count
        ? Promise.resolve(received.slice())
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
