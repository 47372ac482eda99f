import nock from "nock";
import type { ProbotOctokit } from "probot";
import { describe, expect, test } from "vitest";
import { AppOctokit, createProbotInstance } from "../../../src/github/probot-factory.js";
import { createReconcileGitHub } from "../../../src/github/reconcile-api.js";
import { askGitHubToRedeliver, REDELIVER_PAGES_MAX } from "../../../src/webhooks/operator-redelivery.js";
import { documentedBody } from "../../helpers/contract/openapi-responses.js";
import { deliveryAttemptJson } from "../../helpers/github/hook-deliveries.js";
import { APP_JWT, GITHUB_API, SERVER_ERROR } from "../../helpers/github/rest.js";
import { testConfig } from "../../helpers/test-config.js";
import { captureLogger } from "../../helpers/test-logger.js";
import { TestOctokit } from "../../helpers/test-server.js";

/*
 * The console's Redeliver against a GitHub that hangs, pages without end or fails: a person is
 * waiting, so one deadline covers every call, the listing stops at its page cap, and a failure is
 * not retried (the production Octokit retries 5xx by itself).
 */

const GUID = "7d2e1c3f-cccc-11ef-8000-000000000001";
const delivery = { deliveryId: GUID, receivedAt: new Date("2026-11-24T11:00:00Z"), source: "app" };

function github(Octokit: typeof ProbotOctokit = TestOctokit) {
  const config = testConfig();
  return createReconcileGitHub(
    createProbotInstance({
      github: config.github,
      secret: config.github.webhookSecret,
      log: captureLogger("silent").log,
      Octokit,
    }),
  );
}

describe("the console's Redeliver, against a hostile GitHub", () => {
  test("a GitHub that does not answer is given up on at the deadline, and nothing is asked", async () => {
    nock(GITHUB_API)
      .get("/app/hook/deliveries")
      .query(true)
      .delay(60_000)
      .reply(200, documentedBody("GET /app/hook/deliveries", 200, []));
    await expect(askGitHubToRedeliver({ github: github(), timeoutMs: 1_000 }, delivery)).resolves.toEqual({
      outcome: "unavailable",
      message: "GitHub did not answer within 1 s.",
    });
    nock.abortPendingRequests();
    nock.cleanAll();
  });

  test("a listing that never reaches the delivery's time stops at the page cap, with no redelivery", async () => {
    let pages = 0;
    nock(GITHUB_API)
      .persist()
      .get("/app/hook/deliveries")
      .query(true)
      .matchHeader("authorization", APP_JWT)
      .reply(() => {
        pages++;
        // Newer than the delivery, and never its guid: only the cap ends the listing.
        const items = [
          deliveryAttemptJson({
            id: 10_000 + pages,
            guid: "7d2e1c3f-cccc-11ef-8000-0000000000ff",
            deliveredAt: "2026-11-24T11:30:00Z",
            statusCode: 200,
          }),
        ];
        return [
          200,
          documentedBody("GET /app/hook/deliveries", 200, items),
          { link: `<${GITHUB_API}/app/hook/deliveries?per_page=100&cursor=v1_${pages}>; rel="next"` },
        ];
      });
    await expect(askGitHubToRedeliver({ github: github() }, delivery)).resolves.toEqual({
      outcome: "not-listed",
      pagesRead: REDELIVER_PAGES_MAX,
    });
    expect(pages).toBe(REDELIVER_PAGES_MAX);
    nock.cleanAll();
  });

  test("with the production Octokit (which retries 5xx), a failing GitHub is asked once", async () => {
    let asked = 0;
    nock(GITHUB_API)
      .persist()
      .get("/app/hook/deliveries")
      .query(true)
      .reply(() => {
        asked++;
        return [500, SERVER_ERROR];
      });
    const answer = await askGitHubToRedeliver({ github: github(AppOctokit) }, delivery);
    expect(answer.outcome).toBe("unavailable");
    expect(asked).toBe(1);
    nock.cleanAll();
  });
});
