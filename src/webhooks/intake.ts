import type { Logger } from "pino";
import type { ApplicationFunction, Probot } from "probot";
import { isDatabaseUnavailable } from "../db/database-errors.js";
import { firstError } from "../lib/error-details.js";
import { describeGitHubFailure, gitHubFailure } from "../github/request-failure.js";
import { loggable, readDeliveryHeaders, type HeaderReader } from "./delivery-headers.js";
import { verifySignature } from "./signature.js";

/** The App's webhook and the Marketplace listing's: each signs with its own secret. */
export type WebhookSource = "app" | "marketplace";

export const WEBHOOK_PATHS: Readonly<Record<WebhookSource, string>> = {
  app: "/api/github/webhooks",
  marketplace: "/api/github/marketplace",
};

/**
 * The events only the Marketplace listing's webhook sends. Its path takes these and `ping`; the
 * App's path takes every other event (its owner may subscribe it to more in GitHub's settings:
 * recorded and ignored), so the listing's secret never signs an installation change and the
 * App's never a purchase.
 */
const LISTING_EVENTS: ReadonlySet<string> = new Set(["marketplace_purchase"]);

/** The path GitHub delivers `event` to; null for `ping`, which each webhook gets when it is set up. */
export function webhookSourceOf(event: string): WebhookSource | null {
  if (event === "ping") return null;
  return LISTING_EVENTS.has(event) ? "marketplace" : "app";
}

/** GitHub caps webhook payloads at 25 MB and drops larger ones, so nothing larger is a real delivery. */
export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;

/** How long a delivery deferred because bodies fill the budget is told to wait. */
const BUSY_RETRY_AFTER_S = 10;

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A delivery past every refusal: its signature matched its raw bytes and its payload is a JSON object. */
export interface VerifiedDelivery {
  source: WebhookSource;
  deliveryId: string;
  event: string;
  /** X-Hub-Signature-256, verified against `body`. */
  signature: string;
  /** The bytes GitHub signed, valid UTF-8. */
  body: Buffer;
  payload: Record<string, unknown>;
}

/** Runs the app's handlers on a verified delivery; throws what they throw, for the intake to answer. */
export type DeliveryReceiver = (delivery: VerifiedDelivery) => Promise<void>;

/** How an endpoint's Probot, given the app, receives deliveries (Node: Probot's own receive; Lambda: the adapter). */
export type LoadReceiver = (probot: Probot, app: ApplicationFunction) => Promise<DeliveryReceiver>;

/** Node's receiver: the app loaded into Probot, each delivery handed to its webhooks, already verified. */
export const probotReceiver: LoadReceiver = async (probot, app) => {
  await probot.load(app);
  return ({ deliveryId, event, payload }) =>
    // Typed by event name at registration (app.on); the name was checked against GitHub's shape.
    probot.webhooks.receive({ id: deliveryId, name: event, payload } as Parameters<typeof probot.webhooks.receive>[0]);
};

export interface WebhookIntakeOptions {
  /** Verify X-Hub-Signature-256 per endpoint. */
  secrets: Readonly<Record<WebhookSource, string>>;
  /**
   * Each endpoint's receiver with the app's handlers loaded. Asked for only once a delivery is
   * verified, so on Lambda a forged request never opens the database.
   */
  receivers: () => Promise<Readonly<Record<WebhookSource, DeliveryReceiver>>>;
  log: Logger;
}

/**
 * JSON is UTF-8 (RFC 8259): bytes that are not are refused as invalid JSON rather than read with
 * U+FFFD in place, so the text a receiver is given encodes back to the signed bytes. The BOM is kept
 * (JSON.parse refuses it), for the same reason.
 */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const answer = (status: number, error: string, headers?: Record<string, string>): WebhookAnswer => ({
  status,
  body: { error },
  headers,
});

/** Which endpoint a path names; an API Gateway stage name may prefix it. */
export function webhookSourceFor(path: string): WebhookSource | null {
  for (const source of ["marketplace", "app"] as const) {
    if (path === WEBHOOK_PATHS[source] || path.endsWith(WEBHOOK_PATHS[source])) return source;
  }
  return null;
}

/**
 * The one webhook intake behind the Node server and the Lambda function: the refusals that
 * need no body, then (with the body) the signature checked once, the payload's shape, Probot's
 * handlers, and each failure as the status GitHub should record. 4xx for what a redelivery cannot
 * fix; 5xx for what it can (GitHub redelivers failed deliveries on request, never by itself).
 */
export class WebhookIntake {
  private readonly log: Logger;

  constructor(private readonly options: WebhookIntakeOptions) {
    this.log = options.log;
  }

  /** Method, content type, delivery headers, the event's path and declared length, before a byte of body is read. */
  refuseBeforeBody(method: string, header: HeaderReader, source: WebhookSource): WebhookAnswer | null {
    if (method !== "POST") return answer(405, "Method not allowed: deliveries are POSTed", { allow: "POST" });
    if (!(header("content-type") ?? "").startsWith("application/json")) {
      return answer(415, 'Unsupported "Content-Type" header value. Must be "application/json"', {
        accept: "application/json",
      });
    }
    const checked = readDeliveryHeaders(header);
    if (!checked.ok) {
      this.log.warn(
        { status: 400, reason: checked.reason, deliveryId: loggable(header("x-github-delivery")) },
        "webhook refused",
      );
      return answer(400, checked.reason);
    }
    const misdirected = this.refuseOtherPathsEvent(source, checked.headers);
    if (misdirected) return misdirected;
    const declared = Number(header("content-length") ?? 0);
    if (declared > MAX_WEBHOOK_BODY_BYTES) return this.tooLarge();
    return null;
  }

