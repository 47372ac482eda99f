import type { Connection } from "mongoose";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { main } from "../../../scripts/migrate-legacy.js";
import { createIndexes, createModels, type Models } from "../../../src/models/index.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { ACME } from "../../helpers/github/fixtures.js";
import { nockOrgRepos, nockOwnRepos, nockRepo, nockUserRepos, type RepoSpec } from "../../helpers/github/repos.js";
import { nockAccount, nockGitHubUser } from "../../helpers/github/users.js";
import { LEGACY_ORGANIZATION, LEGACY_TOKEN, internalApiEnv } from "../../helpers/internal-api.js";
import { testEnv } from "../../helpers/test-config.js";
import { TestOctokit } from "../../helpers/test-server.js";

let connection: Connection;
let models: Models;
beforeAll(async () => {
  connection = await connectTestDatabase();
  models = createModels(connection);
  await createIndexes(models);
});
afterAll(() => dropAndClose(connection));
beforeEach(async () => {
  await models.Repo.deleteMany({});
});

const auth = { token: LEGACY_TOKEN };

async function migrate(...argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await main(argv, {
    env: testEnv(internalApiEnv()),
    connection,
    Octokit: TestOctokit,
    out: (line) => lines.push(line),
  });
  return { code, lines };
}

async function storedRepos(organizationId = LEGACY_ORGANIZATION) {
  const repos = await models.Repo.find({ organizationId }).sort({ slug: 1 }).lean();
  return repos.map(({ slug, name, githubRepoId, fullName, accessible }) => ({
    slug,
    name,
    githubRepoId,
    fullName,
    accessible,
  }));
}

// Two pages, as GitHub splits 100 a page (a short first page keeps the fixture small; the Link header is what paginate follows).
const ORG_PAGES: RepoSpec[][] = [
  [
    { id: 70001, name: "Web" },
    { id: 70002, name: "api" },
  ],
  [{ id: 70003, name: "docs" }],
];

