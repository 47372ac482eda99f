import nock from "nock";
import { githubFixture, USER_TOKEN, type Json } from "./fixtures.js";
import { GITHUB_WEB } from "./rest.js";

/* The OAuth web flow's token exchange on github.com (not part of the REST API description). */

/** What testConfig() sets as GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET. */
export const TEST_CLIENT_ID = "Iv1.testclientid";
export const TEST_CLIENT_SECRET = "test-client-secret";

/**
 * `POST https://github.com/login/oauth/access_token` for `code`. GitHub answers a bad code with
 * 200 and `{error: "bad_verification_code", ...}`, not a 4xx.
 */
export function nockOAuthToken(options: {
  code: string;
  redirectUri?: string;
  result?: "token" | "bad_verification_code";
}): nock.Scope {
  const reply =
    options.result === "bad_verification_code"
      ? githubFixture("oauth-bad-verification-code")
      : githubFixture("oauth-access-token");
  return (
    nock(GITHUB_WEB, { reqheaders: { accept: "application/json" } })
      .post(
        "/login/oauth/access_token",
        (body: Json) =>
          body.client_id === TEST_CLIENT_ID &&
          body.client_secret === TEST_CLIENT_SECRET &&
          body.code === options.code &&
          (options.redirectUri === undefined || body.redirect_uri === options.redirectUri),
      )
      // GitHub dates every answer; the token's expiry is reckoned from it.
      .reply(200, reply, { "content-type": "application/json; charset=utf-8", date: new Date().toUTCString() })
  );
}

/** The user token as Octokit sends it (`token …`; GitHub takes `Bearer …` alike). */
export function userAuthorization(token = USER_TOKEN): (value: string) => boolean {
  return (value) => value === `token ${token}` || value === `Bearer ${token}`;
}
