import nock from "nock";
import { expect, test } from "vitest";
import { createGitHubAppClient } from "../../../src/github/app-client.js";
import { createProbotInstance } from "../../../src/github/probot-factory.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { testConfig } from "../../helpers/test-config.js";
import { INSTALLATION_TOKEN } from "../../helpers/github/fixtures.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import { repositoryJson } from "../../helpers/github/repos.js";
import { documentedBody } from "../../helpers/contract/openapi-responses.js";
import { GITHUB_API } from "../../helpers/github/rest.js";

// GitHub answers bursts (a reconnect paging through many repos) with a secondary rate limit:
// 403 and retry-after. The App's own Octokit (no test overrides) waits and tries again.
test("a secondary rate limit on GET /installation/repositories is waited out and retried", async () => {
  const config = testConfig();
  const logs = captureLogger();
  const probot = createProbotInstance({ github: config.github, secret: config.github.webhookSecret, log: logs.log });
  nockInstallationToken(4242);
  const limited = nock(GITHUB_API)
    .get("/installation/repositories")
    .query({ per_page: "100" })
    .reply(
      403,
      {
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        documentation_url:
          "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        status: "403",
      },
      { "retry-after": "1", "x-ratelimit-remaining": "4990" },
    )
    .get("/installation/repositories")
    .query({ per_page: "100" })
    .matchHeader("authorization", `token ${INSTALLATION_TOKEN}`)
    .reply(
      200,
      documentedBody("GET /installation/repositories", 200, {
        total_count: 1,
        repository_selection: "selected",
        repositories: [repositoryJson({ id: 700000001, name: "handbook" })],
      }),
    );

  const result = await createGitHubAppClient({ probot }).listInstallationRepositoryIds(4242);

  expect(result.ids).toEqual([700000001]);
  limited.done();
  expect(logs.text()).toContain(
    "Secondary rate limit on GET https://api.github.com/installation/repositories?per_page=100; retry 1 after 1 s",
  );
  expect(logs.text()).not.toContain(INSTALLATION_TOKEN);
}, 15_000);

// A GitHub (or a stand-in) asking for a wait no request can afford is not waited for: the call fails at once.
test("a secondary rate limit asking to wait longer than a minute is not waited out", async () => {
  const config = testConfig();
  const logs = captureLogger();
  const probot = createProbotInstance({ github: config.github, secret: config.github.webhookSecret, log: logs.log });
  nockInstallationToken(4243);
  nock(GITHUB_API).get("/installation/repositories").query({ per_page: "100" }).reply(
    403,
    {
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      documentation_url:
        "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      status: "403",
    },
    { "retry-after": "86400", "x-ratelimit-remaining": "4990" },
  );

  await expect(createGitHubAppClient({ probot }).listInstallationRepositoryIds(4243)).rejects.toMatchObject({
    status: 403,
  });
  expect(logs.text()).toContain("asks to wait 86400 s; not retried");
});
