import { describe, expect, test } from "vitest";
import { BadVerificationCodeError, GitHubUnavailableError } from "../../../src/connect/connect-errors.js";
import { createGitHubUserAuth } from "../../../src/github/user-auth.js";
import { ACME, USER_TOKEN } from "../../helpers/github/fixtures.js";
import { nockUserInstallations } from "../../helpers/github/installations.js";
import { documentedBody } from "../../helpers/contract/openapi-responses.js";
import { nockOAuthToken } from "../../helpers/github/oauth.js";
import { nockGitHubUser } from "../../helpers/github/users.js";
import { RECORDING_STAND_INS, withNockBack } from "../../helpers/nock-back.js";
import { testConfig } from "../../helpers/test-config.js";

const config = testConfig();
const redirectUri = `${config.baseUrl}/github/callback`;
const userAuth = createGitHubUserAuth({ github: config.github, redirectUri });

describe("verifying an installer with their GitHub user token (rule 1)", () => {
  test("the code is exchanged with our client id, secret and callback, then the installation is found", async () => {
    nockOAuthToken({ code: "code-1", redirectUri });
    nockUserInstallations([[{ id: 7, account: { id: 1, login: "someone-else" } }, { id: 51001 }]]);
    const access = await userAuth.checkInstallationAccess("code-1", 51001);
    expect(access.visible).toBe(true);
    expect(access.installation).toMatchObject({
      installationId: 51001,
      accountId: ACME.id,
      accountLogin: "acme-corp",
      accountType: "Organization",
    });
    expect(access.apiCalls).toBe(2);
  });

  test("every page of the user's installations is read (Link rel=next)", async () => {
    nockOAuthToken({ code: "code-2" });
    nockUserInstallations([[{ id: 1 }], [{ id: 2 }], [{ id: 51001 }]]);
    const access = await userAuth.checkInstallationAccess("code-2", 51001);
    expect(access).toMatchObject({ visible: true, apiCalls: 4 });
  });

  test("an installation the user cannot see is reported as not visible, after all pages", async () => {
    nockOAuthToken({ code: "code-3" });
    nockUserInstallations([[{ id: 1 }], [{ id: 2 }]]);
    await expect(userAuth.checkInstallationAccess("code-3", 999)).resolves.toEqual({
      visible: false,
      installation: null,
      apiCalls: 3,
    });
  });

  test("GitHub's 200 with bad_verification_code is a bad code, not a token", async () => {
    nockOAuthToken({ code: "stale", result: "bad_verification_code" });
    await expect(userAuth.checkInstallationAccess("stale", 51001)).rejects.toBeInstanceOf(BadVerificationCodeError);
  });

  test("the token is never part of what is returned or thrown", async () => {
    nockOAuthToken({ code: "code-4" });
    nockUserInstallations([[{ id: 51001 }]]);
    const access = await userAuth.checkInstallationAccess("code-4", 51001);
    expect(JSON.stringify(access)).not.toContain(USER_TOKEN);
    expect(USER_TOKEN.length).toBeGreaterThan(40);
  });

  test("a next-page link to another host is not followed with the token", async () => {
    nockOAuthToken({ code: "code-5" });
    const { default: nock } = await import("nock");
    nock("https://api.github.com")
      .get("/user/installations")
      .query(true)
      .reply(200, documentedBody("GET /user/installations", 200, { total_count: 2, installations: [] }), {
        link: '<https://evil.example/steal?page=2>; rel="next"',
      });
    await expect(userAuth.checkInstallationAccess("code-5", 51001)).rejects.toBeInstanceOf(GitHubUnavailableError);
  });

  test("a 502 from GitHub on the user's installations is retried (plugin-retry), not shown as a failure", async () => {
    nockOAuthToken({ code: "code-7" });
    const { default: nock } = await import("nock");
    nock("https://api.github.com")
      .get("/user/installations")
      .query({ per_page: "100" })
      .reply(502, { message: "Server Error" });
    nockUserInstallations([[{ id: 51001 }]]);
    await expect(userAuth.checkInstallationAccess("code-7", 51001)).resolves.toMatchObject({ visible: true });
  });

  test("GET /user names who asked an owner to approve", async () => {
    nockOAuthToken({ code: "code-6" });
    nockGitHubUser({ id: 80001, login: "mona-admin" });
    await expect(userAuth.identifyUser("code-6")).resolves.toEqual({ id: 80001, login: "mona-admin" });
  });
});

describe("replaying a recording of GitHub (nock.back, NOCK_BACK_MODE=lockdown by default)", () => {
  test("the recorded OAuth exchange and user installations show installation 51001 to the user", async () => {
    const recorded = createGitHubUserAuth({
      github: config.github,
      redirectUri: `${RECORDING_STAND_INS.baseUrl}/github/callback`,
    });
    const access = await withNockBack("oauth-user-installations", () =>
      recorded.checkInstallationAccess(RECORDING_STAND_INS.code, 51001),
    );
    expect(access.visible).toBe(true);
    expect(access.installation).toMatchObject({
      accountId: 90001,
      accountLogin: "acme-corp",
      accountName: null,
      accountType: "Organization",
    });
  });
});
