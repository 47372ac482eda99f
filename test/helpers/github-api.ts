import { readFileSync } from "node:fs";
import nock from "nock";
import { TEST_APP_ID, testPrivateKey } from "./app-credentials.js";

/*
 * GitHub at the network edge, in its real response shapes: each answer starts from a JSON file
 * under test/fixtures/github/ (GitHub's documented examples, set in one scenario: the App
 * "github-connect-test" installed on the organization "acme-corp") and changes only ids and names.
 */

export const GITHUB_WEB = "https://github.com";
export const GITHUB_API = "https://api.github.com";
/** What testConfig() sets as GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET. */
export const TEST_CLIENT_ID = "Iv1.testclientid";
export const TEST_CLIENT_SECRET = "test-client-secret";

export type Json = Record<string, unknown>;

/** A fresh copy of test/fixtures/github/<name>.json. */
export function githubFixture<T = Json>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/github/${name}.json`, import.meta.url), "utf8")) as T;
}

/** The user token GitHub answers the OAuth exchange with (longer than 40 characters, as they now are). */
export const USER_TOKEN = githubFixture<{ access_token: string }>("oauth-access-token").access_token;
/** The installation token GitHub mints for the App (stateless format, longer than 40 characters). */
export const INSTALLATION_TOKEN = githubFixture<{ token: string }>("installation-access-token").token;

export interface AccountSpec {
  id: number;
  login: string;
  type?: "Organization" | "User";
}

export interface InstallationSpec {
  id: number;
  account?: AccountSpec;
  /** null: GitHub sent no html_url (older installations); the app builds the settings URL itself. */
  htmlUrl?: string | null;
  createdAt?: string;
  updatedAt?: string;
  suspendedAt?: string | null;
  repositorySelection?: "all" | "selected";
}

export const ACME: AccountSpec = { id: 90001, login: "acme-corp", type: "Organization" };

function replaceLogin(value: unknown, from: string, to: string): unknown {
  return JSON.parse(JSON.stringify(value).split(`/${from}`).join(`/${to}`));
}

/** One installation object as `GET /user/installations` and `GET /app/installations/{id}` send it. */
export function installationJson(spec: InstallationSpec): Json {
  const base = githubFixture<Json & { account: Json }>("app-installation");
  const account = spec.account ?? ACME;
  const type = account.type ?? "Organization";
  const json = replaceLogin(base, ACME.login, account.login) as Json & { account: Json };
  Object.assign(json.account, { id: account.id, login: account.login, type });
  const settingsUrl =
    type === "User"
      ? `${GITHUB_WEB}/settings/installations/${spec.id}`
      : `${GITHUB_WEB}/organizations/${account.login}/settings/installations/${spec.id}`;
  Object.assign(json, {
    id: spec.id,
    app_id: TEST_APP_ID,
    target_id: account.id,
    target_type: type,
    access_tokens_url: `${GITHUB_API}/app/installations/${spec.id}/access_tokens`,
    html_url: spec.htmlUrl === undefined ? settingsUrl : spec.htmlUrl,
    ...(spec.createdAt ? { created_at: spec.createdAt } : {}),
    ...(spec.updatedAt ? { updated_at: spec.updatedAt } : {}),
    ...(spec.repositorySelection ? { repository_selection: spec.repositorySelection } : {}),
    ...(spec.suspendedAt !== undefined ? { suspended_at: spec.suspendedAt } : {}),
  });
  if (json.html_url === null) delete json.html_url;
  return json;
}

export interface RepoSpec {
  id: number;
  name: string;
  owner?: AccountSpec;
}

/** One repository object as `GET /installation/repositories` sends it. */
export function repositoryJson(spec: RepoSpec): Json {
  const owner = spec.owner ?? ACME;
  const base = githubFixture<{ repositories: Json[] }>("installation-repositories").repositories[0]!;
  const fullName = `${owner.login}/${spec.name}`;
  const json = JSON.parse(JSON.stringify(base).split("acme-corp/acme-web").join(fullName).split("acme-web").join(spec.name)) as Json & { owner: Json };
  Object.assign(json, { id: spec.id, name: spec.name, full_name: fullName });
  Object.assign(json.owner, { id: owner.id, login: owner.login, type: owner.type ?? "Organization" });
  return json;
}

function linkHeader(path: string, page: number, last: number): Record<string, string> {
  if (page >= last) return {};
  const url = (n: number) => `${GITHUB_API}${path}?per_page=100&page=${n}`;
  return { link: `<${url(page + 1)}>; rel="next", <${url(last)}>; rel="last"` };
}

/**
 * `POST https://github.com/login/oauth/access_token` for `code`. GitHub answers a bad code with
 * 200 and `{error: "bad_verification_code", ...}`, not a 4xx.
 */
