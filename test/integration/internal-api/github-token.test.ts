import { GITHUB_API } from "../../helpers/github/rest.js";

/** The API's path on its host: "" on github.com, "/api/v3" on GitHub Enterprise Server. */
const API_PATH = new URL(GITHUB_API).pathname.replace(/\/$/, "");
import { describe, expect, test } from "vitest";
import { INSTALLATION_TOKEN } from "../../helpers/github/fixtures.js";
import {
  installationTokenNumber,
  nockInstallationTokenRefused,
  nockScopedInstallationToken,
} from "../../helpers/github/installation-tokens.js";
import {
  internalApiEnv,
  LEGACY_ORGANIZATION,
  LEGACY_TOKEN,
  requestToken,
  SERVICE_TOKEN_NEW,
  SERVICE_TOKEN_OLD,
  storeInstallation,
} from "../../helpers/internal-api.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer } from "../../helpers/test-server.js";
import { useTestServer } from "../../helpers/use-test-server.js";

// One server (one Probot, one auth-app token cache) for the file: each test uses installation ids of its own.
const holder = useTestServer((connection) => startTestServer({ connection, config: testConfig(internalApiEnv()) }), {
  emptyBetweenTests: true,
});
const server = () => holder.server;
const models = () => holder.server.models;

describe("POST /api/internal/orgs/:organizationId/github-token: the organization's installation", () => {
  test("a connected organization gets its installation's token, minted with the App's JWT, never cached by anyone between", async () => {
    await storeInstallation(models(), { installationId: 71001, organizationId: "org_a" });
    nockScopedInstallationToken(71001);

    const answer = await requestToken(server().url, "org_a");

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      token: INSTALLATION_TOKEN,
      expiresAt: "2026-11-24T13:00:00Z",
      installationId: 71001,
      accountLogin: "acme-corp",
      permissions: { administration: "write", contents: "write", members: "read", metadata: "read" },
      repositorySelection: "selected",
      source: "installation",
    });
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.headers.get("set-cookie")).toBeNull();
  });

  test("100 requests for one organization cost one mint; the same scope again reuses its token; another scope mints once more", async () => {
    await storeInstallation(models(), { installationId: 71002, organizationId: "org_burst" });
    nockScopedInstallationToken(71002, {}, { token: installationTokenNumber(1) });

    // All at once: the burst arrives before the first mint has returned.
    const burst = await Promise.all(Array.from({ length: 100 }, () => requestToken(server().url, "org_burst")));
    expect(burst.map((a) => a.status)).toEqual(Array(100).fill(200));
    expect(new Set(burst.map((a) => a.body.token))).toEqual(new Set([installationTokenNumber(1)]));

    const scope = { repositoryIds: [70002, 70001], permissions: { contents: "read" as const } };
    nockScopedInstallationToken(71002, scope, { token: installationTokenNumber(2) });
    const first = await requestToken(server().url, "org_burst", { json: scope });
    // The same scope, written differently (order, a repeated id): the same token from the cache.
    const again = await requestToken(server().url, "org_burst", {
      json: { permissions: { contents: "read" }, repositoryIds: [70001, 70002, 70001] },
    });
    expect(first.body).toMatchObject({
      token: installationTokenNumber(2),
      repositoryIds: [70001, 70002],
      permissions: { contents: "read" },
      repositorySelection: "selected",
    });
    expect(again.body.token).toBe(installationTokenNumber(2));

    nockScopedInstallationToken(71002, { repositoryIds: [70001] }, { token: installationTokenNumber(3) });
    const other = await requestToken(server().url, "org_burst", { json: { repositoryIds: [70001] } });
    expect(other.body).toMatchObject({ token: installationTokenNumber(3), repositoryIds: [70001] });
    // The unscoped token is still the first one.
    expect((await requestToken(server().url, "org_burst")).body.token).toBe(installationTokenNumber(1));
  });

  test("a permission the installation lacks, or a level above its own, is refused with the reason and GitHub is not asked", async () => {
    await storeInstallation(models(), {
      installationId: 71003,
      organizationId: "org_narrow",
      permissions: { contents: "read", metadata: "read" },
    });

    const higher = await requestToken(server().url, "org_narrow", { json: { permissions: { contents: "write" } } });
    expect(higher.status).toBe(422);
    expect(higher.body).toEqual({
      error: "permission_not_granted",
      message:
        "The installation on acme-corp (installation 71003) cannot grant contents: write (it has read). Ask for no more than it has, or have an owner of acme-corp accept the App's new permissions.",
    });
    const missing = await requestToken(server().url, "org_narrow", {
      json: { permissions: { issues: "read", contents: "read" } },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain("cannot grant issues: read (it does not have this permission)");
  });

  test("a repository a selected installation is known not to reach is refused by id, and GitHub is not asked", async () => {
    await storeInstallation(models(), { installationId: 71004, organizationId: "org_repos" });
    await models().Repo.insertMany([
      {
        organizationId: "org_repos",
        slug: "web",
        name: "web",
        githubRepoId: 70011,
        fullName: "acme-corp/web",
        accessible: true,
      },
      {
        organizationId: "org_repos",
        slug: "api",
        name: "api",
        githubRepoId: 70012,
        fullName: "acme-corp/api",
        accessible: false,
      },
    ]);

    const answer = await requestToken(server().url, "org_repos", { json: { repositoryIds: [70011, 70012] } });

    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      error: "repository_not_reachable",
      message:
        "The installation on acme-corp (installation 71004) cannot reach repositories 70012: an owner must grant it access on GitHub.",
    });
  });

  test("what only GitHub knows it refuses (422), and the refusal reaches the service as such, not as a wider token", async () => {
    await storeInstallation(models(), {
      installationId: 71005,
      organizationId: "org_github_says",
      repositorySelection: "all",
    });
    nockInstallationTokenRefused(71005, "repositories");
    const repos = await requestToken(server().url, "org_github_says", { json: { repositoryIds: [99999] } });
    expect(repos.status).toBe(422);
    expect(repos.body).toEqual({
      error: "repository_not_reachable",
      message:
        "GitHub refused: at least one of repositories 99999 does not exist or is not reachable by the installation on acme-corp (installation 71005).",
    });

    // Our copy of the permissions is behind GitHub's (a permission change not yet delivered).
    nockInstallationTokenRefused(71005, "permissions");
    const permissions = await requestToken(server().url, "org_github_says", {
      json: { permissions: { contents: "write" } },
    });
    expect(permissions.status).toBe(422);
    expect(permissions.body).toEqual({
      error: "permission_not_granted",
      message:
        "GitHub refused the permissions asked for: the installation on acme-corp (installation 71005) does not have them.",
    });
  });

  test("an admin level is minted outside auth-app's cache, whose key writes admin and write alike: write is never answered with the admin token", async () => {
    await storeInstallation(models(), {
      installationId: 71006,
      organizationId: "org_projects",
      permissions: { organization_projects: "admin", metadata: "read" },
    });
    nockScopedInstallationToken(
      71006,
      { permissions: { organization_projects: "admin" } },
      { token: installationTokenNumber(61) },
    );
    nockScopedInstallationToken(
      71006,
      { permissions: { organization_projects: "write" } },
      { token: installationTokenNumber(62) },
    );

    const admin = await requestToken(server().url, "org_projects", {
      json: { permissions: { organization_projects: "admin" } },
    });
    const write = await requestToken(server().url, "org_projects", {
      json: { permissions: { organization_projects: "write" } },
    });

    expect(admin.body).toMatchObject({
      token: installationTokenNumber(61),
      permissions: { organization_projects: "admin" },
    });
    expect(write.body).toMatchObject({
      token: installationTokenNumber(62),
      permissions: { organization_projects: "write" },
    });
  });
});

