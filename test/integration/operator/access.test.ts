import { describe, expect, it } from "vitest";
import { signInAs } from "../../helpers/auth.js";
import { pageText } from "../../helpers/github-connect.js";
import { OPERATOR_EMAIL, routesOf, signInOperator, startOperatorServer } from "../../helpers/operator.js";
import { useTestServer } from "../../helpers/use-test-server.js";
import { operatorRoutes } from "../../../src/web/operator/operator-routes.js";
import { OPERATOR_NAV, OPERATOR_PAGES } from "../../../src/web/operator/operator-paths.js";
import type { GitHubConnectDeps } from "../../../src/web/github-connect-deps.js";
import { testConfig } from "../../helpers/test-config.js";

/** An address for a route: its parameters filled with ids of the right shape that exist nowhere. */
function addressOf(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) =>
    /installation|delivery/i.test(name) ? "4242" : name === "organizationId" ? "org_nobody" : "x",
  );
}

/**
 * The console is the operators' alone: every route it declares, on every method (and the other
 * method too), answers 404 to anyone else, exactly as an address that does not exist.
 */
describe("who may open the operator console", () => {
  const holder = useTestServer((connection) => startOperatorServer(connection));
  const routes = routesOf(
    operatorRoutes({ config: testConfig({ OPERATOR_EMAILS: OPERATOR_EMAIL }) } as GitHubConnectDeps),
  );
  const everyAddress = [...new Set(routes.map((route) => addressOf(route.path)))];

  it("declares a route for every page in its navigation", () => {
    for (const item of OPERATOR_NAV) expect(routes).toContainEqual({ method: "GET", path: OPERATOR_PAGES[item.key] });
  });

  it("shows an operator every page, whatever the case of their email in OPERATOR_EMAILS", async () => {
    const operator = await signInOperator(holder.server);
    for (const item of OPERATOR_NAV) {
      const page = await operator.get(OPERATOR_PAGES[item.key]);
      expect(page.status, OPERATOR_PAGES[item.key]).toBe(200);
      expect(page.headers.get("cache-control")).toBe("no-store");
      expect(pageText(page.body)).toContain(item.label);
    }
  });

  const outsiders = [
    {
      who: "an admin of an organization",
      sign: () =>
        signInAs(holder.server.url, { role: "admin", organizationId: "org_acme", email: "admin@acme.example" }),
    },
    {
      who: "a member",
      sign: () =>
        signInAs(holder.server.url, { role: "member", organizationId: "org_acme", email: "member@acme.example" }),
    },
    {
      who: "someone whose email only contains an operator's",
      sign: () => signInAs(holder.server.url, { role: "admin", organizationId: null, email: `x${OPERATOR_EMAIL}` }),
    },
  ];
  for (const { who, sign } of outsiders) {
    it(`answers ${who} 404 on every console address, GET and POST (with a valid CSRF token)`, async () => {
      const client = await sign();
      const notFound = await client.get("/operator/no-such-page");
      for (const address of [...everyAddress, "/operator/no-such-page"]) {
        const get = await client.get(address);
        expect(get.status, `GET ${address}`).toBe(404);
        expect(pageText(get.body), `GET ${address}`).toBe(pageText(notFound.body));
        const post = await client.postForm(address, {});
        expect(post.status, `POST ${address}`).toBe(404);
      }
    });
  }

  it("answers a signed-out browser 404, not a sign-in redirect that would say the console is there", async () => {
    for (const address of everyAddress) {
      const response = await fetch(new URL(address, holder.server.url), { redirect: "manual" });
      expect(response.status, address).toBe(404);
    }
  });

  it("refuses an operator's POST without its CSRF token and changes nothing", async () => {
    const operator = await signInOperator(holder.server);
    for (const route of routes.filter((r) => r.method === "POST")) {
      const response = await operator.postForm(addressOf(route.path), {}, { csrf: false });
      expect(response.status, route.path).toBe(403);
    }
  });

  it("sends an operator with no organization from the start page to the console, and shows only operators the header's link to it", async () => {
    const operator = await signInOperator(holder.server);
    const start = await operator.get("/");
    expect(start.status).toBe(303);
    expect(start.location).toBe("/operator");
    const console = await operator.get("/operator");
    expect(console.body).toContain('<a class="console-link" href="/operator">Operator console</a>');

    const admin = await signInAs(holder.server.url, {
      role: "admin",
      organizationId: "org_acme",
      email: "admin@acme.example",
    });
    const settings = await admin.get("/workspace/settings/repos");
    expect(settings.status).toBe(200);
    expect(settings.body).not.toContain("Operator console");
    const nobody = await signInAs(holder.server.url, { role: "member", organizationId: null, email: "x@acme.example" });
    expect((await nobody.get("/")).status).toBe(403);
  });

  it("answers an operator 404 for a 10 KB id in any console address, and 413 for a 30 MB form, changing nothing", async () => {
    const operator = await signInOperator(holder.server);
    const long = "7".repeat(10_240);
    for (const route of routes.filter((r) => r.path.includes(":"))) {
      const address = route.path.replace(/:[A-Za-z]+/g, long);
      const response = route.method === "GET" ? await operator.get(address) : await operator.postForm(address, {});
      expect(response.status, `${route.method} ${route.path}`).toBe(404);
    }
    const before = await holder.server.models.Event.countDocuments({});
    for (const route of routes.filter((r) => r.method === "POST")) {
      const response = await operator.postForm(addressOf(route.path), { organizationId: "x".repeat(30 * 1024 * 1024) });
      expect(response.status, route.path).toBe(413);
    }
    expect(await holder.server.models.Event.countDocuments({})).toBe(before);
  });
});
