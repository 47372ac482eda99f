import { isWellFormedSignature } from "./signature.js";

/** What GitHub sends with each delivery, read once and checked before the body is. */
export interface DeliveryHeaders {
  deliveryId: string;
  event: string;
  signature: string;
}

/** GitHub's delivery GUIDs and our own test ids fit; an 8 KB id would be stored and logged as is. Also what the console accepts in a URL. */
export const DELIVERY_ID = /^[A-Za-z0-9-]{1,64}$/;
/** Webhook event names are lower-case words joined by underscores. */
const EVENT_NAME = /^[a-z][a-z_]{0,63}$/;
const LOGGED_HEADER_CHARS = 64;

export type HeaderReader = (name: string) => string | undefined;

export type HeaderCheck = { ok: true; headers: DeliveryHeaders } | { ok: false; reason: string };

/** A header value as a log field: never longer than a delivery id, whatever a client sent. */
export function loggable(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.length > LOGGED_HEADER_CHARS ? `${value.slice(0, LOGGED_HEADER_CHARS)}…(${value.length} chars)` : value;
}

export function readDeliveryHeaders(header: HeaderReader): HeaderCheck {
  const names = ["x-github-event", "x-hub-signature-256", "x-github-delivery"] as const;
  const missing = names.filter((name) => !header(name));
  if (missing.length > 0) return { ok: false, reason: `Required headers missing: ${missing.join(", ")}` };
  const [event, signature, deliveryId] = names.map((name) => header(name)!) as [string, string, string];
  if (!DELIVERY_ID.test(deliveryId))
    return { ok: false, reason: "X-GitHub-Delivery must be 1 to 64 letters, digits or dashes" };
  if (!EVENT_NAME.test(event)) return { ok: false, reason: "X-GitHub-Event is not a webhook event name" };
  if (!isWellFormedSignature(signature))
    return { ok: false, reason: "X-Hub-Signature-256 must be sha256= followed by 64 hex digits" };
  return { ok: true, headers: { deliveryId, event, signature } };
}
