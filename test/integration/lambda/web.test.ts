import type { Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, inject, test, vi } from "vitest";
import { createModels } from "../../../src/models/index.js";
import {
  nockAuthenticateWithCode,
  nockAuthenticateWithCodeRecording,
  nockWorkOSJwks,
  nockWorkOSOrganization,
  workosEnv,
  WorkOSSigningKey,
} from "../../helpers/auth.js";
import { connectTestDatabase, dropAndClose, testDatabaseName, withDatabaseName } from "../../helpers/database.js";
import {
  buildBundles,
  httpApiEvent,
  lambdaContext,
  lambdaEnv,
  responseCookies,
  responseHeader,
  setEnv,
  type BuiltBundles,
  type LambdaHandler,
  type LambdaRequest,
  type PayloadVersion,
} from "../../helpers/lambda.js";

// The BUILT web function (views and assets read from beside the bundle), invoked in-process.
let bundles: BuiltBundles;
let connection: Connection;
let handler: LambdaHandler;
let restoreEnv: () => void;

beforeAll(async () => {
  bundles = await buildBundles(["web"]);
  connection = await connectTestDatabase();
  const models = createModels(connection);
  await models.Repo.create({
    organizationId: "org_lambda",
    slug: "lambda-docs",
    name: "lambda-docs",
    githubRepoId: 4242,
    fullName: "octo-org/lambda-docs",
  });
  // One delivery past the 30-day retention, one within it: the container prunes when it opens the database.
  await models.WebhookDelivery.create([
    {
      deliveryId: "expired",
      event: "installation",
      status: "processed",
      receivedAt: new Date(Date.now() - 31 * 24 * 3600_000),
    },
    {
      deliveryId: "recent",
      event: "installation",
      status: "processed",
      receivedAt: new Date(Date.now() - 24 * 3600_000),
    },
  ]);
  restoreEnv = setEnv(lambdaEnv({ MONGODB_URI: withDatabaseName(inject("mongoUri"), testDatabaseName()) }));
  handler = await bundles.handler("web", "main");
});
afterAll(async () => {
  restoreEnv?.();
  await dropAndClose(connection);
  bundles?.remove();
});

const request = (version: PayloadVersion, req: LambdaRequest) =>
  handler(httpApiEvent(version, req), lambdaContext("github-connect-web"));
const html = { Accept: "text/html,application/xhtml+xml", "User-Agent": "Mozilla/5.0 (test)" };
/** "name=value" pairs from Set-Cookie lines, as a browser would send them back (a later line replaces an earlier one). */
function cookiePairs(setCookies: string[]): string[] {
  const jar = new Map(
    setCookies.map((line) => line.split(";")[0]!).map((pair) => [pair.slice(0, pair.indexOf("=")), pair] as const),
  );
  return [...jar.values()].filter((pair) => !pair.endsWith("="));
}

