import nock from "nock";
import { describe, expect, test } from "vitest";
import {
  GitHubConnect,
  GitHubConnectError,
  InstallationDeletedError,
  InstallationSuspendedError,
  InvalidCursorError,
  InvalidLimitError,
  InvalidScopeError,
  NotConnectedError,
  PermissionNotGrantedError,
  UnauthorizedError,
} from "../../../packages/client/src/index.js";
import { INSTALLATION_TOKEN } from "../../helpers/github/fixtures.js";
import { installationTokenNumber, nockScopedInstallationToken } from "../../helpers/github/installation-tokens.js";
import { nockInstallationRepositories } from "../../helpers/github/installations.js";
import { GITHUB_API, SERVER_ERROR } from "../../helpers/github/rest.js";
import { internalApiEnv, SERVICE_TOKEN_NEW, storeInstallation } from "../../helpers/internal-api.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer } from "../../helpers/test-server.js";
import { useTestServer } from "../../helpers/use-test-server.js";
import { recordEvent } from "../../../src/events/event-log.js";

// One server (one auth-app token cache) for the file: each test uses installation ids of its own.
const holder = useTestServer((connection) => startTestServer({ connection, config: testConfig(internalApiEnv()) }), {
  emptyBetweenTests: true,
});
const models = () => holder.server.models;

