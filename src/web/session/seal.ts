import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

export interface Sealer {
  /** Encrypts and authenticates `value` (JSON) for `maxAgeSeconds`; the result is cookie-safe base64url. */
  seal(value: unknown, maxAgeSeconds: number): string;
  /** The value, or null when the text was not sealed by us for this purpose, was altered, or has expired. */
  unseal<T>(sealed: string | undefined): T | null;
}

const VERSION = "v1";

/**
 * AES-256-GCM with a key derived (HKDF-SHA256) from the cookie password and a purpose, so the
 * same password gives each cookie its own key and one cookie's value is useless as another's.
 */
export function createSealer(password: string, purpose: string, now: () => Date = () => new Date()): Sealer {
  const key = Buffer.from(hkdfSync("sha256", password, "github-connect/cookie", purpose, 32));
  const aad = Buffer.from(`${VERSION}:${purpose}`);
  return {
    seal(value, maxAgeSeconds) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(aad);
      const exp = Math.floor(now().getTime() / 1000) + maxAgeSeconds;
      const body = Buffer.concat([cipher.update(JSON.stringify({ exp, value }), "utf8"), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
    },
    unseal<T>(sealed: string | undefined): T | null {
      if (!sealed?.startsWith(`${VERSION}.`)) return null;
      const raw = Buffer.from(sealed.slice(VERSION.length + 1), "base64url");
      if (raw.length < 12 + 16 + 1) return null;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
        decipher.setAAD(aad);
        decipher.setAuthTag(raw.subarray(12, 28));
        const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
        const { exp, value } = JSON.parse(text) as { exp: number; value: T };
        return typeof exp === "number" && exp * 1000 > now().getTime() ? value : null;
      } catch {
        return null;
      }
    },
  };
}