describe.each<PayloadVersion>(["1.0", "2.0"])("payload format %s", (version) => {
  test("GET /healthz answers 200 JSON while the database answers", async () => {
    const result = await request(version, { path: "/healthz" });
    expect(result.statusCode).toBe(200);
    expect(responseHeader(result, "content-type")).toMatch(/^application\/json/);
    expect(JSON.parse(result.body)).toEqual({ status: "ok", database: "up" });
  });

  test("an unknown page renders the 404 page inside the layout, from the views shipped in the bundle", async () => {
    const result = await request(version, { path: "/no-such-page", headers: html });
    expect(result.statusCode).toBe(404);
    expect(responseHeader(result, "content-type")).toMatch(/^text\/html/);
    expect(result.body).toMatch(/<title>[^<]+ · GitHub Connect<\/title>/);
    expect(result.body).toContain('href="/assets/app.css"');
    expect(result.body).toContain("There is no page at this address.");
    expect(result.body).not.toContain("Error 404");
  });

  test("GET / redirects a signed-out browser to sign-in", async () => {
    const result = await request(version, { path: "/", headers: html });
    expect(result.statusCode).toBe(303);
    expect(responseHeader(result, "location")).toBe("/auth/login");
  });

  test("a stylesheet is served from the bundle's public/", async () => {
    const result = await request(version, { path: "/assets/app.css" });
    expect(result.statusCode).toBe(200);
    expect(responseHeader(result, "content-type")).toMatch(/^text\/css/);
    expect(result.body.length).toBeGreaterThan(100);
  });

  test('API Gateway\'s request id (HTTP APIs end theirs with "=") names the answer, whatever x-request-id the client sent', async () => {
    for (const sent of ["<script>alert(1)</script>", "client-chosen-id", undefined]) {
      const event = httpApiEvent(version, {
        path: "/healthz",
        headers: sent === undefined ? {} : { "X-Request-Id": sent },
      });
      event.requestContext.requestId = "JKJaXmPLvHcESHA=";
      const result = await handler(event, lambdaContext("github-connect-web"));
      expect(result.statusCode).toBe(200);
      expect(responseHeader(result, "x-request-id"), String(sent)).toBe("JKJaXmPLvHcESHA=");
    }
  });

  test("WorkOS sign-in sets the session cookie, the next request is signed in, and a form post signs out", async () => {
    // A container of its own: the WorkOS client caches the key set it fetched.
    const signInHandler = await bundles.handler("web", `sign-in-${version}`);
    const invoke = (req: LambdaRequest) =>
      signInHandler(httpApiEvent(version, req), lambdaContext("github-connect-web"));
    const login = await invoke({ path: "/auth/login", headers: html });
    expect(login.statusCode).toBe(302);
    const state = new URL(responseHeader(login, "location")!).searchParams.get("state")!;
    const flowCookies = cookiePairs(responseCookies(login));
    expect(flowCookies.some((pair) => pair.startsWith("gc_flow="))).toBe(true);

    const key = new WorkOSSigningKey();
    nockAuthenticateWithCode("code_lambda", {
      organizationId: "org_lambda",
      // A session of its own per payload format: signing out ends it for the rest of the file.
      accessToken: key.sign({
        org_id: "org_lambda",
        role: "admin",
        sid: `session_lambda_${version.replace(".", "_")}`,
      }),
    });
    const callback = await invoke({
      path: "/auth/callback",
      query: new URLSearchParams({ code: "code_lambda", state }).toString(),
      headers: html,
      cookies: flowCookies,
    });
    expect(callback.statusCode, callback.body).toBe(303);
    const setCookies = responseCookies(callback);
    // Payload 1.0 answers carry them in multiValueHeaders, 2.0 in `cookies`: both reach the browser as separate Set-Cookie lines.
    if (version === "2.0") expect(callback.cookies?.length).toBeGreaterThan(0);
    else expect(callback.multiValueHeaders?.["set-cookie"]?.length).toBeGreaterThan(0);
    const session = setCookies.find((line) => line.startsWith("gc_session="));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/Secure/i);
    expect(session).toMatch(/SameSite=Lax/i);
    const signedIn = cookiePairs([...responseCookies(login), ...setCookies]);

    nockWorkOSJwks(key);
    nockWorkOSOrganization("org_lambda", { name: "Lambda Org" });
    const home = await invoke({ path: "/", headers: html, cookies: signedIn });
    expect(home.statusCode).toBe(303);
    expect(responseHeader(home, "location")).toBe("/workspace/settings/repos");

    // The settings page, rendered by the bundle from the database, inside the layout.
    const settings = await invoke({ path: "/workspace/settings/repos", headers: html, cookies: signedIn });
    expect(settings.statusCode, settings.body).toBe(200);
    expect(settings.body).toMatch(/<title>[^<]+ · GitHub Connect<\/title>/);
    expect(settings.body).toContain("lambda-docs");

    const csrf = /name="_csrf" value="([^"]+)"/.exec(settings.body)?.[1];
    expect(csrf).toBeTruthy();
    const signOut = await invoke({
      method: "POST",
      path: "/auth/logout",
      headers: { ...html, "Content-Type": "application/x-www-form-urlencoded", Origin: "https://connect.example.com" },
      // The page that rendered the token set the secret it is checked against.
      cookies: cookiePairs([...responseCookies(login), ...setCookies, ...responseCookies(settings)]),
      body: new URLSearchParams({ _csrf: csrf! }).toString(),
      // Browsers' form posts reach HTTP APIs base64-encoded when the media type is not text.
      base64: version === "2.0",
    });
    expect(signOut.statusCode, signOut.body).toBe(303);
    expect(responseHeader(signOut, "location")).toMatch(
      /^https:\/\/api\.workos\.com\/user_management\/sessions\/logout\?/,
    );
    expect(responseCookies(signOut).find((line) => line.startsWith("gc_session="))).toMatch(/^gc_session=;/);
  });
});

