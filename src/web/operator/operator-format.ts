import type { PageWindow } from "../../repos/repo-listing.js";

/** Shared wording of the console's pages written by this helper (outbound events, doctor). */

export interface WhenView {
  text: string;
  iso: string;
}

/** "4 Dec 2026, 10:00 UTC": operators compare times across pages and logs, so always UTC. */
export function whenView(date: Date | null | undefined): WhenView | null {
  if (!date) return null;
  const day = date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  return { text: `${day}, ${date.toISOString().slice(11, 16)} UTC`, iso: date.toISOString() };
}

export const number = (n: number) => n.toLocaleString("en-US");
export const plural = (n: number, one: string, many: string) => `${number(n)} ${n === 1 ? one : many}`;

export interface ConsolePagination {
  rangeText: string;
  pageText: string;
  previousUrl: string | null;
  nextUrl: string | null;
}

/** "Showing 51–100 of 120 failed deliveries", with the neighbours' links; null on a single page. */
export function consolePagination(
  page: PageWindow,
  shown: number,
  total: number,
  path: string,
  noun: [string, string],
): ConsolePagination | null {
  if (page.last === 1) return null;
  const link = (n: number) => `${path}?page=${n}`;
  return {
    rangeText: `Showing ${number(page.skip + 1)}–${number(page.skip + shown)} of ${plural(total, ...noun)}`,
    pageText: `Page ${number(page.number)} of ${number(page.last)}`,
    previousUrl: page.number > 1 ? link(page.number - 1) : null,
    nextUrl: page.number < page.last ? link(page.number + 1) : null,
  };
}