export function nockOAuthToken(options: { code: string; redirectUri?: string; result?: "token" | "bad_verification_code" }): nock.Scope {
  const reply = options.result === "bad_verification_code" ? githubFixture("oauth-bad-verification-code") : githubFixture("oauth-access-token");
  return nock(GITHUB_WEB, { reqheaders: { accept: "application/json" } })
    .post("/login/oauth/access_token", (body: Json) =>
      body.client_id === TEST_CLIENT_ID &&
      body.client_secret === TEST_CLIENT_SECRET &&
      body.code === options.code &&
      (options.redirectUri === undefined || body.redirect_uri === options.redirectUri),
    )
    // GitHub dates every answer; the token's expiry is reckoned from it.
    .reply(200, reply, { "content-type": "application/json; charset=utf-8", date: new Date().toUTCString() });
}

/** The user token as Octokit sends it (`token …`; GitHub takes `Bearer …` alike). */
function userAuthorization(token = USER_TOKEN): (value: string) => boolean {
  return (value) => value === `token ${token}` || value === `Bearer ${token}`;
}

/**
 * `GET /user/installations` with the user token: `pages` are the installations GitHub returns on
 * page 1, 2, …, with Link headers between them, as GitHub paginates (per_page=100).
 */
export function nockUserInstallations(pages: InstallationSpec[][], options: { token?: string } = {}): nock.Scope {
  const scope = nock(GITHUB_API, { reqheaders: { authorization: userAuthorization(options.token) } });
  const total = pages.reduce((n, page) => n + page.length, 0);
  const last = Math.max(pages.length, 1);
  (pages.length > 0 ? pages : [[]]).forEach((page, index) => {
    scope
      .get("/user/installations")
      // Octokit's paginate asks for the first page without `page`, then follows the Link header.
      .query(index === 0 ? { per_page: "100" } : { per_page: "100", page: String(index + 1) })
      .reply(200, { total_count: total, installations: page.map(installationJson) }, linkHeader("/user/installations", index + 1, last));
  });
  return scope;
}

/** `GET /user` with the user token. */
export function nockGitHubUser(user: { id: number; login: string }, options: { token?: string } = {}): nock.Scope {
  const json = { ...githubFixture<Json>("user"), id: user.id, login: user.login };
  return nock(GITHUB_API, { reqheaders: { authorization: userAuthorization(options.token) } }).get("/user").reply(200, json);
}

/** `POST /app/installations/{id}/access_tokens` signed with the App's JWT: 201 and a token. */
export function nockInstallationToken(installationId: number): nock.Scope {
  return nock(GITHUB_API)
    .post(`/app/installations/${installationId}/access_tokens`)
    .matchHeader("authorization", /^bearer eyJ/i)
    .reply(201, githubFixture("installation-access-token"));
}

/**
 * `GET /installation/repositories` with the installation token, `pages` as GitHub would split
 * them. Octokit asks for the first page without `page` and follows the Link header after that.
 */
export function nockInstallationRepositories(pages: RepoSpec[][], options: { token?: string } = {}): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", new RegExp(`^token ${options.token ?? INSTALLATION_TOKEN}$`, "i"));
  const total = pages.reduce((n, page) => n + page.length, 0);
  const last = Math.max(pages.length, 1);
  (pages.length > 0 ? pages : [[]]).forEach((page, index) => {
    scope
      .get("/installation/repositories")
      .query(index === 0 ? { per_page: "100" } : { per_page: "100", page: String(index + 1) })
      .reply(200, { total_count: total, repository_selection: "selected", repositories: page.map(repositoryJson) }, linkHeader("/installation/repositories", index + 1, last));
  });
  return scope;
}

/** `DELETE /app/installations/{id}` with the App's JWT: 204, or 404 when GitHub already forgot it; `delayMs` holds the answer back (a GitHub that hangs). */
export function nockDeleteInstallation(installationId: number, status: 204 | 404 | 500 = 204, options: { delayMs?: number } = {}): nock.Scope {
  let scope = nock(GITHUB_API).delete(`/app/installations/${installationId}`).matchHeader("authorization", /^bearer eyJ/i);
  if (options.delayMs) scope = scope.delay(options.delayMs);
  if (status === 204) return scope.reply(204);
  if (status === 404) return scope.reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/apps/apps#delete-an-installation-for-the-authenticated-app", status: "404" });
  return scope.reply(500, { message: "Server Error" });
}

