/**
 * A same-origin path to return to after sign-in, or undefined. Absolute URLs, protocol-relative
 * (`//host`), backslash tricks (`/\host`) and control characters are refused.
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > 2000) return undefined;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return undefined;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return undefined;
  const base = "http://same-origin.invalid";
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base) return undefined;
  if (url.pathname.startsWith("/auth/")) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}
