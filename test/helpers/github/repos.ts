import nock from "nock";
import { documentedBody } from "../contract/openapi-responses.js";
import { ACME, githubFixture, INSTALLATION_TOKEN, type AccountSpec, type Json } from "./fixtures.js";
import { errorBody, GITHUB_API, SERVER_ERROR, tokenAuthorization } from "./rest.js";

/* Repositories: as lists show them, one looked up, and the ones the app creates (src/repos/repos.ts). */

export interface RepoSpec {
  id: number;
  name: string;
  owner?: AccountSpec;
  archived?: boolean;
  /** updated_at (GitHub's example's, from 2011, unless told). */
  updatedAt?: string;
}

/** The repository the fixtures name, renamed by inScenario. */
const ACME_WEB = { fullName: "acme-corp/acme-web", name: "acme-web" };

/** One repository object as `GET /installation/repositories` and the other repository lists send it. */
export function repositoryJson(spec: RepoSpec): Json {
  return inScenario(
    githubFixture<{ repositories: Json[] }>("installation-repositories").repositories[0]!,
    ACME_WEB,
    spec,
  );
}

/** `base` with its name, full name, id and owner replaced by the spec's (in every URL too). */
function inScenario(base: Json, from: { fullName: string; name: string }, spec: RepoSpec): Json & { owner: Json } {
  const owner = spec.owner ?? ACME;
  const fullName = `${owner.login}/${spec.name}`;
  const json = JSON.parse(
    JSON.stringify(base).split(from.fullName).join(fullName).split(from.name).join(spec.name),
  ) as Json & { owner: Json };
  Object.assign(json, {
    id: spec.id,
    name: spec.name,
    full_name: fullName,
    ...(spec.archived !== undefined ? { archived: spec.archived } : {}),
    ...(spec.updatedAt ? { updated_at: spec.updatedAt } : {}),
  });
  Object.assign(json.owner, { id: owner.id, login: owner.login, type: owner.type ?? "Organization" });
  return json;
}

/**
 * `GET /repos/{owner}/{repo}`'s 200 (`full-repository`, GitHub's example in our scenario): more
 * than a list item (has_discussions, network_count, subscribers_count, license, organization).
 * A user's repository has no organization.
 */
export function fullRepositoryJson(spec: RepoSpec): Json {
  const owner = spec.owner ?? ACME;
  const json = inScenario(githubFixture("repository"), ACME_WEB, spec) as Json & { owner: Json; organization?: Json };
  if ((owner.type ?? "Organization") === "Organization")
    Object.assign(json.organization!, { id: owner.id, login: owner.login });
  else delete json.organization;
  return json;
}

/* A personal token's view of an account (scripts/migrate-legacy.ts). */

function pagedRepos(
  scope: nock.Scope,
  operation: string,
  path: string,
  query: Record<string, string>,
  pages: RepoSpec[][],
): nock.Scope {
  const last = Math.max(pages.length, 1);
  const search = new URLSearchParams(query).toString();
  (pages.length > 0 ? pages : [[]]).forEach((page, index) => {
    const link: Record<string, string> =
      index + 1 >= last
        ? {}
        : {
            link: `<${GITHUB_API}${path}?${search}&page=${index + 2}>; rel="next", <${GITHUB_API}${path}?${search}&page=${last}>; rel="last"`,
          };
    scope
      .get(path)
      .query(index === 0 ? query : { ...query, page: String(index + 1) })
      .reply(200, documentedBody(operation, 200, page.map(repositoryJson)), link);
  });
  return scope;
}

/** `GET /orgs/{org}/repos?type=all`, 100 a page, every repo the token can see in the organization. */
export function nockOrgRepos(org: string, pages: RepoSpec[][], options: { token: string }): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", tokenAuthorization(options.token));
  return pagedRepos(scope, "GET /orgs/{org}/repos", `/orgs/${org}/repos`, { type: "all", per_page: "100" }, pages);
}

/** `GET /user/repos?affiliation=owner`: the token's own user's repositories, private ones included. */
export function nockOwnRepos(pages: RepoSpec[][], options: { token: string }): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", tokenAuthorization(options.token));
  return pagedRepos(scope, "GET /user/repos", "/user/repos", { affiliation: "owner", per_page: "100" }, pages);
}

