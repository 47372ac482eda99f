import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import {
  createServer,
  type IncomingHttpHeaders,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import tls from "node:tls";
import { Webhook } from "standardwebhooks";

/** A Standard Webhooks secret for tests ("whsec_" and the base64 of 32 bytes). */
export const TEST_EVENT_SIGNING_SECRET = `whsec_${Buffer.from("event-signing-secret-for-tests!!").toString("base64")}`;

export interface ReceivedEvent {
  webhookId: string;
  event: { id: string; type: string; organizationId: string; seq: number; data: Record<string, unknown> };
  answered: number;
  /** performance.now() when its body had arrived (the benchmarks time deliveries by it). */
  receivedAt: number;
}

/** An answer whose body never ends: the receiver writes `endless` again and again until the client goes away. */
export interface EndlessAnswer {
  status: number;
  endless: string;
  /** Write it once, then nothing more, the connection held open (a body that stalls). */
  stall?: boolean;
}

/** An endless answer under way: `closed` resolves, with the bytes written, once the client has closed the connection. */
export interface EndlessStream {
  status: number;
  closed: Promise<number>;
}

export interface EventReceiver {
  url: string;
  /** Every POST that verified, in arrival order. */
  received: ReceivedEvent[];
  /** POSTs whose signature did not verify (a test expects none). */
  unverified: Array<{ headers: IncomingHttpHeaders; body: string; error: string }>;
  /** How the next POSTs are answered, one each; 200 once they run out. */
  answers: Array<number | EndlessAnswer>;
  /** Every endless answer begun, in order. */
  endless: EndlessStream[];
  /** Resolves once `count` verified POSTs have arrived. */
  waitFor(count: number): Promise<ReceivedEvent[]>;
  close(): Promise<void>;
}

/** Writes `chunk` for as long as the client reads (once if `stall`), and holds on until it closes the connection. */
function writeForever(response: ServerResponse, chunk: string, stall: boolean): Promise<number> {
  if (chunk === "") throw new Error("an endless answer needs a chunk to repeat");
  let written = 0;
  return new Promise((resolve) => {
    const pump = () => {
      while (!response.destroyed) {
        if (stall && written > 0) return;
        written += Buffer.byteLength(chunk);
        if (!response.write(chunk)) return void response.once("drain", pump);
      }
    };
    response.once("close", () => resolve(written));
    pump();
  });
}

/** A certificate for 127.0.0.1 made for this run (none is committed), by the openssl command. */
function loopbackCertificate(): { key: Buffer; cert: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "event-receiver-"));
  try {
    const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"].concat([
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        cert,
      ]),
      { stdio: "ignore" },
    );
    return { key: readFileSync(key), cert: readFileSync(cert, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Serves over https with a certificate this process trusts while the receiver is open (added to
 * Node's default CAs, which fetch uses): production's rules, which Lambda applies, accept only
 * https endpoints, even on loopback.
 */
function httpsServer(handler: RequestListener): { server: Server; untrust: () => void } {
  const { key, cert } = loopbackCertificate();
  const trusted = tls.getCACertificates("default");
  tls.setDefaultCACertificates([...trusted, cert]);
  return { server: createHttpsServer({ key, cert }, handler), untrust: () => tls.setDefaultCACertificates(trusted) };
}

export interface EventReceiverOptions {
  /** Listen there (e.g. where a dispatcher was refused before), else on any port. */
  port?: number;
  /** https with a certificate for 127.0.0.1 (production's rules, which Lambda applies, refuse an http endpoint). */
  https?: boolean;
}

/** A consumer of the event deliveries on loopback: verifies each POST with standardwebhooks, as a consumer would. */
export async function startEventReceiver(
  signingSecret: string,
  options: EventReceiverOptions = {},
): Promise<EventReceiver> {
  const webhook = new Webhook(signingSecret);
  const received: ReceivedEvent[] = [];
  const unverified: EventReceiver["unverified"] = [];
  const answers: EventReceiver["answers"] = [];
  const endless: EndlessStream[] = [];
  const waiters: Array<{ count: number; resolve: (events: ReceivedEvent[]) => void }> = [];
  const handler: RequestListener = (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const receivedAt = performance.now();
      const body = Buffer.concat(chunks).toString("utf8");
      const answer = answers.shift() ?? 200;
      const answered = typeof answer === "number" ? answer : answer.status;
      try {
        const event = webhook.verify(body, request.headers as Record<string, string>) as ReceivedEvent["event"];
        received.push({ webhookId: String(request.headers["webhook-id"]), event, answered, receivedAt });
      } catch (error) {
        unverified.push({ headers: request.headers, body, error: (error as Error).message });
      }
      if (typeof answer !== "number") {
        response.writeHead(answered, { "content-type": "text/plain" });
        endless.push({ status: answered, closed: writeForever(response, answer.endless, answer.stall ?? false) });
      } else {
        // A redirect names this receiver again: a client that followed it would be seen here twice.
        const location = answered >= 300 && answered < 400 ? { location: "/followed" } : {};
        response
          .writeHead(answered, { "content-type": "text/plain", ...location })
          .end(answered === 200 ? "ok" : "not now");
      }
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(received.slice());
      }
    });
  };
  const { server, untrust } = options.https
    ? httpsServer(handler)
    : { server: createServer(handler), untrust: () => {} };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  return {
    url: `${options.https ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    received,
    unverified,
    answers,
    endless,
    waitFor: (count) =>
      received.length >= count
        ? Promise.resolve(received.slice())
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      untrust();
    },
  };
}

/** A loopback port nothing listens on (a connection to it is refused), until someone listens there. */
export async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
