import type { Connection } from "mongoose";
import { describe, expect, test } from "vitest";
import { callInternalApi, internalApiEnv, LEGACY_ORGANIZATION, storeInstallation } from "../../helpers/internal-api.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer } from "../../helpers/test-server.js";
import { useTestServer } from "../../helpers/use-test-server.js";

let connection: Connection;
const holder = useTestServer(
  (opened) => {
    connection = opened;
    return startTestServer({ connection, config: testConfig(internalApiEnv()) });
  },
  { emptyBetweenTests: true },
);
const models = () => holder.server.models;
const getState = (organizationId: string, token?: string | null) =>
  callInternalApi(holder.server.url, "GET", `/api/internal/orgs/${organizationId}/github`, { token });

async function storeRepos(organizationId: string) {
  await models().Repo.insertMany([
    { organizationId, slug: "web", name: "web", githubRepoId: 70001, fullName: "acme-corp/web", accessible: true },
    { organizationId, slug: "api", name: "api", githubRepoId: 70002, fullName: "acme-corp/api", accessible: false },
    { organizationId, slug: "draft", name: "draft", githubRepoId: null, fullName: null, accessible: false },
  ]);
}

describe("GET /api/internal/orgs/:organizationId/github", () => {
  test("a connected organization: its installation, and each repo with its GitHub id and whether the installation reaches it", async () => {
    await storeInstallation(models(), {
      installationId: 72001,
      organizationId: "org_a",
      permissions: { contents: "write", metadata: "read" },
    });
    await storeRepos("org_a");
    await storeRepos("org_other");

    const answer = await getState("org_a");

    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.body).toEqual({
      organizationId: "org_a",
      state: "connected",
      credential: "installation",
      installation: {
        installationId: 72001,
        accountLogin: "acme-corp",
        accountType: "Organization",
        repositorySelection: "selected",
        permissions: { contents: "write", metadata: "read" },
        suspendedAt: null,
        deletedAt: null,
      },
      repos: [
        {
          slug: "api",
          name: "api",
          fullName: "acme-corp/api",
          githubRepoId: 70002,
          reachable: false,
          status: "not_selected",
        },
        { slug: "draft", name: "draft", fullName: null, githubRepoId: null, reachable: false, status: "not_created" },
        {
          slug: "web",
          name: "web",
          fullName: "acme-corp/web",
          githubRepoId: 70001,
          reachable: true,
          status: "reachable",
        },
      ],
    });
  });

  test("suspended and uninstalled: the installation says when, the repos keep their ids, none is reachable", async () => {
    await storeInstallation(models(), {
      installationId: 72002,
      organizationId: "org_s",
      suspendedAt: new Date("2026-11-20T08:00:00Z"),
    });
    await storeInstallation(models(), {
      installationId: 72003,
      organizationId: "org_d",
      deletedAt: new Date("2026-11-21T09:00:00Z"),
    });
    await storeRepos("org_s");
    await storeRepos("org_d");

    const suspended = await getState("org_s");
    expect(suspended.body).toMatchObject({
      state: "suspended",
      credential: "none",
      installation: { installationId: 72002, suspendedAt: "2026-11-20T08:00:00.000Z", deletedAt: null },
    });
    expect((suspended.body.repos as Array<{ reachable: boolean }>).map((r) => r.reachable)).toEqual([
      false,
      false,
      false,
    ]);
    expect((suspended.body.repos as Array<{ status: string }>).map((r) => r.status)).toEqual([
      "paused",
      "not_created",
      "paused",
    ]);

    const deleted = await getState("org_d");
    expect(deleted.body).toMatchObject({
      state: "deleted",
      credential: "none",
      installation: { installationId: 72003, deletedAt: "2026-11-21T09:00:00.000Z" },
    });
    expect((deleted.body.repos as Array<{ githubRepoId: number | null }>).map((r) => r.githubRepoId)).toEqual([
      70002,
      null,
      70001,
    ]);
    expect((deleted.body.repos as Array<{ status: string }>).map((r) => r.status)).toEqual([
      "paused",
      "not_created",
      "paused",
    ]);
  });

  test("what became of each repo on GitHub: deleted, transferred, archived, each with its own status", async () => {
    await storeInstallation(models(), { installationId: 72004, organizationId: "org_g" });
    const repo = (slug: string, githubRepoId: number, extra: Record<string, unknown>) => ({
      organizationId: "org_g",
      slug,
      name: slug,
      githubRepoId,
      fullName: `acme-corp/${slug}`,
      ...extra,
    });
    await models().Repo.insertMany([
      repo("archive", 70011, { accessible: true, archived: true }),
      repo("gone", 70012, { accessible: false, deletedOnGitHubAt: new Date("2026-11-22T10:00:00Z") }),
      repo("moved", 70013, { accessible: false, transferredTo: "mona/moved" }),
    ]);

    const repos = (await getState("org_g")).body.repos as Array<Record<string, unknown>>;
    expect(
      repos.map(({ slug, githubRepoId, reachable, status }) => ({ slug, githubRepoId, reachable, status })),
    ).toEqual([
      { slug: "archive", githubRepoId: 70011, reachable: true, status: "archived" },
      { slug: "gone", githubRepoId: 70012, reachable: false, status: "deleted" },
      { slug: "moved", githubRepoId: 70013, reachable: false, status: "transferred" },
    ]);
  });

  test("never connected: not_connected, with no installation; a legacy tenant's credential is the legacy token", async () => {
    expect((await getState("org_none")).body).toEqual({
      organizationId: "org_none",
      state: "not_connected",
      credential: "none",
      installation: null,
      repos: [],
    });
    expect((await getState(LEGACY_ORGANIZATION)).body).toMatchObject({
      state: "not_connected",
      credential: "legacy",
      installation: null,
    });
  });

  test("the same service token rule and organization id rule as the token endpoint", async () => {
    expect((await getState("org_a", null)).status).toBe(401);
    expect((await getState("org_a", "x".repeat(40))).status).toBe(401);
    expect((await getState("org%20a")).body.error).toBe("invalid_organization_id");
  });
});

describe("INTERNAL_API_TOKENS unset", () => {
  test("every internal call answers 503 saying what the operator must set; pages are unaffected", async () => {
    const server = await startTestServer({ connection, config: testConfig() });
    try {
      for (const answer of [
        await callInternalApi(server.url, "GET", "/api/internal/orgs/org_a/github"),
        await callInternalApi(server.url, "POST", "/api/internal/orgs/org_a/github-token", { token: null }),
      ]) {
        expect(answer.status).toBe(503);
        expect(answer.body).toEqual({
          error: "internal_api_disabled",
          message:
            "The internal API is off on this deployment: its operator must set INTERNAL_API_TOKENS (comma-separated tokens of 32 or more characters) and restart it.",
        });
      }
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
