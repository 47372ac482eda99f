import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { REPO_STATUSES } from "../../../src/repos/repo-status.js";
import { testDatabaseName, withDatabaseName } from "../../helpers/database.js";
import { nockInstallationTokenRefused, nockScopedInstallationToken } from "../../helpers/github/installation-tokens.js";
import {
  type AnswerKey,
  DESCRIPTION_PATH,
  loadInternalApiDescription,
} from "../../helpers/internal-api-description.js";
import {
  internalApiEnv,
  LEGACY_ORGANIZATION,
  SERVICE_TOKEN_OLD,
  storeInstallation,
} from "../../helpers/internal-api.js";
import { recordEvent } from "../../../src/events/event-log.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { useTestServer } from "../../helpers/use-test-server.js";

// docs/internal-api.openapi.yaml against the real server: every answer below is checked against
// the description, and the last tests check that every documented answer was seen and no other.
const description = loadInternalApiDescription();
const observed = new Set<AnswerKey>();
const repoStatusesSeen = new Set<string>();

/** What cannot be driven from outside without breaking the server on purpose: a bug's 500. */
const NOT_DRIVEN: Record<AnswerKey, string> = {
  "POST /api/internal/orgs/{organizationId}/github-token 500 internal_error": "only an unexpected exception answers it",
  "GET /api/internal/orgs/{organizationId}/github 500 internal_error": "only an unexpected exception answers it",
  "GET /api/internal/events 500 internal_error": "only an unexpected exception answers it",
};

// Behind a trusted proxy (loopback, as the test connects), so the throttle test speaks from an address of its own.
const holder = useTestServer((connection) =>
  startTestServer({ connection, config: testConfig({ ...internalApiEnv(), TRUST_PROXY: "loopback" }) }),
);
const server = () => holder.server;
const models = () => holder.server.models;

const TOKEN_PATH = (organizationId: string) => `/api/internal/orgs/${organizationId}/github-token`;
const STATE_PATH = (organizationId: string) => `/api/internal/orgs/${organizationId}/github`;
const EVENTS_PATH = "/api/internal/events";

interface Call {
  token?: string | null;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | Buffer;
}

