import { readFileSync } from "node:fs";
import nock from "nock";
import { TEST_APP_ID } from "./app-credentials.js";

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

/** `DELETE /app/installations/{id}` with the App's JWT: 204, or 404 when GitHub already forgot it. */
export function nockDeleteInstallation(installationId: number, status: 204 | 404 | 500 = 204): nock.Scope {
  const scope = nock(GITHUB_API).delete(`/app/installations/${installationId}`).matchHeader("authorization", /^bearer eyJ/i);
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