describe("organizations without a working installation", () => {
  test("never connected: 404 not_connected", async () => {
    const answer = await requestToken(server().url, "org_never");
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      error: "not_connected",
      message:
        "Organization org_never has not connected GitHub: an admin of the organization must connect it in GitHub Connect (Settings, GitHub, Connect GitHub).",
    });
  });

  test("suspended: 409 installation_suspended", async () => {
    await storeInstallation(models(), {
      installationId: 71011,
      organizationId: "org_suspended",
      suspendedAt: new Date("2026-11-20T00:00:00Z"),
    });
    const answer = await requestToken(server().url, "org_suspended");
    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({
      error: "installation_suspended",
      message:
        "The GitHub App is suspended on acme-corp (installation 71011): tokens are issued again once it is unsuspended on GitHub (by an owner of acme-corp, or by the App's owner if they suspended it).",
    });
  });

  test("uninstalled: 410 installation_deleted", async () => {
    await storeInstallation(models(), {
      installationId: 71012,
      organizationId: "org_deleted",
      deletedAt: new Date("2026-11-20T00:00:00Z"),
    });
    const answer = await requestToken(server().url, "org_deleted");
    expect(answer.status).toBe(410);
    expect(answer.body).toEqual({
      error: "installation_deleted",
      message:
        "The GitHub App was uninstalled from acme-corp (installation 71012): an admin of the organization must reconnect GitHub in GitHub Connect.",
    });
  });

  test("GitHub knows better than a lost webhook: suspended is 409, uninstalled 410, and its own failure 502", async () => {
    await storeInstallation(models(), { installationId: 71013, organizationId: "org_stale_a" });
    await storeInstallation(models(), { installationId: 71014, organizationId: "org_stale_b" });
    await storeInstallation(models(), { installationId: 71015, organizationId: "org_stale_c" });
    nockInstallationTokenRefused(71013, "suspended");
    nockInstallationTokenRefused(71014, "missing");
    nockInstallationTokenRefused(71015, "server-error");

    expect((await requestToken(server().url, "org_stale_a")).body.error).toBe("installation_suspended");
    expect((await requestToken(server().url, "org_stale_b")).body.error).toBe("installation_deleted");
    const failed = await requestToken(server().url, "org_stale_c");
    expect(failed.status).toBe(502);
    expect(failed.body).toEqual({
      error: "github_unavailable",
      message: "GitHub did not issue a token for installation 71015 (HTTP 500); try again shortly.",
    });
  });
});

