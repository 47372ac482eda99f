import { Router } from "express";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createWebApp } from "../../../src/web/create-web-app.js";
import { SESSION_COOKIE } from "../../../src/web/session/cookies.js";
import { signInAs } from "../../helpers/auth.js";
import { startAuthProbeServer } from "../../helpers/auth-probe.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { listen } from "../../helpers/test-server.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const ctx = useTestServer(startAuthProbeServer);

type Line = Record<string, unknown> & { req?: { method: string; url: string } };

/** The access lines written for requests to `path` (the URL as logged, query redacted, starts with it). */
function accessLines(lines: Line[], path: string): Line[] {
  return lines.filter(
    (line) => line.req !== undefined && (line.req.url === path || line.req.url.startsWith(`${path}?`)),
  );
}

describe("access log", () => {
  test("one info line per request: id, method, path, status and time, nothing else about the request", async () => {
    const response = await fetch(`${ctx.server.url}/auth/login`, {
      headers: {
        accept: "text/html",
        "x-request-id": "access-1",
        cookie: "other-site=visible-to-no-one",
        authorization: "Bearer not-for-logs",
      },
    });
    expect(response.status).toBe(200);
    await response.text();
    const [line, ...more] = accessLines(ctx.server.logs.lines as Line[], "/auth/login").filter(
      (l) => l.requestId === "access-1",
    );
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 30,
      requestId: "access-1",
      req: { method: "GET", url: "/auth/login" },
      res: { statusCode: 200 },
      msg: "request completed",
    });
    expect(Object.keys(line!).sort()).toEqual([
      "hostname",
      "level",
      "msg",
      "pid",
      "req",
      "requestId",
      "res",
      "responseTime",
      "time",
    ]);
    expect(line!.responseTime).toEqual(expect.any(Number));
    expect(ctx.server.logs.text()).not.toMatch(/visible-to-no-one|not-for-logs/);
  });

  test("an unknown page is a warn line with its status", async () => {
    await (
      await fetch(`${ctx.server.url}/no-such-page-for-the-access-log`, { headers: { accept: "text/html" } })
    ).text();
    expect(accessLines(ctx.server.logs.lines as Line[], "/no-such-page-for-the-access-log")).toEqual([
      expect.objectContaining({ level: 40, res: { statusCode: 404 } }),
    ]);
  });

  test("the query's values are never logged (OAuth's code and state arrive there), only its parameter names", async () => {
    const client = await signInAs(ctx.server.url, { role: "admin" });
    const res = await client.get("/github/callback?code=oauth-code-73519&state=state-token-73519");
    expect(res.status).toBeGreaterThanOrEqual(300);
    const [line] = accessLines(ctx.server.logs.lines as Line[], "/github/callback");
    expect(line!.req!.url).toBe("/github/callback?code=[redacted]&state=[redacted]");
    expect(ctx.server.logs.text()).not.toMatch(/73519/);
  });

  test("a signed-in request's line names the user and organization, never the session cookie", async () => {
    const client = await signInAs(ctx.server.url, { role: "admin", organizationId: "org_access_log" });
    const res = await client.get("/probe/whoami", {
      headers: { accept: "application/json", "x-request-id": "access-signed-in" },
    });
    expect(res.status).toBe(200);
    const [line] = accessLines(ctx.server.logs.lines as Line[], "/probe/whoami").filter(
      (l) => l.requestId === "access-signed-in",
    );
    expect(line).toMatchObject({ level: 30, organizationId: "org_access_log", userId: expect.any(String) });
    expect(ctx.server.logs.text()).not.toContain(client.jar.get(SESSION_COOKIE)!);
  });
});

describe("access log of failures", () => {
  const logs = captureLogger();
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const boom = Router().get("/boom", () => {
      throw new Error("boom");
    });
    // No database: /healthz answers 503.
    const started = await listen(
      createWebApp({ config: testConfig(), log: logs.log, connection: null, routers: [boom] }),
    );
    url = started.url;
    close = () => new Promise((resolve) => started.server.close(() => resolve()));
  });
  afterAll(() => close?.());

  test("a 5xx is an error line; the error's stack is on the error handler's line, under the same id", async () => {
    for (const path of ["/boom", "/healthz"])
      await (await fetch(`${url}${path}`, { headers: { "x-request-id": `failure${path.replace("/", "-")}` } })).text();
    expect(accessLines(logs.lines as Line[], "/boom")).toEqual([
      expect.objectContaining({
        level: 50,
        requestId: "failure-boom",
        res: { statusCode: 500 },
        msg: "request errored",
      }),
    ]);
    expect(accessLines(logs.lines as Line[], "/boom")[0]).not.toHaveProperty("err");
    expect(logs.lines.find((line) => line.msg === "request failed")).toMatchObject({
      requestId: "failure-boom",
      err: { message: "boom" },
    });
    expect(accessLines(logs.lines as Line[], "/healthz")).toEqual([
      expect.objectContaining({ level: 50, res: { statusCode: 503 } }),
    ]);
  });
});