/** `GET /app/installations` with the App's JWT, `pages` as GitHub splits them (page-numbered Link headers). */
export function nockAppInstallations(pages: InstallationSpec[][]): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", /^bearer eyJ/i);
  const last = Math.max(pages.length, 1);
  (pages.length > 0 ? pages : [[]]).forEach((page, index) => {
    scope
      .get("/app/installations")
      .query(index === 0 ? { per_page: "100" } : { per_page: "100", page: String(index + 1) })
      .reply(200, page.map(installationJson), linkHeader("/app/installations", index + 1, last));
  });
  return scope;
}

/** `GET /app/installations/{id}` with the App's JWT. */
export function nockGetInstallation(spec: InstallationSpec): nock.Scope {
  return nock(GITHUB_API).get(`/app/installations/${spec.id}`).matchHeader("authorization", /^bearer eyJ/i).reply(200, installationJson(spec));
}

/** `GET /app/installations/{id}` with the App's JWT for an id GitHub does not know (or no longer has): 404. */
export function nockGetInstallationMissing(installationId: number): nock.Scope {
  return nock(GITHUB_API)
    .get(`/app/installations/${installationId}`)
    .matchHeader("authorization", /^bearer eyJ/i)
    .reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app", status: "404" });
}

/** `GET /app` with the App's JWT: the App as GitHub names it (test/fixtures/github/app.json), with `changes` applied. */
export function nockGetApp(changes: Json | { status: 500 | 401 } = {}): nock.Scope {
  const scope = nock(GITHUB_API).get("/app").matchHeader("authorization", /^bearer eyJ/i);
  if ("status" in changes && typeof changes.status === "number") {
    return scope.reply(changes.status, { message: changes.status === 401 ? "A JSON web token could not be decoded" : "Server Error", documentation_url: "https://docs.github.com/rest", status: String(changes.status) });
  }
  return scope.reply(200, { ...githubFixture("app"), ...changes });
}

/* Installation tokens narrowed for other services (src/credentials/credentials.ts). */

export type PermissionLevelSpec = "read" | "write" | "admin";

export interface TokenScopeSpec {
  repositoryIds?: number[];
  permissions?: Record<string, PermissionLevelSpec>;
}

/** A distinct installation token per mint, so a test can tell which mint answered. */
export function installationTokenNumber(n: number): string {
  return `${INSTALLATION_TOKEN}${String(n).padStart(4, "0")}`;
}

/** The body @octokit/auth-app sends for a scope: nothing for an unscoped token (ids compared as a set: auth-app reorders them). */
function tokenRequestBody(scope: TokenScopeSpec): (body: unknown) => boolean {
  const sortIds = (ids: unknown) => (Array.isArray(ids) ? [...(ids as number[])].sort((a, b) => a - b) : ids);
  const expected = JSON.stringify({ repository_ids: sortIds(scope.repositoryIds), permissions: scope.permissions });
  return (body) => {
    const sent = (typeof body === "object" && body !== null ? body : {}) as Json;
    return JSON.stringify({ repository_ids: sortIds(sent.repository_ids), permissions: sent.permissions }) === expected;
  };
}

/**
 * `POST /app/installations/{id}/access_tokens` with the App's JWT and exactly this scope in the
 * body: 201 as GitHub answers a narrowed request (the permissions asked for, the repositories
 * named, repository_selection "selected" when narrowed to repositories).
 */
export function nockScopedInstallationToken(installationId: number, scope: TokenScopeSpec = {}, options: { token?: string } = {}): nock.Scope {
  const base = githubFixture<Json>("installation-access-token");
  const reply: Json = {
    ...base,
    token: options.token ?? base.token,
    ...(scope.permissions ? { permissions: scope.permissions } : {}),
    ...(scope.repositoryIds ? { repository_selection: "selected", repositories: scope.repositoryIds.map((id) => repositoryJson({ id, name: `repo-${id}` })) } : {}),
  };
  return nock(GITHUB_API)
    .post(`/app/installations/${installationId}/access_tokens`, tokenRequestBody(scope))
    .matchHeader("authorization", /^bearer eyJ/i)
    .reply(201, reply);
}

export type TokenRefusal = "permissions" | "repositories" | "suspended" | "missing" | "server-error";

