import nock from "nock";
import { TEST_APP_ID } from "../app-credentials.js";
import { documentedBody } from "../contract/openapi-responses.js";
import {
  ACME,
  githubFixture,
  INSTALLATION_TOKEN,
  type AccountSpec,
  type EnterpriseSpec,
  type Json,
} from "./fixtures.js";
import { userAuthorization } from "./oauth.js";
import { repositoryJson, type RepoSpec } from "./repos.js";
import { APP_JWT, errorBody, GITHUB_API, GITHUB_WEB, pageLink, SERVER_ERROR } from "./rest.js";

/* The App's installations: as the App's JWT sees them, as a user sees them, and what one can reach. */

export interface InstallationSpec {
  id: number;
  account?: AccountSpec;
  /** Installed on this enterprise account instead (`account` is then GitHub's enterprise object). */
  enterprise?: EnterpriseSpec;
  /** What GitHub sends as html_url (the app builds the settings link itself and ignores it); the account's settings URL by default. */
  htmlUrl?: string;
  createdAt?: string;
  updatedAt?: string;
  suspendedAt?: string | null;
  repositorySelection?: "all" | "selected";
}

function replaceLogin(value: unknown, from: string, to: string): unknown {
  return JSON.parse(JSON.stringify(value).split(`/${from}`).join(`/${to}`));
}

/** An enterprise account as an installation carries it (GitHub's `enterprise` schema: slug and name, no login, no type). */
export function enterpriseAccountJson(enterprise: EnterpriseSpec): Json {
  return {
    id: enterprise.id,
    node_id: `E_kgDO${Buffer.from(String(enterprise.id)).toString("base64url")}`,
    name: enterprise.name,
    slug: enterprise.slug,
    description: null,
    website_url: null,
    html_url: `${GITHUB_WEB}/enterprises/${enterprise.slug}`,
    avatar_url: `https://avatars.githubusercontent.com/b/${enterprise.id}?v=4`,
    created_at: "2019-01-26T19:01:12Z",
    updated_at: "2026-11-01T10:00:00Z",
  };
}

/** `installationJson` of an installation on an enterprise account: its own account object, target and settings page. */
function onEnterprise(json: Json, spec: InstallationSpec & { enterprise: EnterpriseSpec }): Json {
  const { enterprise } = spec;
  return Object.assign(json, {
    account: enterpriseAccountJson(enterprise),
    target_id: enterprise.id,
    target_type: "Enterprise",
    html_url: spec.htmlUrl ?? `${GITHUB_WEB}/enterprises/${enterprise.slug}/settings/installations/${spec.id}`,
  });
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
    html_url: spec.htmlUrl ?? settingsUrl,
    ...(spec.createdAt ? { created_at: spec.createdAt } : {}),
    ...(spec.updatedAt ? { updated_at: spec.updatedAt } : {}),
    ...(spec.repositorySelection ? { repository_selection: spec.repositorySelection } : {}),
    ...(spec.suspendedAt !== undefined ? { suspended_at: spec.suspendedAt } : {}),
  });
  return spec.enterprise ? onEnterprise(json, { ...spec, enterprise: spec.enterprise }) : json;
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
    const body = documentedBody("GET /user/installations", 200, {
      total_count: total,
      installations: page.map(installationJson),
    });
    scope
      .get("/user/installations")
      // Octokit's paginate asks for the first page without `page`, then follows the Link header.
      .query(index === 0 ? { per_page: "100" } : { per_page: "100", page: String(index + 1) })
      .reply(200, body, pageLink("/user/installations", index + 1, last));
  });
  return scope;
}

/** `GET /app/installations` with the App's JWT, `pages` as GitHub splits them (page-numbered Link headers). */
export function nockAppInstallations(pages: InstallationSpec[][]): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", APP_JWT);
  const last = Math.max(pages.length, 1);
  (pages.length > 0 ? pages : [[]]).forEach((page, index) => {
    scope
      .get("/app/installations")
      .query(index === 0 ? { per_page: "100" } : { per_page: "100", page: String(index + 1) })
      .reply(
        200,
        documentedBody("GET /app/installations", 200, page.map(installationJson)),
        pageLink("/app/installations", index + 1, last),
      );
  });
  return scope;
}

/** `GET /app/installations/{id}` with the App's JWT. */
export function nockGetInstallation(spec: InstallationSpec): nock.Scope {
  return nock(GITHUB_API)
    .get(`/app/installations/${spec.id}`)
    .matchHeader("authorization", APP_JWT)
    .reply(200, documentedBody("GET /app/installations/{installation_id}", 200, installationJson(spec)));
}

/** `GET /app/installations/{id}` with the App's JWT for an id GitHub does not know (or no longer has): 404. */
export function nockGetInstallationMissing(installationId: number): nock.Scope {
  return nock(GITHUB_API)
    .get(`/app/installations/${installationId}`)
    .matchHeader("authorization", APP_JWT)
    .reply(
      404,
      errorBody(
        "GET /app/installations/{installation_id}",
        404,
        "Not Found",
        "https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app",
      ),
    );
}

/** `DELETE /app/installations/{id}` with the App's JWT: 204, or 404 when GitHub already forgot it; `delayMs` holds the answer back (a GitHub that hangs). */
export function nockDeleteInstallation(
  installationId: number,
  status: 204 | 404 | 500 = 204,
  options: { delayMs?: number } = {},
): nock.Scope {
  let scope = nock(GITHUB_API).delete(`/app/installations/${installationId}`).matchHeader("authorization", APP_JWT);
  if (options.delayMs) scope = scope.delay(options.delayMs);
  if (status === 204) return scope.reply(204);
  if (status === 404)
    return scope.reply(
      404,
      errorBody(
        "DELETE /app/installations/{installation_id}",
        404,
        "Not Found",
        "https://docs.github.com/rest/apps/apps#delete-an-installation-for-the-authenticated-app",
      ),
    );
  return scope.reply(500, SERVER_ERROR);
}

/**
 * `GET /installation/repositories` with the installation token, `pages` as GitHub would split
 * them. Octokit asks for the first page without `page` and follows the Link header after that.
 */
export function nockInstallationRepositories(
  pages: RepoSpec[][],
  options: { token?: string; repositorySelection?: "all" | "selected" } = {},
): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader(
    "authorization",
    new RegExp(`^token ${options.token ?? INSTALLATION_TOKEN}$`, "i"),
  );
  const total = pages.reduce((n, page) => n + page.length, 0);
  const last = Math.max(pages.length, 1);
  (pages.length > 0 ? pages : [[]]).forEach((page, index) => {
    const body = documentedBody("GET /installation/repositories", 200, {
      total_count: total,
      repository_selection: options.repositorySelection ?? "selected",
      repositories: page.map(repositoryJson),
    });
    scope
      .get("/installation/repositories")
      .query(index === 0 ? { per_page: "100" } : { per_page: "100", page: String(index + 1) })
      .reply(200, body, pageLink("/installation/repositories", index + 1, last));
  });
  return scope;
}
