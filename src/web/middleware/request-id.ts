import { randomUUID } from "node:crypto";

/** What a client may send as x-request-id: short, and nothing a log viewer or page could mistake for markup. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;
/** API Gateway's ids are base64-like (HTTP APIs end theirs with "="); still checked, as they land in every log line. */
const PLATFORM_REQUEST_ID = /^[A-Za-z0-9+/=_-]{1,128}$/;

/**
 * The id a request's log lines and its x-request-id answer carry: the platform's own (API Gateway
 * on Lambda), else the client's if it is well formed, else a new one. A malformed client id is
 * never echoed or logged.
 */
export function chooseRequestId(sent: string | undefined, platform?: string): string {
  if (platform !== undefined && PLATFORM_REQUEST_ID.test(platform)) return platform;
  if (sent !== undefined && CLIENT_REQUEST_ID.test(sent)) return sent;
  return randomUUID();
}