/** `GET /users/{login}/repos?type=owner`: another user's repositories, public ones only. */
export function nockUserRepos(login: string, pages: RepoSpec[][], options: { token: string }): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", tokenAuthorization(options.token));
  return pagedRepos(
    scope,
    "GET /users/{username}/repos",
    `/users/${login}/repos`,
    { type: "owner", per_page: "100" },
    pages,
  );
}

/** GitHub's 404 for a repository that does not exist or the token cannot see. */
function repositoryNotFound() {
  return errorBody(
    "GET /repos/{owner}/{repo}",
    404,
    "Not Found",
    "https://docs.github.com/rest/repos/repos#get-a-repository",
  );
}

/** `GET /repos/{owner}/{repo}` with a token: the repository, or 404 when it does not exist or the token cannot see it. */
export function nockRepo(owner: AccountSpec, name: string, id: number | null, options: { token: string }): nock.Scope {
  const scope = nock(GITHUB_API)
    .get(`/repos/${owner.login}/${name}`)
    .matchHeader("authorization", tokenAuthorization(options.token));
  if (id === null) return scope.reply(404, repositoryNotFound());
  return scope.reply(200, documentedBody("GET /repos/{owner}/{repo}", 200, fullRepositoryJson({ id, name, owner })));
}

/**
 * `GET /repositories/{id}` with the installation token: the repository wherever it is now, or
 * 404 (deleted, or private and not selected). GitHub serves this route without describing it in
 * its REST description; its answer is GET /repos/{owner}/{repo}'s, checked against that.
 */
export function nockRepositoryById(id: number, spec: RepoSpec | null, options: { token?: string } = {}): nock.Scope {
  const scope = nock(GITHUB_API)
    .get(`/repositories/${id}`)
    .matchHeader("authorization", tokenAuthorization(options.token ?? INSTALLATION_TOKEN));
  if (spec === null) return scope.reply(404, repositoryNotFound());
  return scope.reply(200, documentedBody("GET /repos/{owner}/{repo}", 200, fullRepositoryJson(spec)));
}

/* Repositories the app creates (src/repos/repos.ts), with the installation token. */

/** `POST /orgs/{org}/repos`'s 201: the full repository GitHub created, with this id and name. */
export function createdRepositoryJson(spec: RepoSpec): Json {
  const owner = spec.owner ?? ACME;
  const base = githubFixture<Json>("repository-created");
  const fullName = `${owner.login}/${spec.name}`;
  const json = JSON.parse(
    JSON.stringify(base).split("acme-corp/developer-guide").join(fullName).split("developer-guide").join(spec.name),
  ) as Json & { owner: Json; organization: Json };
  Object.assign(json, { id: spec.id, name: spec.name, full_name: fullName });
  for (const account of [json.owner, json.organization])
    Object.assign(account, { id: owner.id, login: owner.login, type: owner.type ?? "Organization" });
  return json;
}

/** 201 with this id (and, to prove what is never trusted, another html_url or full_name), or GitHub's refusals. */
export type CreateRepoReply =
  | { id: number; htmlUrl?: string; fullName?: string }
  | "name-taken"
  | "forbidden"
  | "server-error";

/**
 * `POST /orgs/{org}/repos` with the installation token, for exactly `{name, private: true,
 * auto_init: true}`: 201 with the new repository, 422 "name already exists on this account",
 * 403 (no Administration write) or 500.
 */
export function nockCreateOrgRepo(
  org: AccountSpec,
  name: string,
  reply: CreateRepoReply,
  options: { token?: string } = {},
): nock.Scope {
  const scope = nock(GITHUB_API)
    .post(
      `/orgs/${org.login}/repos`,
      (body: Json) =>
        body.name === name && body.private === true && body.auto_init === true && Object.keys(body).length === 3,
    )
    .matchHeader("authorization", tokenAuthorization(options.token ?? INSTALLATION_TOKEN));
  if (reply === "name-taken")
    return scope.reply(
      422,
      documentedBody("POST /orgs/{org}/repos", 422, githubFixture("repository-create-name-exists")),
    );
  if (reply === "forbidden")
    return scope.reply(
      403,
      documentedBody("POST /orgs/{org}/repos", 403, githubFixture("repository-create-forbidden")),
    );
  if (reply === "server-error") return scope.reply(500, SERVER_ERROR);
  const json = createdRepositoryJson({ id: reply.id, name, owner: org });
  if (reply.htmlUrl) json.html_url = reply.htmlUrl;
  if (reply.fullName) json.full_name = reply.fullName;
  return scope.reply(201, documentedBody("POST /orgs/{org}/repos", 201, json));
}
