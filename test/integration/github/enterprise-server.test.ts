import nock from "nock";
import { expect, test } from "vitest";
import { createGitHubAppClient } from "../../../src/github/app-client.js";
import { createInstallationTokenMinter } from "../../../src/credentials/installation-tokens.js";
import { AppOctokit, createProbotInstance } from "../../../src/github/probot-factory.js";
import { descriptionFor, documentedBody } from "../../helpers/contract/openapi-responses.js";
import { githubFixture, INSTALLATION_TOKEN } from "../../helpers/github/fixtures.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { testConfig } from "../../helpers/test-config.js";
import { TestOctokit } from "../../helpers/test-server.js";

// With GHE_HOST every call goes to the Enterprise Server, installation token mints included
// (Probot 13 hands @octokit/auth-app a request without a baseUrl; the mint must not fall back to api.github.com).
const GHES_API = "https://ghes.example.com/api/v3";

test("on GitHub Enterprise Server the installation token is minted there, and used there", async () => {
  const config = testConfig({ GHE_HOST: "ghes.example.com" });
  const probot = createProbotInstance({
    github: config.github,
    secret: config.github.webhookSecret,
    log: captureLogger("silent").log,
    Octokit: TestOctokit,
  });
  const minted = nock(GHES_API)
    .post("/app/installations/4242/access_tokens")
    .matchHeader("authorization", /^bearer eyJ/i)
    .reply(
      201,
      documentedBody(
        "POST /app/installations/{installation_id}/access_tokens",
        201,
        githubFixture("installation-access-token"),
        descriptionFor(GHES_API),
      ),
    );
  const listed = nock(GHES_API)
    .get("/installation/repositories")
    .query({ per_page: "100" })
    .matchHeader("authorization", `token ${INSTALLATION_TOKEN}`)
    .reply(
      200,
      documentedBody(
        "GET /installation/repositories",
        200,
        { total_count: 0, repositories: [] },
        descriptionFor(GHES_API),
      ),
    );

  const result = await createGitHubAppClient({ probot }).listInstallationRepositoryIds(4242);

  expect(result.ids).toEqual([]);
  expect(minted.isDone() && listed.isDone()).toBe(true);
});

function ghesProbot(Octokit: typeof TestOctokit = TestOctokit) {
  const config = testConfig({ GHE_HOST: "ghes.example.com" });
  return createProbotInstance({
    github: config.github,
    secret: config.github.webhookSecret,
    log: captureLogger("silent").log,
    Octokit,
  });
}

const ACME_INSTALLATION = { organizationId: "org_acme", installationId: 4242, accountLogin: "acme-corp" };
const mintAnswer = () =>
  documentedBody(
    "POST /app/installations/{installation_id}/access_tokens",
    201,
    githubFixture("installation-access-token"),
    descriptionFor(GHES_API),
  );

test("on GitHub Enterprise Server a token scoped to repositories is minted there, with the App's JWT, from a cold cache", async () => {
  // nock answers only the GHES host: a mint sent to api.github.com would fail on disableNetConnect.
  const minted = nock(GHES_API)
    .post("/app/installations/4242/access_tokens", { repository_ids: [700000001] })
    .matchHeader("authorization", /^bearer eyJ/i)
    .reply(201, mintAnswer());

  const token = await createInstallationTokenMinter(ghesProbot())(ACME_INSTALLATION, { repositoryIds: [700000001] });

  expect(token.token).toBe(INSTALLATION_TOKEN);
  expect(minted.isDone()).toBe(true);
});

test("a token mint GitHub answers with a 502 is tried again, as every other App call is", async () => {
  const mints = nock(GHES_API)
    .post("/app/installations/4242/access_tokens")
    .reply(502, "Bad Gateway")
    .post("/app/installations/4242/access_tokens")
    .reply(201, mintAnswer());

  // The App's own Octokit (retries on), not the tests' one.
  const token = await createInstallationTokenMinter(ghesProbot(AppOctokit))(ACME_INSTALLATION, {});

  expect(token.token).toBe(INSTALLATION_TOKEN);
  expect(mints.isDone()).toBe(true);
}, 15_000);
