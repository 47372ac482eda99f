import type { IncomingMessage, ServerResponse } from "node:http";
import type { BodyReservation, WebhookBodyBudget } from "./body-budget.js";
import {
  MAX_WEBHOOK_BODY_BYTES,
  WEBHOOK_PATHS,
  webhookSourceFor,
  type WebhookAnswer,
  type WebhookIntake,
} from "./intake.js";

type NextFunction = (error?: unknown) => void;
export type WebhookMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

type BodyRead = { chunks: Buffer[] } | { refused: "too large" | "over budget" };

/**
 * The body as the chunks it arrived in (joined only once its signature is checked), counted as it
 * streams: refused once it passes `limit` bytes or the reservation cannot cover it, never buffered
 * past either.
 */
function readBodyWithin(req: IncomingMessage, limit: number, reservation: BodyReservation): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const stop = (refused: "too large" | "over budget") => {
      req.off("data", onData);
      chunks = [];
      resolve({ refused });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return stop("too large");
      if (!reservation.cover(size)) return stop("over budget");
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve({ chunks }));
    req.once("error", reject);
  });
}

function send(res: ServerResponse, { status, body, headers }: WebhookAnswer): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(json)),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(json);
}

/** How long a refused client has to read the answer before its connection is cut. */
const REFUSED_LINGER_MS = 1000;

/**
 * Refuses without reading on. Node would either drain the rest of the body (however large) to
 * keep the connection alive, or, told `Connection: close`, reset it at once, before a client that
 * is still sending has read the answer. Instead the answer goes out, the socket stops reading
 * (TCP back-pressure holds the sender), a FIN says nothing more will come, and the connection is
 * destroyed a moment later.
 */
function refuse(req: IncomingMessage, res: ServerResponse, refusal: WebhookAnswer): void {
  const socket = req.socket;
  socket.pause();
  res.once("finish", () => {
    socket.end();
    // Node resumes a half-read request once answered (to drain it for keep-alive): pause it again.
    setImmediate(() => socket.pause());
    setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
  });
  send(res, refusal);
}

/** The Node server's adapter over the webhook intake: both webhook paths; everything else goes to `next`. */
export function createWebhookMiddleware(intake: WebhookIntake, budget: WebhookBodyBudget): WebhookMiddleware {
  return (req, res, next) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    const source = webhookSourceFor(pathname);
    // Exact paths here; only API Gateway prefixes a stage name.
    if (!source || WEBHOOK_PATHS[source] !== pathname) return next();
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(", ") : value;
    };
    const refused = intake.refuseBeforeBody(req.method ?? "GET", header, source);
    if (refused) return refuse(req, res, refused);

    // refuseBeforeBody has held a declared length to the cap; chunked bodies grow their reservation.
    const declared = Number(header("content-length") ?? 0);
    const reservation = budget.reserve(Number.isFinite(declared) ? declared : 0);
    if (!reservation) return refuse(req, res, intake.busy(budget.maxBytes));

    readBodyWithin(req, MAX_WEBHOOK_BODY_BYTES, reservation)
      .then(async (read) => {
        if ("refused" in read) {
          reservation.release();
          return refuse(req, res, read.refused === "too large" ? intake.tooLarge() : intake.busy(budget.maxBytes));
        }
        send(res, await intake.receive(source, header, read.chunks));
      })
      .catch(next)
      .finally(() => reservation.release());
  };
}
