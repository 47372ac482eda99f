import { afterEach, describe, expect, test } from "vitest";
import { createWebApp } from "../../../src/web/create-web-app.js";
import { workosEnv } from "../../helpers/auth.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { listen } from "../../helpers/test-server.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** The web app alone (no database: /healthz answers 503, unknown paths the 404 page) for `env`. */
async function answerHeaders(env: Record<string, string>, path = "/no-such-page"): Promise<Headers> {
  const app = createWebApp({ config: testConfig(env), log: captureLogger("silent").log, connection: null });
  const started = await listen(app);
  close = () => new Promise((resolve) => started.server.close(() => resolve()));
  const response = await fetch(`${started.url}${path}`, { headers: { accept: "text/html" } });
  expect(response.headers.get("content-type")).toMatch(path === "/healthz" ? /json/ : /html/);
  return response.headers;
}

/** The policy's directives in order (helmet joins them with ";", a hand-written header with "; "). */
function directives(headers: Headers): string[] {
  return (headers.get("content-security-policy") ?? "").split(";").map((directive) => directive.trim());
}

describe("security headers on every answer", () => {
  test("a page has a Content-Security-Policy allowing only this site's own resources and GitHub's avatars, never framed; forms may post to GitHub", async () => {
    const headers = await answerHeaders({});
    expect(directives(headers)).toEqual([
      "default-src 'self'",
      "img-src 'self' https://avatars.githubusercontent.com",
      "base-uri 'none'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "form-action 'self' https://github.com",
    ]);
    expect(headers.get("x-frame-options")).toBe("DENY");
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("referrer-policy")).toBe("same-origin");
  });

  test("helmet's other defaults: no popup opener or cross-origin embedding of our resources, no legacy XSS filter", async () => {
    const headers = await answerHeaders({});
    const extras = [
      "cross-origin-opener-policy",
      "cross-origin-resource-policy",
      "origin-agent-cluster",
      "x-dns-prefetch-control",
    ].concat(["x-download-options", "x-permitted-cross-domain-policies", "x-xss-protection", "x-powered-by"]);
    expect(Object.fromEntries(extras.map((name) => [name, headers.get(name)]))).toEqual({
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-resource-policy": "same-origin",
      "origin-agent-cluster": "?1",
      "x-dns-prefetch-control": "off",
      "x-download-options": "noopen",
      "x-permitted-cross-domain-policies": "none",
      "x-xss-protection": "0",
      "x-powered-by": null,
    });
  });

  test("with WorkOS sign-in, sign-out's redirect to WorkOS is an allowed form target; on GHES, GitHub's own host is", async () => {
    expect(
      (await answerHeaders(workosEnv({ BASE_URL: "https://connect.example.com" }) as Record<string, string>)).get(
        "content-security-policy",
      ),
    ).toContain("form-action 'self' https://github.com https://api.workos.com");
    await close?.();
    expect((await answerHeaders({ GHE_HOST: "ghes.example.com" })).get("content-security-policy")).toContain(
      "form-action 'self' https://ghes.example.com",
    );
  });

  test("HSTS when BASE_URL is https, on pages and JSON alike", async () => {
    const headers = await answerHeaders(
      workosEnv({ BASE_URL: "https://connect.example.com" }) as Record<string, string>,
      "/healthz",
    );
    expect(headers.get("strict-transport-security")).toBe("max-age=31536000");
    expect(directives(headers)[0]).toBe("default-src 'self'");
  });

  test("no HSTS when BASE_URL is plain http (local development)", async () => {
    const headers = await answerHeaders({ BASE_URL: "http://localhost:3000" });
    expect(headers.get("strict-transport-security")).toBeNull();
  });
});