describe("a 502 says its cause in the log, never a token", () => {
  /** The lines about one installation's refused mint: the handler's and the call's access line. */
  const linesAbout = (installationId: number) =>
    server().logs.lines.filter((line) => line.installationId === installationId);
  const accessLine = (path: string) =>
    server().logs.lines.find(
      (line) => (line.req as { url?: string } | undefined)?.url === path && "responseTime" in line,
    );

  test("GitHub's 5xx: a warning with GitHub's status, its message and the host asked; the access line is a warning too", async () => {
    await storeInstallation(models(), { installationId: 71021, organizationId: "org_github_down" });
    nockInstallationTokenRefused(71021, "server-error");

    const answer = await requestToken(server().url, "org_github_down");

    expect(answer.status).toBe(502);
    const [line, ...others] = linesAbout(71021);
    expect(others).toEqual([]);
    expect(line).toMatchObject({
      level: 40,
      organizationId: "org_github_down",
      github: {
        status: 500,
        message: "Server Error",
        host: new URL(GITHUB_API).host,
        request: `POST ${API_PATH}/app/installations/71021/access_tokens`,
      },
    });
    expect(line!.msg).toContain(`GitHub answered 500 to POST ${API_PATH}/app/installations/71021/access_tokens`);
    expect(accessLine("/api/internal/orgs/org_github_down/github-token")).toMatchObject({ level: 40 });
    expect(server().logs.text()).not.toMatch(/eyJ|authorization/i);
  });

  test("our own fault (GitHub refuses the App's JWT): an error naming GitHub's 401 and its words", async () => {
    await storeInstallation(models(), { installationId: 71022, organizationId: "org_bad_key" });
    nockInstallationTokenRefused(71022, "bad-jwt");

    const answer = await requestToken(server().url, "org_bad_key");

    expect(answer.status).toBe(502);
    expect(answer.body.error).toBe("github_unavailable");
    expect(linesAbout(71022)).toEqual([
      expect.objectContaining({
        level: 50,
        github: {
          status: 401,
          message: "A JSON web token could not be decoded",
          host: new URL(GITHUB_API).host,
          request: `POST ${API_PATH}/app/installations/71022/access_tokens`,
        },
      }),
    ]);
    expect(accessLine("/api/internal/orgs/org_bad_key/github-token")).toMatchObject({ level: 50 });
    expect(server().logs.text()).not.toMatch(/eyJ|authorization/i);
  });
});

