import { beforeEach, describe, expect, test } from "vitest";
import { createGitHubAppClient } from "../../../src/github/app-client.js";
import { createProbotInstance } from "../../../src/github/probot-factory.js";
import { refreshRepoAccess } from "../../../src/repos/repo-access.js";
import { useTestModels } from "../../helpers/use-test-server.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import {
  nockDeleteInstallation,
  nockGetInstallation,
  nockInstallationRepositories,
} from "../../helpers/github/installations.js";
import { nockRepositoryById } from "../../helpers/github/repos.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { TestOctokit } from "../../helpers/test-server.js";

const config = testConfig();
const logs = captureLogger();
// A new Probot per file: it caches installation tokens, so each test uses its own installation id.
const probot = createProbotInstance({ github: config.github, secret: "x", log: logs.log, Octokit: TestOctokit });
const appClient = createGitHubAppClient({ probot });

const db = useTestModels();
beforeEach(async () => {
  await db.models.Repo.deleteMany({});
  await db.models.Event.deleteMany({});
});

async function seedRepos(
  organizationId: string,
  repos: Array<{ slug: string; githubRepoId: number | null; accessible: boolean }>,
) {
  await db.models.Repo.insertMany(
    repos.map((r) => ({ organizationId, name: r.slug, fullName: r.githubRepoId ? `acme-corp/${r.slug}` : null, ...r })),
  );
}

describe("refreshRepoAccess (rule 5)", () => {
  test("lists the installation's repositories once, over every page, and marks stored repos with two writes at most", async () => {
    await seedRepos("org_a", [
      { slug: "web", githubRepoId: 70001, accessible: false },
      { slug: "api", githubRepoId: 70002, accessible: false },
      { slug: "docs", githubRepoId: 70003, accessible: true },
      { slug: "draft", githubRepoId: null, accessible: true },
    ]);
    await seedRepos("org_other", [{ slug: "web", githubRepoId: 70001, accessible: false }]);
    nockInstallationToken(61001);
    nockInstallationRepositories([
      [
        { id: 70001, name: "web" },
        { id: 99, name: "unrelated" },
      ],
      [{ id: 70002, name: "api" }],
    ]);

    const result = await refreshRepoAccess(
      { models: db.models, listInstallationRepositoryIds: appClient.listInstallationRepositoryIds, log: logs.log },
      "org_a",
      61001,
    );

    expect(result.reachable.map((r) => r.slug).sort()).toEqual(["api", "web"]);
    expect(result.unreachable.map((r) => r.slug).sort()).toEqual(["docs", "draft"]);
    expect(result.apiCalls).toBe(2);
    expect(result.writes).toBe(2);
    const stored = Object.fromEntries(
      (await db.models.Repo.find({ organizationId: "org_a" }).lean()).map((r) => [r.slug, r.accessible]),
    );
    expect(stored).toEqual({ web: true, api: true, docs: false, draft: false });
    // One event per repo whose reachability changed, with its status now.
    const events = await db.models.Event.find({}, { _id: 0, type: 1, organizationId: 1, data: 1 })
      .sort({ _id: 1 })
      .lean();
    expect(
      events.map((e) => [
        e.type,
        e.organizationId,
        (e.data as { slug: string; status: string }).slug,
        (e.data as { status: string }).status,
      ]),
    ).toEqual([
      ["repo.reachable", "org_a", "api", "reachable"],
      ["repo.reachable", "org_a", "web", "reachable"],
      ["repo.unreachable", "org_a", "docs", "not_selected"],
      ["repo.unreachable", "org_a", "draft", "not_created"],
    ]);
    // Another organization's repo with the same GitHub id is not touched, and no repo id is forgotten.
    expect((await db.models.Repo.findOne({ organizationId: "org_other" }).lean())?.accessible).toBe(false);
    expect((await db.models.Repo.find({ organizationId: "org_a" }).lean()).map((r) => r.githubRepoId).sort()).toEqual([
      70001,
      70002,
      70003,
      null,
    ]);
  });

  test("nothing to change: no write at all", async () => {
    await seedRepos("org_a", [{ slug: "web", githubRepoId: 70001, accessible: true }]);
    const result = await refreshRepoAccess(
      { models: db.models, listInstallationRepositoryIds: async () => ({ ids: [70001], apiCalls: 1 }), log: logs.log },
      "org_a",
      1,
    );
    expect(result).toMatchObject({ apiCalls: 1, writes: 0 });
  });
});

describe("the App's own GitHub calls", () => {
  test("uninstall sends DELETE /app/installations/{id} with the App JWT; a 404 means already gone", async () => {
    nockDeleteInstallation(61002);
    await expect(appClient.uninstall(61002)).resolves.toBe("uninstalled");
    nockDeleteInstallation(61003, 404);
    await expect(appClient.uninstall(61003)).resolves.toBe("already-gone");
    nockDeleteInstallation(61004, 500);
    await expect(appClient.uninstall(61004)).rejects.toMatchObject({ status: 500 });
  });

  test("GET /app/installations/{id}", async () => {
    nockGetInstallation({ id: 61005 });
    await expect(appClient.getInstallation(61005)).resolves.toMatchObject({
      id: 61005,
      account: { login: "acme-corp" },
    });
  });

  test("the listing keeps each repository's name, full name and archived state, and the selection", async () => {
    nockInstallationToken(61006);
    nockInstallationRepositories(
      [[{ id: 70001, name: "web", archived: true, updatedAt: "2026-11-23T09:00:00Z" }], [{ id: 70002, name: "api" }]],
      { repositorySelection: "all" },
    );
    const listing = await appClient.listInstallationRepositoryIds(61006);
    expect(listing.repositorySelection).toBe("all");
    expect(listing.repos).toEqual([
      {
        id: 70001,
        name: "web",
        fullName: "acme-corp/web",
        archived: true,
        updatedAt: new Date("2026-11-23T09:00:00Z"),
      },
      {
        id: 70002,
        name: "api",
        fullName: "acme-corp/api",
        archived: false,
        updatedAt: new Date("2011-01-26T19:14:43Z"),
      },
    ]);
  });

  test("GET /repositories/{id} with the installation token: where the repository is now, or null on 404", async () => {
    nockInstallationToken(61007);
    nockRepositoryById(70003, { id: 70003, name: "docs", owner: { id: 90009, login: "mona", type: "User" } });
    nockRepositoryById(70004, null);
    await expect(appClient.findRepositoryById(61007, 70003)).resolves.toMatchObject({
      id: 70003,
      name: "docs",
      fullName: "mona/docs",
      ownerId: 90009,
      ownerLogin: "mona",
    });
    await expect(appClient.findRepositoryById(61007, 70004)).resolves.toBeNull();
  });

  test("no token is written to the log", () => {
    expect(logs.text()).not.toMatch(/ghs_|ghu_/);
  });
});
