/**
 * The page a `?page=` value asks for: a whole number from 1 (a page past the end is clamped to the
 * last page by the listing). Anything else (missing, "abc", "-2", "1.5", a repeated or nested
 * parameter) is page 1: a bad link shows a page, never an error.
 */
export function requestedPage(raw: unknown): number {
  if (typeof raw !== "string" || !/^\d+$/.test(raw)) return 1;
  return Math.max(1, Number(raw));
}
