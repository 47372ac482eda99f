import nock from "nock";
import { documentedBody } from "../contract/openapi-responses.js";
import { githubFixture, type AccountSpec, type Json } from "./fixtures.js";
import { userAuthorization } from "./oauth.js";
import { GITHUB_API, tokenAuthorization } from "./rest.js";

/** `GET /user` with the user token. */
export function nockGitHubUser(user: { id: number; login: string }, options: { token?: string } = {}): nock.Scope {
  const json = { ...githubFixture<Json>("user"), id: user.id, login: user.login };
  return nock(GITHUB_API, { reqheaders: { authorization: userAuthorization(options.token) } })
    .get("/user")
    .reply(200, documentedBody("GET /user", 200, json));
}

/** `GET /users/{login}` with a personal token (scripts/migrate-legacy.ts): tells an organization from a user. */
export function nockAccount(account: AccountSpec, options: { token: string }): nock.Scope {
  const json = {
    ...githubFixture<Json>("user"),
    id: account.id,
    login: account.login,
    type: account.type ?? "Organization",
  };
  return nock(GITHUB_API)
    .get(`/users/${account.login}`)
    .matchHeader("authorization", tokenAuthorization(options.token))
    .reply(200, documentedBody("GET /users/{username}", 200, json));
}
