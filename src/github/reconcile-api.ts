import type { Probot, ProbotOctokit } from "probot";
import { isObject, type Json } from "./payload.js";

/** One attempt as `GET /app/hook/deliveries` lists it (GitHub's hook-delivery-item). */
export interface HookDeliveryAttempt {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
  throttled_at?: string | null;
}

export interface Page<T> {
  items: T[];
  /** GitHub's Link header names a next page. */
  hasNext: boolean;
  /** x-ratelimit-remaining on this answer, when sent. */
  rateRemaining: number | null;
}

/** The App-JWT calls only the reconcile job makes; each page is requested when the caller asks for it. */
export interface ReconcileGitHub {
  /** `GET /app/hook/deliveries`, newest first, 100 a page, following the cursor GitHub puts in the Link header. */
  deliveryPages(): AsyncIterable<Page<HookDeliveryAttempt>>;
  /** `POST /app/hook/deliveries/{delivery_id}/attempts` (202). */
  redeliver(attemptId: number): Promise<void>;
  /** `GET /app/installations`, 100 a page. */
  installationPages(): AsyncIterable<Page<Json>>;
}

type Octokit = InstanceType<typeof ProbotOctokit>;

const NEXT = /<([^>]+)>;\s*rel="next"/;

function nextUrl(link: string | undefined, apiOrigin: string): string | null {
  const url = link ? NEXT.exec(link)?.[1] : undefined;
  if (!url) return null;
  // The App's JWT goes only to the API it was configured with, whatever a header says.
  if (new URL(url).origin !== apiOrigin) throw new Error(`GitHub's Link header points away from ${apiOrigin}`);
  return url;
}

function remaining(headers: Record<string, unknown>): number | null {
  const value = Number(headers["x-ratelimit-remaining"]);
  return headers["x-ratelimit-remaining"] === undefined || !Number.isFinite(value) ? null : value;
}

/** Pages of a list endpoint, one request per page asked for (Octokit's paginate reads ahead of no one, but hides whether a next page exists). */
async function* pages<T>(octokit: Octokit, url: string, pick: (data: unknown) => T[]): AsyncGenerator<Page<T>> {
  const apiOrigin = new URL(octokit.request.endpoint.DEFAULTS.baseUrl).origin;
  let next: string | null = url;
  while (next) {
    const response: { data: unknown; headers: Record<string, unknown> } = await octokit.request({
      method: "GET",
      url: next,
    });
    next = nextUrl(response.headers.link as string | undefined, apiOrigin);
    yield { items: pick(response.data), hasNext: next !== null, rateRemaining: remaining(response.headers) };
  }
}

const arrayOf = (data: unknown): unknown[] => {
  if (!Array.isArray(data)) throw new Error("GitHub answered a list endpoint with something other than an array");
  return data;
};

export function createReconcileGitHub(probot: Probot): ReconcileGitHub {
  return {
    async *deliveryPages() {
      yield* pages(
        await probot.auth(),
        "/app/hook/deliveries?per_page=100",
        (data) => arrayOf(data) as HookDeliveryAttempt[],
      );
    },
    async redeliver(attemptId) {
      const octokit = await probot.auth();
      await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: attemptId });
    },
    async *installationPages() {
      yield* pages(await probot.auth(), "/app/installations?per_page=100", (data) => arrayOf(data).filter(isObject));
    },
  };
}
