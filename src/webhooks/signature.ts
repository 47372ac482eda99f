import { createHmac, timingSafeEqual } from "node:crypto";

/** GitHub's X-Hub-Signature-256: `sha256=` and 64 hex digits. Nothing else is verified (no SHA-1 fallback). */
const SHA256_SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export function isWellFormedSignature(header: string): boolean {
  return SHA256_SIGNATURE.test(header);
}

/** HMAC-SHA256 of the raw bytes (whole, or the chunks they arrived in) under `secret`, compared in constant time. */
export function verifySignature(secret: string, body: Buffer | readonly Buffer[], header: string): boolean {
  const match = SHA256_SIGNATURE.exec(header);
  if (!match) return false;
  const hmac = createHmac("sha256", secret);
  for (const chunk of Buffer.isBuffer(body) ? [body] : body) hmac.update(chunk);
  const expected = hmac.digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, "hex"));
}
