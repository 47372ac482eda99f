import nock from "nock";
import { describe, expect, test } from "vitest";
import { createGitHubAppClient } from "../../../src/github/app-client.js";
import { createProbotInstance } from "../../../src/github/probot-factory.js";
import { descriptionFor, documentedBody } from "../../helpers/contract/openapi-responses.js";
import { githubFixture, INSTALLATION_TOKEN } from "../../helpers/github/fixtures.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import { nockAppInstallations } from "../../helpers/github/installations.js";
import { nockHookDeliveries } from "../../helpers/github/hook-deliveries.js";
import { APP_JWT, GITHUB_API } from "../../helpers/github/rest.js";
import {
  arriveAtSetup,
  connectThroughGitHub,
  pageText,
  SETTINGS,
  signInAdmin,
  startConnectServer,
} from "../../helpers/github-connect.js";
import { storeInstallations, useReconcileHarness } from "../../helpers/reconcile.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { TestOctokit } from "../../helpers/test-server.js";
import { useTestServer } from "../../helpers/use-test-server.js";

/*
 * A GitHub (or a stand-in on its address) that pages without end, hangs, or names another origin
 * in its Link header: every call has a timeout, every listing a page cap, and a token goes only
 * to the configured API's scheme, host and port.
 */

const GHES_API = "https://ghes.example.com/api/v3";
const EMPTY_REPOSITORIES = { total_count: 0, repository_selection: "selected", repositories: [] };

/** GET /installation/repositories answering every page with a Link to the next: returns how many pages were asked for. */
function nockEndlessRepositoryPages(api = GITHUB_API): { pages(): number } {
  let pages = 0;
  const body = documentedBody("GET /installation/repositories", 200, EMPTY_REPOSITORIES, descriptionFor(api));
  nock(api)
    .persist()
    .get("/installation/repositories")
    .query(true)
    .matchHeader("authorization", `token ${INSTALLATION_TOKEN}`)
    .reply(() => {
      pages++;
      return [200, body, { link: `<${api}/installation/repositories?per_page=100&page=${pages + 1}>; rel="next"` }];
    });
  return { pages: () => pages };
}

/** Every request to `origin`, with the authorization it carried (an optional scope: it must stay unasked). */
function recordRequestsTo(origin: string): Array<string | undefined> {
  const seen: Array<string | undefined> = [];
  nock(origin)
    .persist()
    .get(/.*/)
    .optionally()
    .reply(function () {
      seen.push(this.req.headers.authorization as string | undefined);
      return [200, EMPTY_REPOSITORIES];
    });
  return seen;
}

describe.each([
  { name: "github.com", env: {}, api: GITHUB_API, otherPort: "https://api.github.com:8443" },
  { name: "GHES", env: { GHE_HOST: "ghes.example.com" }, api: GHES_API, otherPort: "https://ghes.example.com:8443" },
])("the App's client on $name", ({ env, api, otherPort }) => {
  function appClient(options: { requestTimeoutMs?: number } = {}) {
    const config = testConfig(env);
    const probot = createProbotInstance({
      github: config.github,
      secret: config.github.webhookSecret,
      log: captureLogger("silent").log,
      Octokit: TestOctokit,
      ...options,
    });
    return createGitHubAppClient({ probot });
  }

  function nockMint(installationId: number) {
    nock(api)
      .post(`/app/installations/${installationId}/access_tokens`)
      .matchHeader("authorization", APP_JWT)
      .reply(
        201,
        documentedBody(
          "POST /app/installations/{installation_id}/access_tokens",
          201,
          githubFixture("installation-access-token"),
          descriptionFor(api),
        ),
      );
  }

  test("a next link to another port of the same host is not followed: the installation token stays with the configured API", async () => {
    nockMint(62001);
    // nock prefixes the API's path (GHES's /api/v3); the Link names the whole URL, on another port.
    const path = `${new URL(api).pathname.replace(/\/$/, "")}/installation/repositories`;
    nock(api)
      .get("/installation/repositories")
      .query({ per_page: "100" })
      .reply(200, documentedBody("GET /installation/repositories", 200, EMPTY_REPOSITORIES, descriptionFor(api)), {
        link: `<${otherPort}${path}?per_page=100&page=2>; rel="next"`,
      });
    const leaked = recordRequestsTo(otherPort);
    await expect(appClient().listInstallationRepositoryIds(62001)).rejects.toThrow(/not the configured GitHub API/);
    expect(leaked).toEqual([]);
  });

  test("a listing that never ends stops at the page cap, with an error rather than a partial list", async () => {
    nockMint(62002);
    const endless = nockEndlessRepositoryPages(api);
    await expect(appClient().listInstallationRepositoryIds(62002)).rejects.toThrow(/pages/);
    expect(endless.pages()).toBe(300);
  });

  test("a GitHub that does not answer is given up on after the request timeout", async () => {
    // The timeout covers the token mint too: long enough for that on a loaded machine, far short of the delay.
    nockMint(62003);
    nock(api)
      .get("/installation/repositories")
      .query(true)
      .delay(60_000)
      .reply(200, documentedBody("GET /installation/repositories", 200, EMPTY_REPOSITORIES, descriptionFor(api)));
    await expect(appClient({ requestTimeoutMs: 2_000 }).listInstallationRepositoryIds(62003)).rejects.toThrow(
      /did not answer within 2000 ms/,
    );
  });
});

describe("the web app", () => {
  const ctx = useTestServer(startConnectServer);

  test("setup_action=update against a listing without end stops at the cap and says it could not check", async () => {
    const admin = await signInAdmin(ctx.server, "org_endless");
    await connectThroughGitHub(admin, { installation: { id: 62010 } });
    const endless = nockEndlessRepositoryPages(); // the token minted on connect is still cached
    const setup = await arriveAtSetup(admin, { installation_id: "62010", setup_action: "update" });
    expect(setup.status).toBe(303);
    expect(setup.location).toBe(SETTINGS);
    expect(endless.pages()).toBe(300);
    expect(pageText((await admin.get(SETTINGS)).body)).toContain("could not check which projects it can reach");
  });
});

describe("the reconcile job", () => {
  const job = useReconcileHarness();

  test("a next link to another port is not followed with the installation token, and the run ends", async () => {
    await storeInstallations(job.models, [{ installationId: 62020, organizationId: "org_acme" }]);
    nockHookDeliveries([[]]);
    nockAppInstallations([[{ id: 62020 }]]);
    nockInstallationToken(62020);
    nock(GITHUB_API)
      .get("/installation/repositories")
      .query({ per_page: "100" })
      .reply(200, documentedBody("GET /installation/repositories", 200, EMPTY_REPOSITORIES), {
        link: '<https://api.github.com:8443/installation/repositories?per_page=100&page=2>; rel="next"',
      });
    const leaked = recordRequestsTo("https://api.github.com:8443");
    const result = await job.run();
    expect(result.outcome).toBe("failed");
    expect(leaked).toEqual([]);
  });

  test("a hung GET /app/hook/deliveries is given up on: the run ends, failed", async () => {
    nock(GITHUB_API)
      .get("/app/hook/deliveries")
      .query(true)
      .delay(60_000)
      .reply(200, documentedBody("GET /app/hook/deliveries", 200, []));
    const result = await job.run({ requestTimeoutMs: 2_000 });
    expect(result.outcome).toBe("failed");
    expect(String((result as { error: unknown }).error)).toMatch(/did not answer within 2000 ms/);
  });
});
