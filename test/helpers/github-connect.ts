import type { Connection } from "mongoose";
import { expect } from "vitest";
import type { Models } from "../../src/models/index.js";
import { signInAs, type PageResponse, type WebClient } from "./auth.js";
import { storedAll } from "./documents.js";
import { ACME } from "./github/fixtures.js";
import { nockInstallationToken } from "./github/installation-tokens.js";
import { type InstallationSpec, nockInstallationRepositories, nockUserInstallations } from "./github/installations.js";
import { type MarketplacePurchaseSpec, nockMarketplaceAccount } from "./github/marketplace.js";
import { nockOAuthToken } from "./github/oauth.js";
import type { RepoSpec } from "./github/repos.js";
import { startTestServer, type TestServer } from "./test-server.js";

export const SETTINGS = "/workspace/settings/repos";

/** The whole app (webhooks + pages) with the GitHub connect routes on a Probot whose retries and throttling are off. */
export async function startConnectServer(connection: Connection): Promise<TestServer> {
  return startTestServer({ connection });
}

export function signInAdmin(
  server: TestServer,
  organizationId = "org_acme",
  email = "admin@acme.example",
): Promise<WebClient> {
  return signInAs(server.url, { role: "admin", organizationId, email });
}

export function signInMember(
  server: TestServer,
  organizationId = "org_acme",
  email = "member@acme.example",
): Promise<WebClient> {
  return signInAs(server.url, { role: "member", organizationId, email });
}

/** The page's visible words, tags removed and spaces collapsed, for "the page says …" assertions. */
export function pageText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .replace(/ ([.,:;!?)])/g, "$1")
    .trim();
}

/** The <main> of a page: what the page itself shows, without the header's sign-out form. */
export function mainOf(html: string): string {
  return /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? "";
}

/** The `state` query parameter of a redirect to GitHub. */
export function stateOf(location: string | null): string {
  const state = location ? new URL(location).searchParams.get("state") : null;
  if (!state) throw new Error(`no state in ${location}`);
  return state;
}

/** Every document an attempt could change: a refused attempt must leave all of them as they were. */
export async function domainSnapshot(models: Models): Promise<Record<string, unknown[]>> {
  return {
    installations: await storedAll(models.GitHubInstallation, {}),
    claims: await storedAll(models.InstallationClaim, {}),
    repos: await storedAll(models.Repo, {}),
    audit: await storedAll(models.AuditEvent, {}),
    requests: await storedAll(models.InstallRequest, {}),
  };
}

export async function expectNothingChanged(models: Models, before: Record<string, unknown[]>): Promise<void> {
  expect(await domainSnapshot(models)).toEqual(before);
}

/** Press Connect GitHub: returns GitHub's install URL our server redirected to. */
export async function pressConnect(client: WebClient): Promise<string> {
  const response = await client.get("/github/connect");
  expect(response.status, response.body).toBe(303);
  return response.location!;
}

/** GitHub sends the browser to our setup URL; returns the OAuth authorize URL we redirect to. */
export async function arriveAtSetup(client: WebClient, query: Record<string, string>): Promise<PageResponse> {
  return client.get(`/github/setup?${new URLSearchParams(query).toString()}`);
}

/**
 * An install that did not start from our Connect link: GitHub sends the admin to the setup URL
 * with no state of ours, setup sends them through GitHub's OAuth, and the callback (GitHub's
 * `GET /user/installations` listing `installation`) shows the confirmation naming the account.
 * Returns that page and `submit`, which posts its form (nock the link's GitHub calls first).
 */
export async function confirmSetup(
  client: WebClient,
  installation: InstallationSpec,
  options: { code?: string } = {},
): Promise<{ setup: PageResponse; page: PageResponse; submit(): Promise<PageResponse> }> {
  const setup = await arriveAtSetup(client, { installation_id: String(installation.id), setup_action: "install" });
  expect(setup.status, setup.body).toBe(303);
  const code = options.code ?? `confirm-${installation.id}`;
  nockOAuthToken({ code });
  nockUserInstallations([[installation]]);
  const page = await client.get(`/github/callback?code=${code}&state=${encodeURIComponent(stateOf(setup.location))}`);
  expect(page.status, page.body).toBe(200);
  const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
  const fields = Object.fromEntries(
    [...page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]),
  );
  return { setup, page, submit: () => client.postForm(action!, fields, { csrf: fields._csrf }) };
}

export interface ConnectOptions {
  installation: InstallationSpec;
  /** What GET /installation/repositories answers after the link (one page). */
  reachable?: RepoSpec[];
  code?: string;
  /** What `GET /marketplace_listing/accounts/{id}` answers once linked: the purchase, null for GitHub's 404 (the default), or a 500. */
  marketplace?: MarketplacePurchaseSpec | null | "server-error";
}

/**
 * The whole happy path for a signed-in admin: Connect → GitHub → setup → OAuth → callback, with
 * GitHub answering through nock. Returns the callback's response (a redirect to Settings).
 */
export async function connectThroughGitHub(client: WebClient, options: ConnectOptions): Promise<PageResponse> {
  const installUrl = await pressConnect(client);
  // Setup asks GitHub nothing: the OAuth check at the callback decides.
  const setup = await arriveAtSetup(client, {
    installation_id: String(options.installation.id),
    setup_action: "install",
    state: stateOf(installUrl),
  });
  expect(setup.status, setup.body).toBe(303);
  const code = options.code ?? `code-${options.installation.id}`;
  nockOAuthToken({ code });
  nockUserInstallations([[options.installation]]);
  nockMarketplaceAccount((options.installation.account ?? ACME).id, options.marketplace ?? null);
  nockInstallationToken(options.installation.id);
  nockInstallationRepositories([options.reachable ?? []]);
  return client.get(`/github/callback?code=${code}&state=${encodeURIComponent(stateOf(setup.location))}`);
}