  /**
   * 400 for an event GitHub sends to the other path: a delivery signed with this path's secret
   * must not apply the other webhook's events. GitHub's delivery log shows the reason (a listing
   * pointed at the App's path, say); nothing is recorded or applied.
   */
  private refuseOtherPathsEvent(
    source: WebhookSource,
    { event, deliveryId }: { event: string; deliveryId: string },
  ): WebhookAnswer | null {
    const belongs = webhookSourceOf(event);
    if (belongs === null || belongs === source) return null;
    this.log.warn(
      { status: 400, deliveryId, event, source, path: WEBHOOK_PATHS[source] },
      "webhook refused: the event is not delivered to this path",
    );
    return answer(
      400,
      `X-GitHub-Event ${event} is not delivered to ${WEBHOOK_PATHS[source]}: GitHub sends it to ${WEBHOOK_PATHS[belongs]}`,
    );
  }

  tooLarge(): WebhookAnswer {
    this.log.warn({ status: 413, limit: MAX_WEBHOOK_BODY_BYTES }, "webhook refused: body over GitHub's payload cap");
    return answer(
      413,
      `The body is larger than GitHub's ${MAX_WEBHOOK_BODY_BYTES / 1024 / 1024} MB webhook payload cap`,
    );
  }

  /**
   * The Node server's webhook bodies, read or waiting to be, pass `maxBytes` together: come back
   * later. GitHub records the failure; the reconcile job redelivers it.
   */
  busy(maxBytes: number): WebhookAnswer {
    this.log.warn({ status: 503, limit: maxBytes }, "webhook deferred: webhook bodies fill WEBHOOK_BODY_MEMORY_MB");
    return answer(503, "The server is receiving too many webhook bodies at once; redeliver this delivery later", {
      "retry-after": String(BUSY_RETRY_AFTER_S),
    });
  }

  /**
   * The whole delivery, its headers already passed by refuseBeforeBody. The body may come as the
   * chunks it arrived in: they are joined only once the signature over them matches, so a forged
   * body is never copied.
   */
  async receive(
    source: WebhookSource,
    header: HeaderReader,
    body: Buffer | readonly Buffer[],
    requestLog?: Logger,
  ): Promise<WebhookAnswer> {
    const checked = readDeliveryHeaders(header);
    if (!checked.ok) return answer(400, checked.reason);
    const misdirected = this.refuseOtherPathsEvent(source, checked.headers);
    if (misdirected) return misdirected;
    const chunks = Buffer.isBuffer(body) ? [body] : body;
    if (chunks.reduce((size, chunk) => size + chunk.length, 0) > MAX_WEBHOOK_BODY_BYTES) return this.tooLarge();
    const { deliveryId, event, signature } = checked.headers;
    const log = (requestLog ?? this.log).child({ deliveryId, event, source });
    if (!verifySignature(this.options.secrets[source], chunks, signature)) {
      log.warn({ status: 400 }, "webhook refused: signature does not match");
      return answer(400, "Error: [@octokit/webhooks] signature does not match event payload and secret");
    }
    // Verified: now the bytes may be joined.
    const verified = Buffer.concat(chunks);
    let payload: unknown;
    try {
      payload = JSON.parse(UTF8.decode(verified));
    } catch {
      log.warn({ status: 400 }, "webhook refused: invalid JSON");
      return answer(400, "Invalid JSON");
    }
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
      log.warn({ status: 422 }, "webhook refused: the payload is not a JSON object");
      return answer(422, "MalformedPayloadError: the payload must be a JSON object");
    }
    const action = (payload as { action?: unknown }).action;
    if (action !== undefined && typeof action !== "string") {
      log.warn({ status: 422 }, "webhook refused: action is not a string");
      return answer(422, "MalformedPayloadError: payload.action must be a string");
    }

    try {
      const receive = (await this.options.receivers())[source];
      await receive({
        source,
        deliveryId,
        event,
        signature,
        body: verified,
        payload: payload as Record<string, unknown>,
      });
      return { status: 200, body: { ok: true } };
    } catch (error) {
      return this.failure(error, log);
    }
  }

  private failure(error: unknown, log: Logger): WebhookAnswer {
    const first = firstError(error);
    if (first.status !== undefined && first.status >= 400 && first.status < 500) {
      log.warn({ status: first.status, reason: first.message }, "webhook refused");
      return answer(first.status, `${first.name}: ${first.message}`);
    }
    if (isDatabaseUnavailable(error) || first.status === 503) {
      log.error({ err: error }, "webhook failed: the database is unavailable");
      return answer(503, "The database is unavailable; redeliver this delivery later", { "retry-after": "60" });
    }
    const github = gitHubFailure(error);
    if (github)
      log.error(
        { github: { status: github.status, request: github.request } },
        `webhook failed: ${describeGitHubFailure(github)}`,
      );
    else log.error({ err: error }, "webhook failed");
    return answer(500, "The delivery could not be processed; redeliver it later");
  }
}
