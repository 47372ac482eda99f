import { describe, expect, test } from "vitest";
import { GitHubNotConnectedError, InstallationSuspendedError } from "../../src/credentials/credential-errors.js";
import { createProbotInstance } from "../../src/github/probot-factory.js";
import { InvalidTokenScopeError } from "../../src/credentials/token-scope.js";
import { INSTALLATION_TOKEN } from "../helpers/github/fixtures.js";
import { nockScopedInstallationToken } from "../helpers/github/installation-tokens.js";
import { nockInstallationRepositories } from "../helpers/github/installations.js";
import { nockGitHubUser } from "../helpers/github/users.js";
import { LEGACY_ORGANIZATION, LEGACY_TOKEN, storeInstallation, testCredentials } from "../helpers/internal-api.js";
import { testConfig } from "../helpers/test-config.js";
import { captureLogger } from "../helpers/test-logger.js";
import { TestOctokit } from "../helpers/test-server.js";
import { useTestModels } from "../helpers/use-test-server.js";

const config = testConfig();
const logs = captureLogger();
const probot = createProbotInstance({ github: config.github, secret: "x", log: logs.log, Octokit: TestOctokit });
const db = useTestModels();
const credentials = () => testCredentials(db.models, probot, logs.log);

describe("the credentials module, for services in this process", () => {
  test("octokit(): a connected organization's installation client, whose token comes from the cache issueToken filled", async () => {
    await storeInstallation(db.models, { installationId: 73001, organizationId: "org_a" });
    nockScopedInstallationToken(73001);
    const issued = await credentials().issueToken("org_a");
    expect(issued.token).toBe(INSTALLATION_TOKEN);

    // No second mint: probot.auth(installationId), as webhooks use it, reads the same auth-app cache.
    nockInstallationRepositories([[{ id: 70001, name: "web" }]]);
    const octokit = await credentials().octokit("org_a");
    const { data } = await octokit.request("GET /installation/repositories", { per_page: 100 });
    expect(data.repositories.map((r) => r.id)).toEqual([70001]);
  });

  test("octokit(): a listed legacy organization gets a client with the personal token", async () => {
    nockGitHubUser({ id: 80001, login: "acme-bot" }, { token: LEGACY_TOKEN });
    const octokit = await credentials().octokit(LEGACY_ORGANIZATION);
    expect((await octokit.request("GET /user")).data.login).toBe("acme-bot");
  });

  test("the same refusals as the internal API, as typed errors", async () => {
    await storeInstallation(db.models, { installationId: 73002, organizationId: "org_s", suspendedAt: new Date() });
    await expect(credentials().octokit("org_unlisted")).rejects.toBeInstanceOf(GitHubNotConnectedError);
    await expect(credentials().issueToken("org_s")).rejects.toBeInstanceOf(InstallationSuspendedError);
    await expect(credentials().issueToken("org_a", { repositoryIds: [0] })).rejects.toBeInstanceOf(
      InvalidTokenScopeError,
    );
  });

  test("no token is written to the log", () => {
    expect(logs.text()).not.toContain(INSTALLATION_TOKEN);
    expect(logs.text()).not.toContain(LEGACY_TOKEN);
  });
});