describe("the legacy personal token (LEGACY_GITHUB_TOKEN, LEGACY_GITHUB_ORGANIZATIONS)", () => {
  test("a listed organization with no installation gets it", async () => {
    const answer = await requestToken(server().url, LEGACY_ORGANIZATION);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      token: LEGACY_TOKEN,
      expiresAt: null,
      installationId: null,
      accountLogin: null,
      permissions: null,
      repositorySelection: null,
      source: "legacy",
    });
  });

  test("an organization that is not listed never gets it: it is told to connect GitHub", async () => {
    const answer = await requestToken(server().url, "org_not_listed");
    expect(answer.status).toBe(404);
    expect(answer.body.error).toBe("not_connected");
    expect(JSON.stringify(answer.body)).not.toContain(LEGACY_TOKEN);
  });

  test("it cannot be narrowed: a listed organization asking for a scope is refused, not handed the whole token", async () => {
    const answer = await requestToken(server().url, LEGACY_ORGANIZATION, {
      json: { permissions: { contents: "read" } },
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      error: "legacy_token_not_scopable",
      message: `Organization ${LEGACY_ORGANIZATION} uses the legacy personal token, which cannot be narrowed to repositories or permissions: ask without repositoryIds and permissions, or connect GitHub to get scoped tokens.`,
    });
  });

  test("once the listed organization connects, its installation wins; a suspension is not routed around", async () => {
    await storeInstallation(models(), { installationId: 71021, organizationId: LEGACY_ORGANIZATION });
    nockScopedInstallationToken(71021);
    expect((await requestToken(server().url, LEGACY_ORGANIZATION)).body).toMatchObject({
      source: "installation",
      token: INSTALLATION_TOKEN,
    });

    await models().GitHubInstallation.updateOne({ installationId: 71021 }, { $set: { suspendedAt: new Date() } });
    expect((await requestToken(server().url, LEGACY_ORGANIZATION)).status).toBe(409);
  });
});

describe("service tokens (INTERNAL_API_TOKENS)", () => {
  const unauthorized = {
    error: "unauthorized",
    message: "A service token is required: send Authorization: Bearer <one of this deployment's INTERNAL_API_TOKENS>.",
  };

  test("a missing and a wrong token get the same 401, and nothing is looked up", async () => {
    await storeInstallation(models(), { installationId: 71031, organizationId: "org_auth" });
    const missing = await requestToken(server().url, "org_auth", { token: null });
    const wrong = await requestToken(server().url, "org_auth", { token: `${SERVICE_TOKEN_OLD.slice(0, -1)}X` });
    const basic = await requestToken(server().url, "org_auth", {
      token: null,
      headers: { authorization: `Basic ${Buffer.from(`x:${SERVICE_TOKEN_OLD}`).toString("base64")}` },
    });
    for (const answer of [missing, wrong, basic]) {
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(unauthorized);
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="github-connect-internal"');
      expect(answer.headers.get("cache-control")).toBe("no-store");
    }
  });

  test("both tokens of a rotation work, and the log says which one was used, never the token", async () => {
    await storeInstallation(models(), { installationId: 71032, organizationId: "org_rotation" });
    nockScopedInstallationToken(71032);
    const before = server().logs.lines.length;

    expect((await requestToken(server().url, "org_rotation", { token: SERVICE_TOKEN_OLD })).status).toBe(200);
    expect((await requestToken(server().url, "org_rotation", { token: SERVICE_TOKEN_NEW })).status).toBe(200);

    const calls = server()
      .logs.lines.slice(before)
      .filter((line) => line.msg === "internal API call");
    expect(calls.map((line) => [line.serviceTokenIndex, line.organizationId, line.outcome, line.status])).toEqual([
      [0, "org_rotation", "issued", 200],
      [1, "org_rotation", "issued", 200],
    ]);
    const logged = server().logs.text();
    for (const secret of [SERVICE_TOKEN_OLD, SERVICE_TOKEN_NEW, INSTALLATION_TOKEN, LEGACY_TOKEN])
      expect(logged).not.toContain(secret);
  });
});

