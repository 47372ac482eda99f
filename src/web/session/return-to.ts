const BASE = "http://same-origin.invalid";

/** Paths a browser would read as another host: `//host` and `/\host`. */
function looksLikeAnotherHost(path: string): boolean {
  return path.startsWith("//") || path.startsWith("/\\");
}

/**
 * A same-origin path to return to after sign-in, or undefined. Absolute URLs, protocol-relative
 * (`//host`), backslash tricks (`/\host`) and control characters are refused, before and after
 * normalising: `/..//evil.com` only becomes `//evil.com` once the dot segments are resolved.
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > 2000) return undefined;
  if (!value.startsWith("/") || looksLikeAnotherHost(value)) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what it refuses.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== BASE) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (looksLikeAnotherHost(path) || new URL(path, BASE).origin !== BASE) return undefined;
  if (url.pathname.startsWith("/auth/")) return undefined;
  return path;
}