/** One call, as a service makes it; its answer must be one the description lists, exactly. */
async function call(base: string, method: "GET" | "POST" | "DELETE", urlPath: string, options: Call = {}) {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? SERVICE_TOKEN_OLD : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${base}${urlPath}`, { method, headers, body });
  const text = await response.text();
  const answer = { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  const { key, problems } = description.check(method, urlPath, answer);
  expect(problems, `${method} ${urlPath} → ${answer.status} ${text}`).toEqual([]);
  observed.add(key);
  for (const repo of (answer.body?.repos as Array<{ status: string }> | undefined) ?? [])
    repoStatusesSeen.add(repo.status);
  return answer;
}

describe("POST …/github-token answers as described", () => {
  test("200: the installation's token, whole and narrowed, and the legacy token", async () => {
    await storeInstallation(models(), { installationId: 73001, organizationId: "org_oas_ok" });
    nockScopedInstallationToken(73001);
    expect((await call(server().url, "POST", TOKEN_PATH("org_oas_ok"))).body.source).toBe("installation");

    const scope = { repositoryIds: [70001, 70002], permissions: { contents: "read" as const } };
    expect(description.acceptsRequestBody("POST", TOKEN_PATH("org_oas_ok"), scope)).toBe(true);
    nockScopedInstallationToken(73001, scope);
    const narrowed = await call(server().url, "POST", TOKEN_PATH("org_oas_ok"), { json: scope });
    expect(narrowed.body.repositoryIds).toEqual([70001, 70002]);

    const legacy = await call(server().url, "POST", TOKEN_PATH(LEGACY_ORGANIZATION));
    expect(legacy.body).toMatchObject({ source: "legacy", expiresAt: null });
  });

  test("400: a bad organization id, scope, JSON or body; each refused scope is one the description refuses too", async () => {
    const bad = await call(server().url, "POST", TOKEN_PATH("org.with.dots"));
    expect(bad.body.error).toBe("invalid_organization_id");

    for (const scope of [
      { repositoryId: [1] },
      { repositoryIds: [] },
      { repositoryIds: Array.from({ length: 501 }, (_, i) => i + 1) },
      { repositoryIds: [1, -2] },
      { repositoryIds: ["70001"] },
      { permissions: { contents: "maintain" } },
      { permissions: { "Contents!": "read" } },
      { permissions: {} },
      [1, 2],
    ]) {
      const answer = await call(server().url, "POST", TOKEN_PATH("org_oas_v"), { json: scope });
      expect(answer.body.error, JSON.stringify(scope)).toBe("invalid_scope");
      expect(description.acceptsRequestBody("POST", TOKEN_PATH("org_oas_v"), scope), JSON.stringify(scope)).toBe(false);
    }

    const json = { "content-type": "application/json" };
    expect(
      (await call(server().url, "POST", TOKEN_PATH("org_oas_v"), { headers: json, body: '{"permissions":' })).body
        .error,
    ).toBe("invalid_json");
    const corrupt = await call(server().url, "POST", TOKEN_PATH("org_oas_v"), {
      headers: { ...json, "content-encoding": "gzip" },
      body: Buffer.from("this is not gzip"),
    });
    expect(corrupt.body.error).toBe("invalid_body");
  });

  test("401 for a missing or a wrong token", async () => {
    for (const token of [null, `${SERVICE_TOKEN_OLD.slice(0, -4)}gues`]) {
      expect((await call(server().url, "POST", TOKEN_PATH("org_oas_ok"), { token })).status).toBe(401);
    }
  });

  test("404, 409, 410: never connected, suspended, uninstalled", async () => {
    await storeInstallation(models(), {
      installationId: 73011,
      organizationId: "org_oas_suspended",
      suspendedAt: new Date("2026-11-20T08:00:00Z"),
    });
    await storeInstallation(models(), {
      installationId: 73012,
      organizationId: "org_oas_deleted",
      deletedAt: new Date("2026-11-20T08:00:00Z"),
    });
    expect((await call(server().url, "POST", TOKEN_PATH("org_oas_never"))).body.error).toBe("not_connected");
    expect((await call(server().url, "POST", TOKEN_PATH("org_oas_suspended"))).body.error).toBe(
      "installation_suspended",
    );
    expect((await call(server().url, "POST", TOKEN_PATH("org_oas_deleted"))).body.error).toBe("installation_deleted");
  });

  test("413 and 415: a body too large, not JSON, not UTF-8, or in an encoding the server does not read", async () => {
    const tooLarge = await call(server().url, "POST", TOKEN_PATH("org_oas_v"), {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ repositoryIds: Array(4000).fill(1234567) }),
    });
    expect(tooLarge.body.error).toBe("body_too_large");
    const refused: Array<Record<string, string>> = [
      { "content-type": "application/x-www-form-urlencoded" },
      { "content-type": "application/json; charset=latin1" },
      { "content-type": "application/json", "content-encoding": "compress" },
    ];
    for (const headers of refused) {
      const answer = await call(server().url, "POST", TOKEN_PATH("org_oas_v"), { headers, body: "{}" });
      expect(answer.status, JSON.stringify(headers)).toBe(415);
    }
    // gzip is read: the same scope, compressed, reaches the scope check.
    const gzipped = await call(server().url, "POST", TOKEN_PATH("org_oas_v"), {
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipSync(JSON.stringify({ unknown: 1 })),
    });
    expect(gzipped.body.error).toBe("invalid_scope");
  });

  test("422: a permission or a repository the installation lacks, and any scope of the legacy token", async () => {
    await storeInstallation(models(), {
      installationId: 73021,
      organizationId: "org_oas_narrow",
      permissions: { contents: "read", metadata: "read" },
    });
    await models().Repo.create({
      organizationId: "org_oas_narrow",
      slug: "api",
      name: "api",
      githubRepoId: 70012,
      fullName: "acme-corp/api",
      accessible: false,
    });
    const permission = await call(server().url, "POST", TOKEN_PATH("org_oas_narrow"), {
      json: { permissions: { contents: "write" } },
    });
    expect(permission.body.error).toBe("permission_not_granted");
    const repository = await call(server().url, "POST", TOKEN_PATH("org_oas_narrow"), {
      json: { repositoryIds: [70012] },
    });
    expect(repository.body.error).toBe("repository_not_reachable");
    const legacy = await call(server().url, "POST", TOKEN_PATH(LEGACY_ORGANIZATION), {
      json: { permissions: { contents: "read" } },
    });
    expect(legacy.body.error).toBe("legacy_token_not_scopable");
  });

  test("502: GitHub fails to mint", async () => {
    await storeInstallation(models(), { installationId: 73031, organizationId: "org_oas_github_down" });
    nockInstallationTokenRefused(73031, "server-error");
    expect((await call(server().url, "POST", TOKEN_PATH("org_oas_github_down"))).body.error).toBe("github_unavailable");
  });
});

describe("GET …/github answers as described", () => {
  test("200: connected with a repo in each status, suspended (paused), never connected", async () => {
    await storeInstallation(models(), { installationId: 73041, organizationId: "org_oas_state" });
    const repo = (slug: string, fields: Record<string, unknown>) => ({
      organizationId: "org_oas_state",
      slug,
      name: slug,
      fullName: `acme-corp/${slug}`,
      accessible: true,
      ...fields,
    });
    await models().Repo.insertMany([
      repo("reachable", { githubRepoId: 74001 }),
      repo("not-selected", { githubRepoId: 74002, accessible: false }),
      repo("deleted", { githubRepoId: 74003, deletedOnGitHubAt: new Date("2026-11-21T08:00:00Z") }),
      repo("transferred", { githubRepoId: 74004, transferredTo: "other-corp" }),
      repo("archived", { githubRepoId: 74005, archived: true }),
      repo("not-created", { fullName: null, accessible: false }),
    ]);
    const connected = await call(server().url, "GET", STATE_PATH("org_oas_state"));
    expect(connected.body.state).toBe("connected");

    await storeInstallation(models(), {
      installationId: 73042,
      organizationId: "org_oas_state_suspended",
      suspendedAt: new Date("2026-11-20T08:00:00Z"),
    });
    await models().Repo.create({
      organizationId: "org_oas_state_suspended",
      slug: "web",
      name: "web",
      githubRepoId: 74011,
      fullName: "acme-corp/web",
      accessible: true,
    });
    expect((await call(server().url, "GET", STATE_PATH("org_oas_state_suspended"))).body.state).toBe("suspended");
    expect((await call(server().url, "GET", STATE_PATH("org_oas_state_never"))).body).toMatchObject({
      state: "not_connected",
      installation: null,
    });
  });

  test("400 for a bad organization id, 401 for a missing token", async () => {
    const tooLong = "o".repeat(65);
    expect((await call(server().url, "GET", STATE_PATH(tooLong))).body.error).toBe("invalid_organization_id");
    expect((await call(server().url, "GET", STATE_PATH("org_oas_state"), { token: null })).status).toBe(401);
  });
});

describe("GET /api/internal/events answers as described", () => {
  test("200: a page of events, oldest first, and the next cursor; 400 for a bad cursor, limit or organization id; 401", async () => {
    for (const type of ["connection.linked", "connection.suspended"] as const)
      await recordEvent(models(), new Date("2026-11-24T12:00:00Z"), {
        type,
        organizationId: "org_oas_events",
        data: {
          installationId: 1,
          accountLogin: "acme-corp",
          accountType: "Organization",
          ...(type === "connection.linked" ? { via: "oauth" } : {}),
        },
      });
    const first = await call(server().url, "GET", `${EVENTS_PATH}?organizationId=org_oas_events&limit=1`);
    expect(first.body.events.map((event: { type: string }) => event.type)).toEqual(["connection.linked"]);
    const second = await call(
      server().url,
      "GET",
      `${EVENTS_PATH}?organizationId=org_oas_events&after=${first.body.next}`,
    );
    expect(second.body.events.map((event: { type: string }) => event.type)).toEqual(["connection.suspended"]);

    expect((await call(server().url, "GET", `${EVENTS_PATH}?after=not-a-cursor`)).body.error).toBe("invalid_cursor");
    expect((await call(server().url, "GET", `${EVENTS_PATH}?limit=501`)).body.error).toBe("invalid_limit");
    expect((await call(server().url, "GET", `${EVENTS_PATH}?organizationId=${"o".repeat(65)}`)).body.error).toBe(
      "invalid_organization_id",
    );
    expect((await call(server().url, "GET", EVENTS_PATH, { token: null })).status).toBe(401);
  });
});

describe("what every path under /api/internal can answer", () => {
  test("an unknown path or method: 404 once authorized, 401 before", async () => {
    expect((await call(server().url, "GET", TOKEN_PATH("org_oas_ok"))).body.error).toBe("not_found");
    expect((await call(server().url, "DELETE", STATE_PATH("org_oas_ok"))).body.error).toBe("not_found");
    expect(await call(server().url, "GET", "/api/internal/orgs/org_oas_ok/tokens")).toMatchObject({ status: 404 });
    expect((await call(server().url, "GET", "/api/internal/nothing", { token: null })).status).toBe(401);
  });

  test("429 with Retry-After on every path once an address has used up its failed tokens", async () => {
    const from = { "x-forwarded-for": "203.0.113.90" };
    for (let i = 0; i < 20; i++) {
      expect((await call(server().url, "GET", STATE_PATH("org_oas_t"), { token: null, headers: from })).status).toBe(
        401,
      );
    }
    for (const [method, urlPath] of [
      ["POST", TOKEN_PATH("org_oas_t")],
      ["GET", STATE_PATH("org_oas_t")],
      ["GET", EVENTS_PATH],
      ["GET", "/api/internal/nothing"],
    ] as const) {
      const answer = await call(server().url, method, urlPath, { headers: from });
      expect(answer.body.error, `${method} ${urlPath}`).toBe("too_many_attempts");
    }
  });

  describe("503 on a deployment without INTERNAL_API_TOKENS", () => {
    let disabled: TestServer;
    beforeAll(async () => {
      disabled = await startTestServer({ connection: holder.server.models.Repo.db, config: testConfig() });
    });
    afterAll(() => disabled?.close());

    test("every path, token or not", async () => {
      for (const [method, urlPath] of [
        ["POST", TOKEN_PATH("org_oas_ok")],
        ["GET", STATE_PATH("org_oas_ok")],
        ["GET", EVENTS_PATH],
        ["GET", "/api/internal/nothing"],
      ] as const) {
        const answer = await call(disabled.url, method, urlPath);
        expect(answer.body.error, `${method} ${urlPath}`).toBe("internal_api_disabled");
      }
    });
  });

  describe("503 when the database cannot be reached", () => {
    let cutOff: TestServer;
    let connection: mongoose.Connection;
    beforeAll(async () => {
      // A connection of its own, with production's fail-fast setting (bufferCommands off, src/db/connect.ts),
      // whose driver client is then closed under it: each query fails as the driver fails when the server is gone.
      connection = mongoose.createConnection(withDatabaseName(inject("mongoUri"), testDatabaseName()), {
        bufferCommands: false,
        serverSelectionTimeoutMS: 1000,
      });
      await connection.asPromise();
      cutOff = await startTestServer({ connection, config: testConfig(internalApiEnv()) });
      await connection.getClient().close(true);
    });
    afterAll(async () => {
      await cutOff?.close();
      await connection?.close(true).catch(() => undefined);
    });

    test("every route", async () => {
      for (const [method, urlPath] of [
        ["POST", TOKEN_PATH("org_oas_ok")],
        ["GET", STATE_PATH("org_oas_ok")],
        ["GET", EVENTS_PATH],
      ] as const) {
        const answer = await call(cutOff.url, method, urlPath);
        expect(answer.body.error, `${method} ${urlPath}`).toBe("database_unavailable");
      }
    });
  });
});

describe("the description and the server say the same", () => {
  test("every error code the source can send is in the description's ErrorCode enum, and no other", () => {
    const dir = path.resolve(path.dirname(DESCRIPTION_PATH), "../src/web/internal-api");
    const sent = new Set<string>();
    for (const file of readdirSync(dir).filter((name) => name.endsWith(".ts"))) {
      const source = readFileSync(path.join(dir, file), "utf8");
      const patterns = [
        /\berror: "([a-z_]+)"/g,
        /sendApiError\(\s*res,\s*(?:\d+|known\.status),\s*"([a-z_]+)"/g,
        /InternalApiError\(\s*\d+,\s*"([a-z_]+)"/g,
      ];
      for (const pattern of patterns) for (const [, code] of source.matchAll(pattern)) sent.add(code!);
    }
    const schemas = (description.doc.components as { schemas: Record<string, { enum: string[] }> }).schemas;
    expect([...sent].sort()).toEqual([...schemas.ErrorCode!.enum].sort());
    expect([...REPO_STATUSES]).toEqual((schemas.RepoStatus as { enum: string[] }).enum);
  });

  test("the description's examples are what its schemas describe", () => {
    expect(description.exampleProblems()).toEqual([]);
  });

  test("every documented answer was observed above, and every observed answer is documented", () => {
    const documented = description.documentedAnswers();
    const unseen = documented.filter((key) => !observed.has(key));
    expect(unseen.sort()).toEqual(Object.keys(NOT_DRIVEN).sort());
    expect([...observed].filter((key) => !documented.includes(key))).toEqual([]);
    expect([...repoStatusesSeen].sort()).toEqual([...REPO_STATUSES].sort());
  });
});