/** A client on the real server whose every call to GitHub Connect is counted, on a clock the test moves. */
function countingClient(start = "2026-11-24T12:00:00Z") {
  const calls: string[] = [];
  let now = new Date(start);
  const client = new GitHubConnect({
    baseUrl: holder.server.url,
    serviceToken: SERVICE_TOKEN_NEW,
    githubApiUrl: GITHUB_API,
    now: () => now,
    fetch: (input, init) => {
      calls.push(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    },
  });
  return {
    client,
    calls,
    setNow: (at: string) => {
      now = new Date(at);
    },
  };
}

describe("token(): the API's answer, cached", () => {
  test("the first call asks the API; the second is served from the cache without an HTTP call", async () => {
    await storeInstallation(models(), { installationId: 74001, organizationId: "org_cache" });
    nockScopedInstallationToken(74001);
    const { client, calls } = countingClient();

    const first = await client.token("org_cache");
    const second = await client.token("org_cache");

    expect(first).toEqual({
      token: INSTALLATION_TOKEN,
      expiresAt: "2026-11-24T13:00:00Z",
      installationId: 74001,
      accountLogin: "acme-corp",
      permissions: { administration: "write", contents: "write", members: "read", metadata: "read" },
      repositorySelection: "selected",
      source: "installation",
    });
    expect(second).toEqual(first);
    expect(calls).toEqual(["POST /api/internal/orgs/org_cache/github-token"]);
  });

  test("callers at once share one request", async () => {
    await storeInstallation(models(), { installationId: 74002, organizationId: "org_burst" });
    nockScopedInstallationToken(74002);
    const { client, calls } = countingClient();

    const answers = await Promise.all(Array.from({ length: 20 }, () => client.token("org_burst")));

    expect(new Set(answers.map((a) => a.token))).toEqual(new Set([INSTALLATION_TOKEN]));
    expect(calls).toHaveLength(1);
  });

  test("each scope is cached on its own; the same scope written differently is the same entry", async () => {
    await storeInstallation(models(), { installationId: 74003, organizationId: "org_scopes" });
    nockScopedInstallationToken(74003, {}, { token: installationTokenNumber(1) });
    const scope = { repositoryIds: [70001, 70002], permissions: { contents: "read" as const } };
    nockScopedInstallationToken(74003, scope, { token: installationTokenNumber(2) });
    const { client, calls } = countingClient();

    expect((await client.token("org_scopes")).token).toBe(installationTokenNumber(1));
    expect((await client.token("org_scopes", scope)).token).toBe(installationTokenNumber(2));
    const reordered = { permissions: { contents: "read" as const }, repositoryIds: [70002, 70001, 70002] };
    expect((await client.token("org_scopes", reordered)).repositoryIds).toEqual([70001, 70002]);
    expect((await client.token("org_scopes")).token).toBe(installationTokenNumber(1));
    expect(calls).toHaveLength(2);
  });

  test("a token five minutes or less from expiry is asked for again; until then it is served", async () => {
    await storeInstallation(models(), { installationId: 74004, organizationId: "org_refresh" });
    nockScopedInstallationToken(74004);
    const { client, calls, setNow } = countingClient();
    await client.token("org_refresh");

    // expiresAt is 13:00: served from the cache up to 12:55.
    setNow("2026-11-24T12:54:59Z");
    await client.token("org_refresh");
    expect(calls).toHaveLength(1);

    setNow("2026-11-24T12:55:00Z");
    const refreshed = await client.token("org_refresh");
    expect(refreshed.token).toBe(INSTALLATION_TOKEN);
    expect(calls).toHaveLength(2);
  });

  test("a refusal is not cached: the next call asks again", async () => {
    const { client, calls } = countingClient();
    await expect(client.token("org_later")).rejects.toBeInstanceOf(NotConnectedError);

    await storeInstallation(models(), { installationId: 74005, organizationId: "org_later" });
    nockScopedInstallationToken(74005);
    expect((await client.token("org_later")).token).toBe(INSTALLATION_TOKEN);
    expect(calls).toHaveLength(2);
  });
});

describe("typed errors after the API's codes", () => {
  test("not_connected, installation_suspended, installation_deleted, permission_not_granted, invalid_scope, unauthorized", async () => {
    await storeInstallation(models(), {
      installationId: 74011,
      organizationId: "org_suspended",
      suspendedAt: new Date("2026-11-20T00:00:00Z"),
    });
    await storeInstallation(models(), {
      installationId: 74012,
      organizationId: "org_deleted",
      deletedAt: new Date("2026-11-20T00:00:00Z"),
    });
    await storeInstallation(models(), {
      installationId: 74013,
      organizationId: "org_narrow",
      permissions: { contents: "read", metadata: "read" },
    });
    const { client } = countingClient();

    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => expect.fail("expected a refusal"),
        (e) => e,
      );

    const notConnected = await refusal(client.token("org_never"));
    expect(notConnected).toBeInstanceOf(NotConnectedError);
    expect(notConnected).toBeInstanceOf(GitHubConnectError);
    expect(notConnected).toMatchObject({ code: "not_connected", status: 404, name: "NotConnectedError" });
    expect(notConnected.message).toMatch(/org_never|connect/i);

    expect(await refusal(client.token("org_suspended"))).toMatchObject({ code: "installation_suspended", status: 409 });
    expect(await refusal(client.token("org_suspended"))).toBeInstanceOf(InstallationSuspendedError);
    expect(await refusal(client.token("org_deleted"))).toBeInstanceOf(InstallationDeletedError);
    const tooWide = await refusal(client.token("org_narrow", { permissions: { contents: "write" } }));
    expect(tooWide).toBeInstanceOf(PermissionNotGrantedError);
    expect(tooWide).toMatchObject({ code: "permission_not_granted", status: 422 });
    const badScope = await refusal(client.token("org_narrow", { repositoryIds: [] }));
    expect(badScope).toBeInstanceOf(InvalidScopeError);

    const stranger = new GitHubConnect({ baseUrl: holder.server.url, serviceToken: "not-a-service-token" });
    expect(await refusal(stranger.connection("org_narrow"))).toMatchObject({
      constructor: UnauthorizedError,
      code: "unauthorized",
      status: 401,
    });
  });

  test("no answer at all is a GitHubConnectError with code unreachable", async () => {
    const client = new GitHubConnect({ baseUrl: "http://127.0.0.1:9", serviceToken: SERVICE_TOKEN_NEW });
    await expect(client.token("org_a")).rejects.toMatchObject({ code: "unreachable", status: 0 });
  });
});

