import nock from "nock";
import { documentedBody } from "../contract/openapi-responses.js";
import { githubFixture, type Json } from "./fixtures.js";
import { APP_JWT, errorBody, GITHUB_API, SERVER_ERROR } from "./rest.js";

/*
 * The App's webhook delivery log as GitHub serves it to the App's JWT: GET /app/hook/deliveries
 * (newest first, cursor pages) and POST /app/hook/deliveries/{id}/attempts. Items start from
 * GitHub's documented example (test/fixtures/github/hook-deliveries.json).
 */

export interface DeliveryAttemptSpec {
  /** The attempt's id (what a redelivery request names). */
  id: number;
  /** The event's guid, shared by every attempt: our X-GitHub-Delivery. */
  guid: string;
  deliveredAt: string;
  /** What our endpoint answered; 0 when GitHub got no answer (timed out, failed to connect). */
  statusCode: number;
  redelivery?: boolean;
  event?: string;
  action?: string | null;
  installationId?: number | null;
}

function statusText(code: number): string {
  if (code >= 200 && code < 300) return "OK";
  return code === 0 ? "timed out" : `Invalid HTTP Response: ${code}`;
}

/** One item as GET /app/hook/deliveries lists it. */
export function deliveryAttemptJson(spec: DeliveryAttemptSpec): Json {
  const base = githubFixture<Json[]>("hook-deliveries")[0]!;
  return {
    ...base,
    id: spec.id,
    guid: spec.guid,
    delivered_at: spec.deliveredAt,
    redelivery: spec.redelivery ?? false,
    status: statusText(spec.statusCode),
    status_code: spec.statusCode,
    event: spec.event ?? "installation",
    action: spec.action === undefined ? "created" : spec.action,
    installation_id: spec.installationId === undefined ? 51001 : spec.installationId,
    repository_id: null,
    throttled_at: null,
  };
}

const cursorOf = (page: DeliveryAttemptSpec[]) => `v1_${page.at(-1)!.id}`;

/**
 * GET /app/hook/deliveries with the App's JWT, `pages` in GitHub's order (newest first). The
 * first page is asked for without a cursor; each answer's Link header names the next page's
 * cursor, as GitHub does. Only the pages a test expects to be read should be passed.
 */
export function nockHookDeliveries(
  pages: DeliveryAttemptSpec[][],
  options: { lastPageHasNext?: boolean; rateRemaining?: number } = {},
): nock.Scope {
  const scope = nock(GITHUB_API).matchHeader("authorization", APP_JWT);
  const all = pages.length > 0 ? pages : [[]];
  all.forEach((page, index) => {
    const query: Record<string, string> =
      index === 0 ? { per_page: "100" } : { per_page: "100", cursor: cursorOf(all[index - 1]!) };
    const hasNext = index < all.length - 1 || (options.lastPageHasNext ?? false);
    const headers: Record<string, string> = {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(options.rateRemaining ?? 4990),
    };
    if (hasNext && page.length > 0)
      headers.link = `<${GITHUB_API}/app/hook/deliveries?per_page=100&cursor=${cursorOf(page)}>; rel="next"`;
    scope
      .get("/app/hook/deliveries")
      .query(query)
      .reply(200, documentedBody("GET /app/hook/deliveries", 200, page.map(deliveryAttemptJson)), headers);
  });
  return scope;
}

/** POST /app/hook/deliveries/{id}/attempts with the App's JWT: 202 Accepted, or GitHub's error. */
export function nockRedeliver(attemptId: number, status: 202 | 404 | 422 | 500 = 202): nock.Scope {
  const scope = nock(GITHUB_API)
    .post(`/app/hook/deliveries/${attemptId}/attempts`)
    .matchHeader("authorization", APP_JWT);
  const operation = "POST /app/hook/deliveries/{delivery_id}/attempts";
  if (status === 202) return scope.reply(202, documentedBody(operation, 202, {}));
  // GitHub answers an attempt id it does not know (or no longer keeps) 404 with its basic-error;
  // the description documents no 404 for this operation, so the body is GitHub's shape, unchecked.
  if (status === 404)
    return scope.reply(404, {
      message: "Not Found",
      documentation_url: "https://docs.github.com/rest/apps/webhooks#redeliver-a-delivery-for-an-app-webhook",
      status: "404",
    });
  if (status === 422)
    return scope.reply(
      422,
      errorBody(
        operation,
        422,
        "Validation Failed",
        "https://docs.github.com/rest/apps/webhooks#redeliver-a-delivery-for-an-app-webhook",
      ),
    );
  return scope.reply(500, SERVER_ERROR);
}

/** GET /app/hook/deliveries answering a 5xx: GitHub having trouble (nothing listed, nothing to redeliver). */
export function nockHookDeliveriesFailing(status: 500 | 502 = 500): nock.Scope {
  return nock(GITHUB_API)
    .matchHeader("authorization", APP_JWT)
    .get("/app/hook/deliveries")
    .query({ per_page: "100" })
    .reply(status, SERVER_ERROR);
}
