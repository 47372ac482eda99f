import nock from "nock";
import { describe, expect, test } from "vitest";
import { describeGitHubFailure, gitHubFailure } from "../../../src/github/request-failure.js";
import { GitHubUnavailableError } from "../../../src/connect/connect-errors.js";
import { GITHUB_API } from "../../helpers/github/rest.js";
import { TestOctokit } from "../../helpers/test-server.js";

/** The error a real Octokit throws when GitHub answers `status` (or, with no status, when nothing answers). */
async function failedCall(status?: number, headers: Record<string, string> = {}): Promise<unknown> {
  const baseUrl = status === undefined ? "http://127.0.0.1:1" : GITHUB_API;
  if (status !== undefined)
    nock(GITHUB_API).get("/app/installations/7").query(true).reply(status, { message: "no" }, headers);
  const octokit = new TestOctokit({ baseUrl, auth: "ghs_secret-installation-token" });
  return octokit.request("GET /app/installations/{id}", { id: 7, secret_param: "in-the-query" }).then(
    () => expect.fail("the call should fail"),
    (error: unknown) => error,
  );
}

describe("a failed GitHub call, in one line", () => {
  test.each([
    [401, {}, "check that APP_ID and PRIVATE_KEY belong to the same App"],
    [403, { "x-ratelimit-remaining": "0" }, "the rate limit is spent"],
    [403, {}, "the App lacks a permission"],
    [404, {}, "GitHub does not know it, or the App cannot see it"],
    [502, {}, "GitHub is having trouble: try again in a minute"],
  ] as const)("GitHub answers %i: the status, the request and what to do", async (status, headers, hint) => {
    const failure = gitHubFailure(await failedCall(status, headers));
    expect(failure).toMatchObject({ status, request: "GET /app/installations/7" });
    expect(describeGitHubFailure(failure!)).toMatch(
      new RegExp(`^GitHub answered ${status} to GET /app/installations/7; .*${hint}`),
    );
  });

  test("GitHub not reached: says to check the network", async () => {
    const failure = gitHubFailure(await failedCall());
    expect(failure).toMatchObject({ status: undefined, request: "GET /app/installations/7" });
    expect(describeGitHubFailure(failure!)).toMatch(
      /^GitHub did not answer GET \/app\/installations\/7; GitHub could not be reached: check this machine's network/,
    );
  });

  test("found through the domain error that wraps it; nothing of the token or the query in it", async () => {
    const wrapped = new GitHubUnavailableError("GET /app/installations/7 failed", { cause: await failedCall(502) });
    const failure = gitHubFailure(new AggregateError([wrapped]));
    expect(failure?.status).toBe(502);
    expect(JSON.stringify(failure)).not.toMatch(/ghs_|in-the-query/);
  });

  test("an error that is not a GitHub call is not one", () => {
    expect(gitHubFailure(new Error("boom"))).toBeNull();
    expect(gitHubFailure(Object.assign(new Error("not found"), { status: 404 }))).toBeNull();
  });
});
