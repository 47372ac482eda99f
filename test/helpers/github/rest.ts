import { documentedBody } from "../contract/openapi-responses.js";

/* What every GitHub REST nock shares: the hosts, the App's JWT, Link headers and error bodies. */

/**
 * The GitHub the tests stand in for: github.com, or, in the `ghes` vitest project
 * (TEST_GHE_HOST), a GitHub Enterprise Server, where testConfig() sets GHE_HOST. nock answers
 * only that host, so a call that goes to api.github.com instead fails on disableNetConnect.
 */
export const TEST_GHE_HOST = process.env.TEST_GHE_HOST || undefined;
export const GITHUB_WEB = TEST_GHE_HOST ? `https://${TEST_GHE_HOST}` : "https://github.com";
export const GITHUB_API = TEST_GHE_HOST ? `https://${TEST_GHE_HOST}/api/v3` : "https://api.github.com";

/** The App's JWT as @octokit/auth-app sends it. */
export const APP_JWT = /^bearer eyJ/i;

/** `token …` or `Bearer …` with exactly this token. */
export function tokenAuthorization(token: string): RegExp {
  return new RegExp(`^(token|bearer) ${token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "i");
}

/** GitHub's Link header for page `page` of `last` (page-numbered, 100 a page), none on the last page. */
export function pageLink(path: string, page: number, last: number, query = "per_page=100"): Record<string, string> {
  if (page >= last) return {};
  const url = (n: number) => `${GITHUB_API}${path}?${query}&page=${n}`;
  return { link: `<${url(page + 1)}>; rel="next", <${url(last)}>; rel="last"` };
}

/** GitHub's error body (`basic-error`) for `operation`, checked against what the operation documents for `status`. */
export function errorBody(
  operation: string,
  status: number,
  message: string,
  documentationUrl: string,
): { message: string; documentation_url: string; status: string } {
  return documentedBody(operation, status, { message, documentation_url: documentationUrl, status: String(status) });
}

/** What GitHub answers a 5xx with (GitHub's description documents no 5xx body). */
export const SERVER_ERROR = { message: "Server Error" } as const;