describe("npm run migrate:legacy", () => {
  test("--dry-run lists every repository the token sees in the organization, prints what it would write, and writes nothing", async () => {
    await models.Repo.create({
      organizationId: LEGACY_ORGANIZATION,
      slug: "web",
      name: "Web",
      githubRepoId: null,
      fullName: null,
    });
    nockAccount(ACME, auth);
    nockOrgRepos("acme-corp", ORG_PAGES, auth);

    const { code, lines } = await migrate("--organization", LEGACY_ORGANIZATION, "--owner", "acme-corp", "--dry-run");

    expect(code).toBe(0);
    expect(lines).toEqual([
      "dry run: nothing is written",
      'would update acme-corp/Web (id 70001) as "web"',
      'would create acme-corp/api (id 70002) as "api"',
      'would create acme-corp/docs (id 70003) as "docs"',
      `would record 3 repositories of acme-corp for ${LEGACY_ORGANIZATION}: 2 new, 1 updated, 0 unchanged, 0 skipped`,
    ]);
    expect(await storedRepos()).toEqual([
      { slug: "web", name: "Web", githubRepoId: null, fullName: null, accessible: false },
    ]);
  });

  test("without --dry-run it records each id, upserting on (organizationId, slug); a second run changes nothing", async () => {
    await models.Repo.create({
      organizationId: LEGACY_ORGANIZATION,
      slug: "web",
      name: "Web",
      githubRepoId: null,
      fullName: null,
      accessible: false,
    });
    await models.Repo.create({
      organizationId: "org_someone_else",
      slug: "api",
      name: "api",
      githubRepoId: 1,
      fullName: "other/api",
    });
    nockAccount(ACME, auth);
    nockOrgRepos("acme-corp", ORG_PAGES, auth);

    const first = await migrate("--organization", LEGACY_ORGANIZATION, "--owner", "acme-corp");

    expect(first.code).toBe(0);
    expect(first.lines.at(-1)).toBe(
      `recorded 3 repositories of acme-corp for ${LEGACY_ORGANIZATION}: 2 new, 1 updated, 0 unchanged, 0 skipped`,
    );
    expect(await storedRepos()).toEqual([
      { slug: "api", name: "api", githubRepoId: 70002, fullName: "acme-corp/api", accessible: false },
      { slug: "docs", name: "docs", githubRepoId: 70003, fullName: "acme-corp/docs", accessible: false },
      { slug: "web", name: "Web", githubRepoId: 70001, fullName: "acme-corp/Web", accessible: false },
    ]);
    expect(await storedRepos("org_someone_else")).toEqual([
      { slug: "api", name: "api", githubRepoId: 1, fullName: "other/api", accessible: false },
    ]);
    // Through the repos domain's writer: each recorded repo is in the organization's activity.
    const imported = await models.AuditEvent.find({ organizationId: LEGACY_ORGANIZATION })
      .sort({ "details.slug": 1 })
      .lean();
    expect(imported.map((event) => [event.action, event.actor, event.details])).toEqual([
      ["repo.imported", "script:migrate-legacy", { slug: "api", githubRepoId: 70002, fullName: "acme-corp/api" }],
      ["repo.imported", "script:migrate-legacy", { slug: "docs", githubRepoId: 70003, fullName: "acme-corp/docs" }],
      ["repo.imported", "script:migrate-legacy", { slug: "web", githubRepoId: 70001, fullName: "acme-corp/Web" }],
    ]);

    nockAccount(ACME, auth);
    nockOrgRepos("acme-corp", ORG_PAGES, auth);
    const second = await migrate("--organization", LEGACY_ORGANIZATION, "--owner", "acme-corp");
    expect(second.lines.at(-1)).toBe(
      `recorded 3 repositories of acme-corp for ${LEGACY_ORGANIZATION}: 0 new, 0 updated, 3 unchanged, 0 skipped`,
    );
    expect(await models.AuditEvent.countDocuments({ organizationId: LEGACY_ORGANIZATION })).toBe(3);
  });

  test("--repos records only the named ones; one the token cannot see stops the run before anything is written", async () => {
    nockRepo(ACME, "web", 70001, auth);
    nockRepo(ACME, "ghost", null, auth);
    const refused = await migrate(
      "--organization",
      LEGACY_ORGANIZATION,
      "--owner",
      "acme-corp",
      "--repos",
      "web,ghost",
    );
    expect(refused).toEqual({
      code: 1,
      lines: [
        "the legacy token cannot see acme-corp/ghost (missing, renamed away, or not shared with it); nothing was written",
      ],
    });
    expect(await storedRepos()).toEqual([]);

    nockRepo(ACME, "web", 70001, auth);
    const named = await migrate("--organization", LEGACY_ORGANIZATION, "--owner", "acme-corp", "--repos", "web");
    expect(named.code).toBe(0);
    expect(await storedRepos()).toEqual([
      { slug: "web", name: "web", githubRepoId: 70001, fullName: "acme-corp/web", accessible: false },
    ]);
  });

  test("a repository already recorded under another slug is skipped, not recorded twice", async () => {
    await models.Repo.create({
      organizationId: LEGACY_ORGANIZATION,
      slug: "website",
      name: "website",
      githubRepoId: 70001,
      fullName: "acme-corp/website",
    });
    nockRepo(ACME, "web", 70001, auth);
    const { lines } = await migrate("--organization", LEGACY_ORGANIZATION, "--owner", "acme-corp", "--repos", "web");
    expect(lines[0]).toBe('skip       acme-corp/web (id 70001) as "web": already recorded as "website"');
    expect((await storedRepos()).map((r) => r.slug)).toEqual(["website"]);
  });

  test("a user owner: the token's own user's repositories come from /user/repos (private ones too); another user's are public only, and it says so", async () => {
    const mona = { id: 80001, login: "mona-admin", type: "User" as const };
    nockAccount(mona, auth);
    nockGitHubUser(mona, auth);
    nockOwnRepos([[{ id: 75001, name: "private-app", owner: mona }]], auth);
    const own = await migrate("--organization", LEGACY_ORGANIZATION, "--owner", "mona-admin");
    expect(own.lines).toContain('create     mona-admin/private-app (id 75001) as "private-app"');

    const octo = { id: 80002, login: "octo-user", type: "User" as const };
    nockAccount(octo, auth);
    nockGitHubUser(mona, auth);
    nockUserRepos("octo-user", [[{ id: 76001, name: "public-lib", owner: octo }]], auth);
    const other = await migrate("--organization", LEGACY_ORGANIZATION, "--owner", "octo-user", "--dry-run");
    expect(other.lines[0]).toBe(
      "warning: octo-user is a user other than the token's own (mona-admin): GitHub lists only their public repositories; name private ones with --repos",
    );
  });

  test("only an organization listed in LEGACY_GITHUB_ORGANIZATIONS, and a readable command line; GitHub is not asked otherwise", async () => {
    expect(await migrate("--organization", "org_not_listed", "--owner", "acme-corp")).toEqual({
      code: 2,
      lines: [
        "org_not_listed is not in LEGACY_GITHUB_ORGANIZATIONS: only a listed organization's repositories are recorded with the legacy token",
      ],
    });
    const usage = await migrate("--owner", "acme-corp");
    expect(usage.code).toBe(2);
    expect(usage.lines[0]).toMatch(
      /^--organization must be a WorkOS organization id\nusage: npm run migrate:legacy -- --organization/,
    );
    expect(
      (await migrate("--organization", LEGACY_ORGANIZATION, "--owner", "acme-corp", "--repos", "acme-corp/web"))
        .lines[0],
    ).toMatch(/^--repos must be comma-separated repository names/);
  });
});
