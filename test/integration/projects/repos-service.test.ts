import { beforeEach, describe, expect, test } from "vitest";
import { GitHubNotConnectedError, InstallationSuspendedError } from "../../../src/credentials/credential-errors.js";
import { createEntitlements, type RepoEntitlements } from "../../../src/marketplace/entitlements.js";
import { createProbotInstance } from "../../../src/github/probot-factory.js";
import { RepoGitHubError, RepoNotAllowedError } from "../../../src/repos/repo-errors.js";
import { createRepos } from "../../../src/repos/repos.js";
import { ACME } from "../../helpers/github/fixtures.js";
import { nockInstallationToken, nockInstallationTokenRefused } from "../../helpers/github/installation-tokens.js";
import { nockCreateOrgRepo } from "../../helpers/github/repos.js";
import { domainSnapshot, expectNothingChanged } from "../../helpers/github-connect.js";
import { LEGACY_ORGANIZATION, storeInstallation, testCredentials } from "../../helpers/internal-api.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { TestOctokit } from "../../helpers/test-server.js";
import { useTestModels } from "../../helpers/use-test-server.js";

const config = testConfig();
const logs = captureLogger();
const probot = createProbotInstance({ github: config.github, secret: "x", log: logs.log, Octokit: TestOctokit });
const db = useTestModels();
const NOW = new Date("2026-11-24T12:00:00Z");

beforeEach(async () => {
  await Promise.all([
    db.models.Repo.deleteMany({}),
    db.models.GitHubInstallation.deleteMany({}),
    db.models.AuditEvent.deleteMany({}),
  ]);
});

/** The real repos service on the real credentials module, with the entitlements a test chooses. */
function reposWith(entitlements: RepoEntitlements) {
  const credentials = testCredentials(db.models, probot, logs.log);
  return createRepos({
    models: db.models,
    credentials,
    entitlements,
    defaultNames: ["developer-guide"],
    now: () => NOW,
    log: logs.log,
  });
}

function refusing(): RepoEntitlements & { asked: Array<[string, Date]> } {
  const asked: Array<[string, Date]> = [];
  return {
    asked,
    async mayCreateRepo(organizationId, at) {
      asked.push([organizationId, at]);
      return {
        allowed: false,
        reason: "Your plan includes 3 repositories, and your organization has 3.",
        upgradeUrl: null,
      };
    },
  };
}

const context = { actor: "user:test" };

describe("the repos service asks the entitlements before creating", () => {
  test("refused: RepoNotAllowedError with the reason, asked for this organization at the clock's time; no GitHub call, nothing written", async () => {
    await storeInstallation(db.models, { installationId: 78001, organizationId: "org_a" });
    const entitlements = refusing();
    const before = await domainSnapshot(db.models);
    const refusal = reposWith(entitlements).create("org_a", "developer-guide", context);
    await expect(refusal).rejects.toBeInstanceOf(RepoNotAllowedError);
    await expect(refusal).rejects.toMatchObject({
      reason: "Your plan includes 3 repositories, and your organization has 3.",
      upgradeUrl: null,
      repoName: "developer-guide",
    });
    expect(entitlements.asked).toEqual([["org_a", NOW]]);
    await expectNothingChanged(db.models, before);
  });

  test("the defaults stop at the refusal", async () => {
    await storeInstallation(db.models, { installationId: 78002, organizationId: "org_a" });
    const result = await reposWith(refusing()).provisionDefaults("org_a", context);
    expect(result).toMatchObject({ outcomes: [], refused: [], notAttempted: [] });
    expect(result.stoppedBy).toBeInstanceOf(RepoNotAllowedError);
  });

  test("a project already stored is not one more: the entitlements are not asked", async () => {
    await storeInstallation(db.models, { installationId: 78003, organizationId: "org_a" });
    await db.models.Repo.create({
      organizationId: "org_a",
      slug: "developer-guide",
      name: "developer-guide",
      githubRepoId: 75201,
      fullName: "acme-corp/developer-guide",
      accessible: true,
    });
    const entitlements = refusing();
    await expect(reposWith(entitlements).create("org_a", "Developer-Guide", context)).resolves.toMatchObject({
      kind: "existing",
      repo: { githubRepoId: 75201 },
    });
    expect(entitlements.asked).toEqual([]);
  });

  test("an organization with no purchase and no repositories may create one (the free plan)", async () => {
    await expect(createEntitlements({ models: db.models, config }).mayCreateRepo("org_a", NOW)).resolves.toEqual({
      allowed: true,
    });
  });
});

describe("the installation, and nothing else, creates", () => {
  const allowing: RepoEntitlements = { mayCreateRepo: async () => ({ allowed: true }) };

  test("a legacy-token organization is not connected: the personal token creates no repository", async () => {
    await expect(reposWith(allowing).create(LEGACY_ORGANIZATION, "developer-guide", context)).rejects.toBeInstanceOf(
      GitHubNotConnectedError,
    );
  });

  test("GitHub refuses the token (suspended there, before our webhook arrived): the typed error, nothing written", async () => {
    await storeInstallation(db.models, { installationId: 78004, organizationId: "org_a" });
    nockInstallationTokenRefused(78004, "suspended");
    const before = await domainSnapshot(db.models);
    await expect(reposWith(allowing).create("org_a", "developer-guide", context)).rejects.toBeInstanceOf(
      InstallationSuspendedError,
    );
    await expectNothingChanged(db.models, before);
  });

  test("an answer naming another repository than the one asked for is not stored (rule 9)", async () => {
    await storeInstallation(db.models, { installationId: 78005, organizationId: "org_a" });
    nockInstallationToken(78005);
    nockCreateOrgRepo(ACME, "developer-guide", { id: 75202, fullName: "someone-else/developer-guide" });
    const before = await domainSnapshot(db.models);
    await expect(reposWith(allowing).create("org_a", "developer-guide", context)).rejects.toBeInstanceOf(
      RepoGitHubError,
    );
    await expectNothingChanged(db.models, before);
  });

  test("no token is written to the log", () => {
    expect(logs.text()).not.toMatch(/ghs_|ghp_/);
  });
});
