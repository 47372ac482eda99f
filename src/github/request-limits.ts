import type { ProbotOctokit } from "probot";

/**
 * The limits every GitHub call the app makes is held to, whatever GitHub (or whoever answers on
 * its address) sends: a timeout per request, a page cap per listing, and no request, a followed
 * `next` link included, to any origin but the configured API's (github.com or GHES). The App's
 * JWT and every token go to that scheme, host and port only.
 */

/** How long one request may take, connecting to the last byte; retries each get their own. */
export const GITHUB_REQUEST_TIMEOUT_MS = 10_000;

/** Pages one listing follows by default: 10,000 items at 100 a page, more than a user's installations. */
export const MAX_PAGES = 100;

/** A limit stopped a GitHub call: an origin not the API's, a page past the cap, or no answer in time. */
export class GitHubLimitError extends Error {
  override name = "GitHubLimitError";
}

/** Same scheme, host and port (a default port written out or not): what the token may be sent to. */
export function isSameOrigin(url: string, apiUrl: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(url);
    b = new URL(apiUrl);
  } catch {
    return false;
  }
  return a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port;
}

/** Refuses `url` unless it is on the API's origin (or one of `alsoAllowed`, e.g. GitHub's web host for OAuth). */
export function assertGitHubOrigin(url: string, apiUrl: string, alsoAllowed: readonly string[] = []): void {
  if ([apiUrl, ...alsoAllowed].some((allowed) => isSameOrigin(url, allowed))) return;
  let origin = "an invalid URL";
  try {
    origin = new URL(url).origin;
  } catch {}
  throw new GitHubLimitError(
    `refused a request to ${origin}: not the configured GitHub API (${new URL(apiUrl).origin})`,
  );
}

const NEXT = /<([^>]+)>;\s*rel="next"/;

/** The `next` URL of a Link header, or null; one on another origin is refused, not followed. */
export function nextPageUrl(link: string | undefined, apiUrl: string): string | null {
  const url = link ? NEXT.exec(link)?.[1] : undefined;
  if (!url) return null;
  assertGitHubOrigin(url, apiUrl);
  return url;
}

/**
 * The pages of a listing (Octokit's `paginate.iterator`, or any pages with Link headers), ended
 * with GitHubLimitError when page `maxPages` still names a next one: a partial list is never
 * passed off as the whole, and the page past the cap is not asked for.
 */
export async function* cappedPages<P extends { headers: { link?: string } }>(
  pages: AsyncIterable<P>,
  what: string,
  maxPages: number = MAX_PAGES,
): AsyncGenerator<P> {
  let count = 0;
  for await (const page of pages) {
    count++;
    yield page;
    if (count >= maxPages && NEXT.test(page.headers.link ?? ""))
      throw new GitHubLimitError(`${what}: GitHub names more than ${maxPages} pages; stopped there`);
  }
}

type Fetch = typeof globalThis.fetch;
const TIMED = Symbol("github-request-timeout");

/** fetch with a timeout of its own per call (on top of any signal the caller passed). */
function timedFetch(inner: Fetch | undefined, timeoutMs: number): Fetch {
  if (inner && (inner as Fetch & { [TIMED]?: true })[TIMED]) return inner;
  const fetchWithTimeout = async (input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      // Resolved per call: a test's nock replaces globalThis.fetch after this module loads.
      return await (inner ?? globalThis.fetch)(input, { ...init, signal });
    } catch (error) {
      if (timeout.aborted && !init?.signal?.aborted)
        throw new GitHubLimitError(`GitHub did not answer within ${timeoutMs} ms`, { cause: error });
      throw error;
    }
  };
  return Object.assign(fetchWithTimeout, { [TIMED]: true as const });
}

export interface GitHubLimitOptions {
  /** Per request; tests pass a short one. */
  timeoutMs?: number;
  /** Origins besides the API's a request may go to (GitHub's web host, for the OAuth code exchange). */
  alsoAllowed?: readonly string[];
}

/**
 * `Octokit` held to the limits: a before-request hook refuses any URL off the API's origin (so
 * Octokit's own paginate cannot follow a Link elsewhere), and its fetch times out. The fetch is
 * set as a default so the installation token mints @octokit/auth-app makes inside the request
 * time out too.
 */
export function withGitHubLimits<O extends typeof ProbotOctokit>(Octokit: O, options: GitHubLimitOptions = {}): O {
  const timeoutMs = options.timeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS;
  const alsoAllowed = options.alsoAllowed ?? [];
  const Limited = Octokit.plugin((octokit) => {
    octokit.hook.before("request", (request) => {
      const { url } = octokit.request.endpoint.parse(request);
      assertGitHubOrigin(url, octokit.request.endpoint.DEFAULTS.baseUrl, alsoAllowed);
    });
  });
  // biome-ignore lint/suspicious/noExplicitAny: Octokit's defaults() hands over its options untyped.
  return Limited.defaults((instance: Record<string, any>) => ({
    ...instance,
    request: { ...instance.request, fetch: timedFetch(instance.request?.fetch, timeoutMs) },
  })) as unknown as O;
}