describe("connection(): the state and repos", () => {
  test("a connected organization with its repos, as the API says them", async () => {
    await storeInstallation(models(), {
      installationId: 74021,
      organizationId: "org_state",
      permissions: { contents: "write", metadata: "read" },
    });
    await models().Repo.insertMany([
      {
        organizationId: "org_state",
        slug: "web",
        name: "web",
        githubRepoId: 70001,
        fullName: "acme-corp/web",
        accessible: true,
      },
    ]);
    const { client } = countingClient();

    const state = await client.connection("org_state");

    expect(state).toEqual({
      organizationId: "org_state",
      state: "connected",
      credential: "installation",
      installation: {
        installationId: 74021,
        accountLogin: "acme-corp",
        accountType: "Organization",
        repositorySelection: "selected",
        permissions: { contents: "write", metadata: "read" },
        suspendedAt: null,
        deletedAt: null,
      },
      repos: [
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
    expect((await client.connection("org_nobody")).state).toBe("not_connected");
  });
});

describe("events.list(): the pull feed, from a cursor", () => {
  test("pages through an organization's events oldest first, and from the last cursor sees only what is newer", async () => {
    const at = new Date("2026-11-24T12:00:00Z");
    const data = { installationId: 74031, accountLogin: "acme-corp", accountType: "Organization" };
    await recordEvent(models(), at, {
      type: "connection.linked",
      organizationId: "org_feed",
      data: { ...data, via: "oauth" },
    });
    await recordEvent(models(), at, { type: "connection.suspended", organizationId: "org_feed", data });
    await recordEvent(models(), at, { type: "connection.suspended", organizationId: "org_other", data });
    const { client, calls } = countingClient();

    const first = await client.events.list({ organizationId: "org_feed", limit: 1 });
    const second = await client.events.list({ organizationId: "org_feed", after: first.next });
    expect([...first.events, ...second.events].map((event) => [event.type, event.seq])).toEqual([
      ["connection.linked", 1],
      ["connection.suspended", 2],
    ]);
    await recordEvent(models(), at, { type: "connection.unsuspended", organizationId: "org_feed", data });
    const third = await client.events.list({ organizationId: "org_feed", after: second.next });
    expect(third.events.map((event) => event.type)).toEqual(["connection.unsuspended"]);
    expect(calls).toEqual(["GET /api/internal/events", "GET /api/internal/events", "GET /api/internal/events"]);
  });

  test("a cursor the feed never answered, and a limit past 500, are the API's typed refusals", async () => {
    const { client } = countingClient();
    const badCursor = client.events.list({ after: "not-a-cursor" });
    await expect(badCursor).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(badCursor).rejects.toMatchObject({ code: "invalid_cursor", status: 400 });
    const badLimit = client.events.list({ limit: 501 });
    await expect(badLimit).rejects.toBeInstanceOf(InvalidLimitError);
    await expect(badLimit).rejects.toMatchObject({ code: "invalid_limit", status: 400 });
  });
});

describe("octokit(): GitHub as the organization's installation", () => {
  test("its requests carry the token from token(), fetched once for many requests", async () => {
    await storeInstallation(models(), { installationId: 74031, organizationId: "org_octo" });
    nockScopedInstallationToken(74031);
    nockInstallationRepositories([[{ id: 70001, name: "web" }]]);
    nockInstallationRepositories([[{ id: 70001, name: "web" }]]);
    const { client, calls } = countingClient();
    const octokit = client.octokit("org_octo");

    const first = await octokit.request("GET /installation/repositories", { per_page: 100 });
    await octokit.request("GET /installation/repositories", { per_page: 100 });

    expect(first.data.repositories.map((r: { name: string }) => r.name)).toEqual(["web"]);
    expect(calls).toEqual(["POST /api/internal/orgs/org_octo/github-token"]);
  });

  test("a token GitHub refuses (401) is dropped and the request tried once more with the one token() gives next", async () => {
    await storeInstallation(models(), { installationId: 74032, organizationId: "org_revoked" });
    nockScopedInstallationToken(74032);
    nock(GITHUB_API).get("/installation/repositories").query(true).reply(401, { message: "Bad credentials" });
    nockInstallationRepositories([[{ id: 70001, name: "web" }]]);
    const { client, calls } = countingClient();

    const answer = await client.octokit("org_revoked").request("GET /installation/repositories", { per_page: 100 });

    expect(answer.status).toBe(200);
    expect(calls).toEqual([
      "POST /api/internal/orgs/org_revoked/github-token",
      "POST /api/internal/orgs/org_revoked/github-token",
    ]);
  });

  test("GitHub's 5xx is retried", async () => {
    await storeInstallation(models(), { installationId: 74033, organizationId: "org_retry" });
    nockScopedInstallationToken(74033);
    nock(GITHUB_API).get("/installation/repositories").query(true).reply(502, SERVER_ERROR);
    nockInstallationRepositories([[{ id: 70001, name: "web" }]]);
    const { client } = countingClient();

    const answer = await client.octokit("org_retry").request("GET /installation/repositories", { per_page: 100 });

    expect(answer.status).toBe(200);
  });

  test("a refusal from GitHub Connect reaches the caller typed", async () => {
    const { client } = countingClient();
    await expect(client.octokit("org_gone").request("GET /installation/repositories")).rejects.toBeInstanceOf(
      NotConnectedError,
    );
  });
});
