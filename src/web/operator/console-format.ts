import type { PageWindow } from "../../repos/repo-listing.js";

/** How the console writes numbers, instants and durations (UTC, like the rest of the pages). */
export const number = (n: number) => n.toLocaleString("en-US");
export const plural = (n: number, one: string, many: string) => `${number(n)} ${n === 1 ? one : many}`;

export interface InstantView {
  /** "4 December 2026, 21:15 UTC" */
  text: string;
  iso: string;
}

export function instantView(date: Date | null | undefined): InstantView | null {
  if (!date) return null;
  const day = date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const time = date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  return { text: `${day}, ${time} UTC`, iso: date.toISOString() };
}

/** "1 min 35 s", "42 s", "2 h 5 min". */
export function durationText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ""}`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}

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
  noun: readonly [string, string],
  link: (n: number) => string,
): ConsolePagination | null {
  if (page.last === 1) return null;
  return {
    rangeText: `Showing ${number(page.skip + 1)}–${number(page.skip + shown)} of ${plural(total, ...noun)}`,
    pageText: `Page ${number(page.number)} of ${number(page.last)}`,
    previousUrl: page.number > 1 ? link(page.number - 1) : null,
    nextUrl: page.number < page.last ? link(page.number + 1) : null,
  };
}

/** A console list's own address with `?page=n`. */
export const pageLink = (path: string) => (n: number) => `${path}?page=${n}`;
