import { expect } from "vitest";
import type { WebClient } from "./auth.js";
import { pageText, SETTINGS } from "./github-connect.js";

export const PROJECTS = "/workspace/projects";
export const DEFAULT_PROJECTS = "/workspace/projects/defaults";

export interface ShownFlash {
  kind: string;
  text: string;
  links: Array<{ text: string; href: string }>;
}

/** Visible words; EJS escapes `"` as `&#34;`, which pageText leaves as it is. */
function words(html: string): string {
  return pageText(html.replace(/&#34;/g, '"'));
}

/** The flashes a page shows, in order: kind, visible words, and each link. */
export function flashesIn(html: string): ShownFlash[] {
  return [...html.matchAll(/<div class="flash flash-(\w+)" role="\w+">([\s\S]*?)<\/div>/g)].map((m) => ({
    kind: m[1]!,
    text: words(m[2]!),
    links: [...m[2]!.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((l) => ({
      href: l[1]!.replace(/&amp;/g, "&"),
      text: words(l[2]!),
    })),
  }));
}

/** Posts the settings page's form as a browser would (with its CSRF token), expects the 303 back to Settings, and returns the flashes shown there. */
export async function submitAndFollow(
  client: WebClient,
  path: string,
  fields: Record<string, string> = {},
): Promise<ShownFlash[]> {
  const answer = await client.postForm(path, fields);
  expect(answer.status, answer.body).toBe(303);
  expect(answer.location).toBe(SETTINGS);
  const page = await client.get(SETTINGS);
  expect(page.status).toBe(200);
  return flashesIn(page.body);
}
