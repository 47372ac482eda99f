import type { Probot, ProbotOctokit } from "probot";
import { isObject, type Json } from "./payload.js";
import { GitHubLimitError, MAX_PAGES, nextPageUrl } from "./request-limits.js";

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

/** For a person waiting on a page (the console's Redeliver): fewer pages, one deadline, no retries. */
export interface WaitedRequest {
  maxPages?: number;
  signal?: AbortSignal;
}

/** Octokit's per-request options for a waited call: the deadline's signal, and no retry past it. */
const waited = (options: WaitedRequest) => (options.signal ? { request: { signal: options.signal, retries: 0 } } : {});

/** The App-JWT calls the reconcile job (and the console's Redeliver) makes; each page is requested when the caller asks for it. */
export interface ReconcileGitHub {
  /** `GET /app/hook/deliveries`, newest first, 100 a page, following the cursor GitHub puts in the Link header. */
  deliveryPages(options?: WaitedRequest): AsyncIterable<Page<HookDeliveryAttempt>>;
  /** `POST /app/hook/deliveries/{delivery_id}/attempts` (202). */
  redeliver(attemptId: number, options?: WaitedRequest): Promise<void>;
  /** `GET /app/installations`, 100 a page. */
  installationPages(): AsyncIterable<Page<Json>>;
}

type Octokit = InstanceType<typeof ProbotOctokit>;

/** 100,000 installations; the run's own budget (appCallsPerRun) stops it well before. */
const INSTALLATION_PAGES_MAX = 1_000;

function remaining(headers: Record<string, unknown>): number | null {
  const value = Number(headers["x-ratelimit-remaining"]);
  return headers["x-ratelimit-remaining"] === undefined || !Number.isFinite(value) ? null : value;
}

/** Pages of a list endpoint, one request per page asked for (Octokit's paginate reads ahead of no one, but hides whether a next page exists). */
async function* pages<T>(
  octokit: Octokit,
  url: string,
  pick: (data: unknown) => T[],
  maxPages: number,
  options: WaitedRequest = {},
): AsyncGenerator<Page<T>> {
  const apiUrl = octokit.request.endpoint.DEFAULTS.baseUrl;
  let next: string | null = url;
  for (let count = 1; next; count++) {
    if (count > maxPages) throw new GitHubLimitError(`${url}: GitHub names more than ${maxPages} pages; stopped there`);
    const response: { data: unknown; headers: Record<string, unknown> } = await octokit.request({
      method: "GET",
      url: next,
      ...waited(options),
    });
    // The App's JWT goes only to the API it was configured with, whatever a header says.
    next = nextPageUrl(response.headers.link as string | undefined, apiUrl);
    yield { items: pick(response.data), hasNext: next !== null, rateRemaining: remaining(response.headers) };
  }
}

const arrayOf = (data: unknown): unknown[] => {
  if (!Array.isArray(data)) throw new Error("GitHub answered a list endpoint with something other than an array");
  return data;
};

export function createReconcileGitHub(probot: Probot): ReconcileGitHub {
  return {
    async *deliveryPages(options = {}) {
      yield* pages(
        await probot.auth(),
        "/app/hook/deliveries?per_page=100",
        (data) => arrayOf(data) as HookDeliveryAttempt[],
        options.maxPages ?? MAX_PAGES,
        options,
      );
    },
    async redeliver(attemptId, options = {}) {
      const octokit = await probot.auth();
      await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
        delivery_id: attemptId,
        ...waited(options),
      });
    },
    async *installationPages() {
      yield* pages(
        await probot.auth(),
        "/app/installations?per_page=100",
        (data) => arrayOf(data).filter(isObject),
        INSTALLATION_PAGES_MAX,
      );
    },
  };
}
