import type { GitHubConfig } from "../config/env.js";
import { BadVerificationCodeError, GitHubUnavailableError } from "./connect-errors.js";

/**
 * Verifies an installer with GitHub's OAuth (rule 1): the setup URL's installation_id can be
 * spoofed, so the code GitHub returns to our callback is exchanged for a user token, and
 * `GET /user/installations` must list the installation. The token lives only inside these
 * functions: it is never returned, stored or logged, and no length is assumed.
 */
export interface GitHubAccount {
  id: number;
  login: string;
  type: string;
}

/** One entry of `GET /user/installations`, as GitHub sends it (same shape as a webhook's `installation`). */
export type UserInstallation = Record<string, unknown> & { id: number; account: GitHubAccount };

export interface InstallationAccess {
  /** Whether the user's token lists the installation. */
  visible: boolean;
  installation: UserInstallation | null;
  /** GitHub requests made, the token exchange included. */
  apiCalls: number;
}

export interface GitHubUserAuth {
  checkInstallationAccess(code: string, installationId: number): Promise<InstallationAccess>;
  /** Who the code belongs to (`GET /user`): how a request to an owner is matched to its installation later. */
  identifyUser(code: string): Promise<{ id: number; login: string }>;
}

export interface GitHubUserAuthDeps {
  github: Pick<GitHubConfig, "webUrl" | "apiUrl" | "clientId" | "clientSecret">;
  /** Must equal the redirect_uri sent to the authorize step. */
  redirectUri: string;
  fetch?: typeof fetch;
}

const PER_PAGE = 100;
/** 100 pages of 100: more installations than any user has; a guard against a Link loop. */
const MAX_PAGES = 100;

function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match?.[1]) return match[1];
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toInstallation(value: unknown): UserInstallation | null {
  if (!isObject(value) || typeof value.id !== "number" || !isObject(value.account)) return null;
  const { id, login, type } = value.account;
  if (typeof id !== "number" || typeof login !== "string") return null;
  return { ...value, id: value.id, account: { id, login, type: typeof type === "string" ? type : "User" } };
}

export function createGitHubUserAuth(deps: GitHubUserAuthDeps): GitHubUserAuth {
  const doFetch = deps.fetch ?? fetch;
  const { github } = deps;
  const apiOrigin = new URL(github.apiUrl).origin;
  const headers = (token: string) => ({
    accept: "application/vnd.github+json",
    authorization: `Bearer ${token}`,
    "user-agent": "github-connect",
    "x-github-api-version": "2022-11-28",
  });

  async function exchangeCode(code: string): Promise<string> {
    if (!github.clientId || !github.clientSecret) {
      throw new GitHubUnavailableError("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are needed to verify installers");
    }
    let response: Response;
    try {
      response = await doFetch(`${github.webUrl}/login/oauth/access_token`, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json", "user-agent": "github-connect" },
        body: JSON.stringify({ client_id: github.clientId, client_secret: github.clientSecret, code, redirect_uri: deps.redirectUri }),
      });
    } catch (error) {
      throw new GitHubUnavailableError(`OAuth token exchange failed: ${(error as Error).message}`);
    }
    const body: unknown = await response.json().catch(() => null);
    // GitHub reports a bad code with 200 and an `error` field, not with a 4xx.
    if (isObject(body) && body.error === "bad_verification_code") throw new BadVerificationCodeError();
    if (!response.ok || !isObject(body) || typeof body.access_token !== "string" || body.access_token === "") {
      const reason = isObject(body) && typeof body.error === "string" ? body.error : `status ${response.status}`;
      throw new GitHubUnavailableError(`OAuth token exchange refused: ${reason}`);
    }
    return body.access_token;
  }

  async function getJson(url: string, token: string): Promise<{ body: unknown; next: string | null }> {
    let response: Response;
    try {
      response = await doFetch(url, { headers: headers(token) });
    } catch (error) {
      throw new GitHubUnavailableError(`GET ${new URL(url).pathname} failed: ${(error as Error).message}`);
    }
    if (!response.ok) throw new GitHubUnavailableError(`GET ${new URL(url).pathname} answered ${response.status}`);
    return { body: await response.json(), next: nextLink(response.headers.get("link")) };
  }

  return {
    async checkInstallationAccess(code, installationId) {
      const token = await exchangeCode(code);
      let apiCalls = 1;
      let url: string | null = `${github.apiUrl}/user/installations?per_page=${PER_PAGE}&page=1`;
      while (url && apiCalls <= MAX_PAGES) {
        // The token goes to GitHub's API only, whatever a Link header says.
        if (new URL(url).origin !== apiOrigin) throw new GitHubUnavailableError("GitHub sent a next-page link to another host");
        const page: { body: unknown; next: string | null } = await getJson(url, token);
        apiCalls++;
        const list = isObject(page.body) && Array.isArray(page.body.installations) ? page.body.installations : null;
        if (!list) throw new GitHubUnavailableError("GET /user/installations answered without an installations list");
        for (const entry of list) {
          const installation = toInstallation(entry);
          if (installation?.id === installationId) return { visible: true, installation, apiCalls };
        }
        url = page.next;
      }
      return { visible: false, installation: null, apiCalls };
    },

    async identifyUser(code) {
      const token = await exchangeCode(code);
      const { body } = await getJson(`${github.apiUrl}/user`, token);
      if (!isObject(body) || typeof body.id !== "number" || typeof body.login !== "string") {
        throw new GitHubUnavailableError("GET /user answered without id and login");
      }
      return { id: body.id, login: body.login };
    },
  };
}