describe("what a request may carry", () => {
  test.each([
    ["an organization id with a dot", "org.a", undefined, 400, "invalid_organization_id"],
    ["an organization id of 65 characters", "o".repeat(65), undefined, 400, "invalid_organization_id"],
    [
      "an unknown field (a misspelt scope must not become no scope)",
      "org_v",
      { repositoryId: [1] },
      400,
      "invalid_scope",
    ],
    [
      "501 repository ids",
      "org_v",
      { repositoryIds: Array.from({ length: 501 }, (_, i) => i + 1) },
      400,
      "invalid_scope",
    ],
    ["an empty list of repository ids", "org_v", { repositoryIds: [] }, 400, "invalid_scope"],
    ["a repository id that is not a positive whole number", "org_v", { repositoryIds: [1, -2] }, 400, "invalid_scope"],
    ["a repository id given as a string", "org_v", { repositoryIds: ["70001"] }, 400, "invalid_scope"],
    ["a level GitHub has no token for", "org_v", { permissions: { contents: "maintain" } }, 400, "invalid_scope"],
    [
      "a permission name that is not GitHub's shape",
      "org_v",
      { permissions: { "Contents!": "read" } },
      400,
      "invalid_scope",
    ],
    ["a JSON array", "org_v", [1, 2], 400, "invalid_scope"],
  ])("%s is refused", async (_name, organizationId, json, status, error) => {
    const answer = await requestToken(server().url, organizationId, { json });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
    expect(typeof answer.body.message).toBe("string");
  });

  test("a body that is not JSON is refused rather than read as no scope", async () => {
    const form = await requestToken(server().url, "org_v", {
      raw: { body: "permissions[contents]=read", contentType: "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    expect(form.body).toEqual({
      error: "unsupported_media_type",
      message: "Send the scope as JSON (Content-Type: application/json), or no body at all.",
    });
    const broken = await requestToken(server().url, "org_v", {
      raw: { body: '{"permissions":', contentType: "application/json" },
    });
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ error: "invalid_json", message: "The request body is not valid JSON." });
  });

  test.each([
    ["gzip", Buffer.from("this is not gzip")],
    ["br", Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
  ])("a corrupt %s body is the caller's 400, not our 500, and no error is logged", async (encoding, body) => {
    const before = server().logs.lines.length;
    const response = await fetch(`${server().url}/api/internal/orgs/org_v/github-token`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${SERVICE_TOKEN_OLD}`,
        "content-type": "application/json",
        "content-encoding": encoding,
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "invalid_body",
      message: "The request body could not be read: check that it is JSON sent as its Content-Encoding says.",
    });
    const errors = server()
      .logs.lines.slice(before)
      .filter((line) => (line.level as number) >= 50);
    expect(errors).toEqual([]);
  });

  test("a body over 16 KB is refused with 413", async () => {
    const answer = await requestToken(server().url, "org_v", {
      raw: { body: JSON.stringify({ repositoryIds: Array(4000).fill(1234567) }), contentType: "application/json" },
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ error: "body_too_large", message: "The request body is larger than 16 KB." });
  });

  test("500 repository ids fit, and an unknown path under /api/internal answers JSON", async () => {
    await storeInstallation(models(), {
      installationId: 71041,
      organizationId: "org_many",
      repositorySelection: "all",
    });
    const repositoryIds = Array.from({ length: 500 }, (_, i) => 800000 + i);
    nockScopedInstallationToken(71041, { repositoryIds });
    expect((await requestToken(server().url, "org_many", { json: { repositoryIds } })).status).toBe(200);

    const unknown = await fetch(`${server().url}/api/internal/orgs/org_many/tokens`, {
      headers: { authorization: `Bearer ${SERVICE_TOKEN_OLD}` },
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe("not_found");
  });
});