/** GitHub refusing to mint: 422 for a scope beyond the installation, 403 suspended, 404 uninstalled, 500. */
export function nockInstallationTokenRefused(installationId: number, refusal: TokenRefusal): nock.Scope {
  const scope = nock(GITHUB_API).post(`/app/installations/${installationId}/access_tokens`).matchHeader("authorization", /^bearer eyJ/i);
  switch (refusal) {
    case "permissions":
      return scope.reply(422, githubFixture("installation-access-token-permissions-refused"));
    case "repositories":
      return scope.reply(422, githubFixture("installation-access-token-repositories-refused"));
    case "suspended":
      return scope.reply(403, githubFixture("installation-access-token-suspended"));
    case "missing":
      return scope.reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app", status: "404" });
    case "server-error":
      return scope.reply(500, { message: "Server Error" });
  }
}

/* A personal token's view of an account (scripts/migrate-legacy.ts). */

function tokenAuthorization(token: string): RegExp {
  return new RegExp(`^(token|bearer) ${token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "i");
}

function pagedRepos(scope: nock.Scope, path: string, query: Record<string, string>, pages: RepoSpec[][]): nock.Scope {
  const last = Math.max(pages.length, 1);
  const search = new URLSearchParams(query).toString();
  (pages.length > 0 ? pages : [[]]).forEach((page, index) => {
    const link: Record<string, string> =
      index + 1 >= last
        ? {}
        : { link: `<${GITHUB_API}${path}?${search}&page=${index + 2}>; rel="next", <${GITHUB_API}${path}?${search}&page=${last}>; rel="last"` };
    scope
      .get(path)
      .query(index === 0 ? query : { ...query, page: String(index + 1) })
      .reply(200, page.map(repositoryJson), link);
  });
  return scope;
}

/** `GET /users/{login}`: tells an organization from a user. */
export function nockAccount(account: AccountSpec, options: { token: string }): nock.Scope {
  const json = { ...githubFixture<Json>("user"), id: account.id, login: account.login, type: account.type ?? "Organization" };
  return nock(GITHUB_API).get(`/users/${account.login}`).matchHeader("authorization", tokenAuthorization(options.token)).reply(200, json);
}

/** `GET /orgs/{org}/repos?type=all`, 100 a page, every repo the token can see in the organization. */
export function nockOrgRepos(org: string, pages: RepoSpec[][], options: { token: string }): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", tokenAuthorization(options.token));
  return pagedRepos(scope, `/orgs/${org}/repos`, { type: "all", per_page: "100" }, pages);
}

/** `GET /user/repos?affiliation=owner`: the token's own user's repositories, private ones included. */
export function nockOwnRepos(pages: RepoSpec[][], options: { token: string }): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", tokenAuthorization(options.token));
  return pagedRepos(scope, "/user/repos", { affiliation: "owner", per_page: "100" }, pages);
}

/** `GET /users/{login}/repos?type=owner`: another user's repositories, public ones only. */
export function nockUserRepos(login: string, pages: RepoSpec[][], options: { token: string }): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", tokenAuthorization(options.token));
  return pagedRepos(scope, `/users/${login}/repos`, { type: "owner", per_page: "100" }, pages);
}

/** `GET /repos/{owner}/{repo}` with a token: the repository, or 404 when it does not exist or the token cannot see it. */
export function nockRepo(owner: AccountSpec, name: string, id: number | null, options: { token: string }): nock.Scope {
  const scope = nock(GITHUB_API).get(`/repos/${owner.login}/${name}`).matchHeader("authorization", tokenAuthorization(options.token));
  if (id === null) return scope.reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/repos/repos#get-a-repository", status: "404" });
  return scope.reply(200, repositoryJson({ id, name, owner }));
}

/** `POST /app-manifests/{code}/conversions`: the App GitHub registered, with a real PEM (and any field replaced by `changes`). */
export function nockManifestConversion(code: string, changes: Record<string, unknown> = {}): nock.Scope {
  const recorded = readFileSync(new URL("../fixtures/github/app-manifest-conversion.json", import.meta.url), "utf8").replace('"__PEM__"', JSON.stringify(testPrivateKey()));
  const body = JSON.stringify({ ...(JSON.parse(recorded) as object), ...changes });
  return nock(GITHUB_API).post(`/app-manifests/${code}/conversions`).reply(201, body, { "content-type": "application/json; charset=utf-8" });
}

/* Repositories the app creates (src/repos/repos.ts), with the installation token. */

/** `POST /orgs/{org}/repos`'s 201: the full repository GitHub created, with this id and name. */
export function createdRepositoryJson(spec: RepoSpec): Json {
  const owner = spec.owner ?? ACME;
  const base = githubFixture<Json>("repository-created");
  const fullName = `${owner.login}/${spec.name}`;
  const json = JSON.parse(JSON.stringify(base).split("acme-corp/developer-guide").join(fullName).split("developer-guide").join(spec.name)) as Json & { owner: Json; organization: Json };
  Object.assign(json, { id: spec.id, name: spec.name, full_name: fullName });
  for (const account of [json.owner, json.organization]) Object.assign(account, { id: owner.id, login: owner.login, type: owner.type ?? "Organization" });
  return json;
}

/** 201 with this id (and, to prove what is never trusted, another html_url or full_name), or GitHub's refusals. */
export type CreateRepoReply = { id: number; htmlUrl?: string; fullName?: string } | "name-taken" | "forbidden" | "server-error";

/**
 * `POST /orgs/{org}/repos` with the installation token, for exactly `{name, private: true,
 * auto_init: true}`: 201 with the new repository, 422 "name already exists on this account",
 * 403 (no Administration write) or 500.
 */
export function nockCreateOrgRepo(org: AccountSpec, name: string, reply: CreateRepoReply, options: { token?: string } = {}): nock.Scope {
  const scope = nock(GITHUB_API)
    .post(`/orgs/${org.login}/repos`, (body: Json) => body.name === name && body.private === true && body.auto_init === true && Object.keys(body).length === 3)
    .matchHeader("authorization", tokenAuthorization(options.token ?? INSTALLATION_TOKEN));
  if (reply === "name-taken") return scope.reply(422, githubFixture("repository-create-name-exists"));
  if (reply === "forbidden") return scope.reply(403, githubFixture("repository-create-forbidden"));
  if (reply === "server-error") return scope.reply(500, { message: "Server Error" });
  const json = createdRepositoryJson({ id: reply.id, name, owner: org });
  if (reply.htmlUrl) json.html_url = reply.htmlUrl;
  if (reply.fullName) json.full_name = reply.fullName;
  return scope.reply(201, json);
}

/* The Marketplace API (src/marketplace/marketplace-api.ts): App JWT, or its /stubbed/ twin. */

export interface ListingPlanSpec {
  id: number;
  name: string;
  priceModel: "FREE" | "FLAT_RATE" | "PER_UNIT";
  monthlyPriceInCents?: number;
  unitName?: string | null;
  hasFreeTrial?: boolean;
}

export interface MarketplacePurchaseSpec {
  account: AccountSpec;
  plan: ListingPlanSpec;
  unitCount?: number | null;
  billingCycle?: "monthly" | "yearly";
  onFreeTrial?: boolean;
  freeTrialEndsOn?: string | null;
  nextBillingDate?: string | null;
  pendingChange?: { plan: ListingPlanSpec; effectiveDate: string; unitCount?: number | null } | null;
}

/** A plan as the Marketplace API describes it (`marketplace-listing-plan`), from GitHub's example with our ids, names and prices. */
export function listingPlanJson(spec: ListingPlanSpec): Json {
  const base = githubFixture<Json[]>("marketplace-listing-plans")[0]!;
  return {
    ...base,
    url: `${GITHUB_API}/marketplace_listing/plans/${spec.id}`,
    accounts_url: `${GITHUB_API}/marketplace_listing/plans/${spec.id}/accounts`,
    ...planFields(spec),
  };
}

/** The fields a plan has wherever GitHub shows it (the Marketplace API and marketplace_purchase payloads). */
export function planFields(spec: ListingPlanSpec): Json {
  const monthly = spec.monthlyPriceInCents ?? (spec.priceModel === "FREE" ? 0 : 1000);
  return {
    id: spec.id,
    name: spec.name,
    description: `${spec.name} plan`,
    monthly_price_in_cents: monthly,
    yearly_price_in_cents: monthly * 10,
    price_model: spec.priceModel,
    has_free_trial: spec.hasFreeTrial ?? false,
    unit_name: spec.unitName ?? null,
    bullets: [`${spec.name} plan`],
  };
}

/** An account as `GET /marketplace_listing/accounts/{id}` and `…/plans/{id}/accounts` describe it (`marketplace-purchase`). */
export function marketplaceAccountJson(spec: MarketplacePurchaseSpec): Json {
  const base = githubFixture<Json & { marketplace_purchase: Json }>("marketplace-account");
  const { account } = spec;
  const pending = spec.pendingChange;
  return {
    ...base,
    url: `${GITHUB_API}/${account.type === "User" ? "users" : "orgs"}/${account.login}`,
    type: account.type ?? "Organization",
    id: account.id,
    login: account.login,
    organization_billing_email: `billing@${account.login}.example`,
    email: `billing@${account.login}.example`,
    marketplace_pending_change: pending
      ? { effective_date: pending.effectiveDate, unit_count: pending.unitCount ?? null, id: 77, plan: listingPlanJson(pending.plan) }
      : null,
    marketplace_purchase: {
      ...base.marketplace_purchase,
      billing_cycle: spec.billingCycle ?? "monthly",
      next_billing_date: spec.nextBillingDate === undefined ? "2026-12-01T00:00:00Z" : spec.nextBillingDate,
      unit_count: spec.unitCount ?? null,
      on_free_trial: spec.onFreeTrial ?? false,
      free_trial_ends_on: spec.freeTrialEndsOn ?? null,
      updated_at: "2026-11-02T01:12:12Z",
      plan: listingPlanJson(spec.plan),
    },
  };
}

export interface MarketplaceNockOptions {
  /** MARKETPLACE_STUBBED=true: the /marketplace_listing/stubbed/… twin. */
  stubbed?: boolean;
  /** How many pages GitHub's Link header says there are, when only the first `pages` are expected to be asked for. */
  totalPages?: number;
}

function marketplacePath(path: string, options: MarketplaceNockOptions): string {
  return `/marketplace_listing${options.stubbed ? "/stubbed" : ""}${path}`;
}

/**
 * `GET /marketplace_listing/accounts/{id}` with the App's JWT: the account's purchase, 404 when
 * it has none (GitHub: "Not Found when the account has not purchased the listing"), or a 500.
 */
export function nockMarketplaceAccount(accountId: number, purchase: MarketplacePurchaseSpec | null | "server-error", options: MarketplaceNockOptions = {}): nock.Scope {
  const scope = nock(GITHUB_API).get(marketplacePath(`/accounts/${accountId}`, options)).matchHeader("authorization", /^bearer eyJ/i);
  if (purchase === null) return scope.reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/apps/marketplace#get-a-subscription-plan-for-an-account", status: "404" });
  if (purchase === "server-error") return scope.reply(500, { message: "Server Error" });
  return scope.reply(200, marketplaceAccountJson(purchase));
}

function pagedList<T>(scope: nock.Scope, path: string, pages: T[][], json: (item: T) => Json, totalPages?: number): nock.Scope {
  const last = Math.max(totalPages ?? pages.length, 1);
  (pages.length > 0 ? pages : [[]]).forEach((page, index) => {
    const n = index + 1;
    const link: Record<string, string> =
      n >= last ? {} : { link: `<${GITHUB_API}${path}?per_page=100&page=${n + 1}>; rel="next", <${GITHUB_API}${path}?per_page=100&page=${last}>; rel="last"` };
    scope.get(path).query({ per_page: "100", page: String(n) }).reply(200, page.map(json), link);
  });
  return scope;
}

/** `GET /marketplace_listing/plans`, 100 a page, with the App's JWT. */
export function nockMarketplacePlans(pages: ListingPlanSpec[][], options: MarketplaceNockOptions = {}): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", /^bearer eyJ/i);
  return pagedList(scope, marketplacePath("/plans", options), pages, listingPlanJson, options.totalPages);
}

/** `GET /marketplace_listing/plans/{plan_id}/accounts`, 100 a page, with the App's JWT. */
export function nockMarketplacePlanAccounts(planId: number, pages: MarketplacePurchaseSpec[][], options: MarketplaceNockOptions = {}): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", /^bearer eyJ/i);
  return pagedList(scope, marketplacePath(`/plans/${planId}/accounts`, options), pages, marketplaceAccountJson, options.totalPages);
}

/** `GET /marketplace_listing/plans` failing: 404 (the App has no listing) or 500. */
export function nockMarketplacePlansFailing(status: 404 | 500, options: MarketplaceNockOptions = {}): nock.Scope {
  const scope = nock(GITHUB_API).get(marketplacePath("/plans", options)).query(true).matchHeader("authorization", /^bearer eyJ/i);
  return status === 404
    ? scope.reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/apps/marketplace#list-plans", status: "404" })
    : scope.reply(500, { message: "Server Error" });
}