test("the container pruned the delivery log when it opened the database", async () => {
  expect((await request("2.0", { path: "/healthz" })).statusCode).toBe(200);
  const left = await createModels(connection).WebhookDelivery.find().lean();
  expect(left.map((d) => d.deliveryId)).toEqual(["recent"]);
});

test("a cold start with the database down answers 503 with retry-after instead of crashing", async () => {
  const restore = setEnv({ MONGODB_URI: "mongodb://127.0.0.1:9/unreachable" });
  try {
    const cold = await bundles.handler("web", "db-down");
    const result = await cold(httpApiEvent("2.0", { path: "/healthz" }), lambdaContext("github-connect-web"));
    expect(result.statusCode).toBe(503);
    expect(responseHeader(result, "retry-after")).toBe("30");
  } finally {
    restore();
  }
}, 20_000);

test("a deployment that forgot NODE_ENV, BASE_URL and WORKOS_* answers 500 and logs the variable, never the development sign-in", async () => {
  const restore = setEnv({
    NODE_ENV: undefined,
    AUTH_MODE: undefined,
    BASE_URL: undefined,
    WORKOS_API_KEY: undefined,
    WORKOS_CLIENT_ID: undefined,
    WORKOS_COOKIE_PASSWORD: undefined,
    STATE_SECRET: undefined,
  });
  const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    const misconfigured = await bundles.handler("web", "forgot-node-env");
    const login = await misconfigured(
      httpApiEvent("2.0", { path: "/auth/login", headers: html }),
      lambdaContext("github-connect-web"),
    );
    expect(login.statusCode).toBe(500);
    expect(login.body).toBe("GitHub Connect is misconfigured; see its logs.");
    expect(logged.mock.calls.map(([line]) => JSON.parse(String(line)))).toContainEqual({
      level: "fatal",
      msg: expect.stringMatching(/^Configuration error: BASE_URL is required on Lambda/),
    });
  } finally {
    logged.mockRestore();
    restore();
  }
});

describe.each<PayloadVersion>(["1.0", "2.0"])("WorkOS sign-in, payload format %s", (version) => {
  test("WorkOS is told API Gateway's source IP, never the client's X-Forwarded-For", async () => {
    // A container of its own: the environment is read on its first invocation.
    const restore = setEnv(workosEnv({ BASE_URL: "https://connect.example.test" }));
    try {
      const workosHandler = await bundles.handler("web", `workos-${version}`);
      const invoke = (req: LambdaRequest) =>
        workosHandler(httpApiEvent(version, req), lambdaContext("github-connect-web"));
      const login = await invoke({ path: "/auth/login", headers: html });
      expect(login.statusCode).toBe(302);
      const state = new URL(responseHeader(login, "location")!).searchParams.get("state")!;

      const key = new WorkOSSigningKey();
      const workos = nockAuthenticateWithCodeRecording("code_lambda", {
        organizationId: "org_lambda",
        accessToken: key.sign({ org_id: "org_lambda" }),
      });
      const callback = await invoke({
        path: "/auth/callback",
        query: new URLSearchParams({ code: "code_lambda", state }).toString(),
        headers: { ...html, "X-Forwarded-For": "6.6.6.6" },
        cookies: cookiePairs(responseCookies(login)),
      });
      expect(callback.statusCode, callback.body).toBe(303);
      workos.scope.done();
      // requestContext.identity.sourceIp (1.0) and requestContext.http.sourceIp (2.0) in AWS's example events.
      expect(workos.sent()?.ip_address).toBe("192.0.2.1");
    } finally {
      restore();
    }
  });
});
