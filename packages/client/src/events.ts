import { createHmac, timingSafeEqual } from "node:crypto";
import { GitHubConnectError } from "./errors.js";
import type { ConnectEvent } from "./types.js";

/** A delivery signed longer ago (or further ahead) than this is refused, per Standard Webhooks. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;
/** Ids remembered to refuse a replay; past it the oldest is forgotten (a replay also needs a fresh timestamp). */
export const REMEMBERED_IDS = 10_000;

export type WebhookErrorCode =
  | "missing_headers"
  | "invalid_signature"
  | "stale_timestamp"
  | "replayed"
  | "invalid_body";

/** A delivery that is not GitHub Connect's, or not new. */
export class WebhookVerificationError extends GitHubConnectError {
  override name = "WebhookVerificationError";
  declare readonly code: WebhookErrorCode;
  constructor(code: WebhookErrorCode, message: string) {
    super(code, 0, message);
  }
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface WebhookVerifier {
  /** The event, once its signature, timestamp and id check out; throws WebhookVerificationError. `body` is the raw body as received. */
  verify(body: string | Uint8Array, headers: WebhookHeaders): ConnectEvent;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const match = Object.keys(headers).find((key) => key.toLowerCase() === name);
  const value = match === undefined ? undefined : headers[match];
  return Array.isArray(value) ? value[0] : value;
}

function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
  if (key.length === 0) throw new TypeError("webhookSecret must be a Standard Webhooks secret: whsec_ and base64");
  return key;
}

/** Standard Webhooks (https://www.standardwebhooks.com): HMAC-SHA256 of `id.timestamp.body`, base64, as `v1,<signature>` among space-separated signatures. */
export function createWebhookVerifier(options: { secret: string | undefined; now: () => Date }): WebhookVerifier {
  const key = options.secret ? secretKey(options.secret) : undefined;
  /** id → its timestamp; a Map iterates in insertion order, so the first key is the oldest. */
  const seen = new Map<string, number>();

  return {
    verify(body, headers) {
      if (!key) throw new TypeError("GitHubConnect: pass webhookSecret (whsec_…) to verify events");
      const id = header(headers, "webhook-id");
      const timestamp = header(headers, "webhook-timestamp");
      const signatures = header(headers, "webhook-signature");
      if (!id || !timestamp || !signatures)
        throw new WebhookVerificationError(
          "missing_headers",
          "webhook-id, webhook-timestamp and webhook-signature are required",
        );
      const payload = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
      const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${payload}`).digest();
      const matches = signatures.split(" ").some((entry) => {
        const [version, signature] = entry.split(",", 2);
        if (version !== "v1" || !signature) return false;
        const given = Buffer.from(signature, "base64");
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!matches) throw new WebhookVerificationError("invalid_signature", "The webhook signature does not match");

      const sentAt = /^\d+$/.test(timestamp) ? Number(timestamp) : Number.NaN;
      const nowSeconds = Math.floor(options.now().getTime() / 1000);
      if (!Number.isFinite(sentAt) || Math.abs(nowSeconds - sentAt) > TIMESTAMP_TOLERANCE_SECONDS)
        throw new WebhookVerificationError(
          "stale_timestamp",
          `The webhook timestamp is more than ${TIMESTAMP_TOLERANCE_SECONDS} seconds from now`,
        );

      if (seen.has(id)) throw new WebhookVerificationError("replayed", `Webhook ${id} was already received`);
      let event: ConnectEvent;
      try {
        event = JSON.parse(payload) as ConnectEvent;
      } catch {
        throw new WebhookVerificationError("invalid_body", "The webhook body is not JSON");
      }
      // Ids whose timestamp is past the tolerance cannot come back fresh: forget them first.
      for (const [oldId, at] of seen) {
        if (nowSeconds - at <= TIMESTAMP_TOLERANCE_SECONDS && seen.size < REMEMBERED_IDS) break;
        seen.delete(oldId);
      }
      seen.set(id, sentAt);
      return event;
    },
  };
}
