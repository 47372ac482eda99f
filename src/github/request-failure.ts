import { innerErrors } from "../lib/error-details.js";

/**
 * A failed GitHub call, as one log line can say it. Octokit's RequestError carries the request's
 * headers (the token, redacted or not) and the whole response; logged as `err` it becomes forty
 * lines that bury the status. This keeps what an operator acts on.
 */
export interface GitHubFailure {
  /** GitHub's HTTP status; undefined when GitHub was not reached. */
  status: number | undefined;
  /** "DELETE /app/installations/12": the method and path, never the query or host. */
  request: string;
  /** The host that was asked ("api.github.com", a GHES host): says whether the call went to the configured GitHub. */
  host: string | undefined;
  /** GitHub's own words (the body's `message`), capped; undefined when it sent none. */
  message: string | undefined;
  /** What to do about it, in a few words. */
  hint: string;
}

interface RequestErrorLike {
  status: number;
  request: { method?: string; url?: string };
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  const candidate = error as Partial<RequestErrorLike> | null;
  return typeof candidate?.status === "number" && typeof candidate.request === "object" && candidate.request !== null;
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? "").pathname;
  } catch {
    return "(unknown path)";
  }
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? "").host;
  } catch {
    return undefined;
  }
}

/** GitHub's error body says why in `message`; 300 characters is more than any it sends. */
function githubMessageOf(data: unknown): string | undefined {
  const message = (data as { message?: unknown } | null | undefined)?.message;
  return typeof message === "string" && message !== "" ? message.slice(0, 300) : undefined;
}

function hintFor(error: RequestErrorLike): string {
  const { status } = error;
  if (!error.response) return "GitHub could not be reached: check this machine's network (and GHE_HOST if set)";
  if (status === 401)
    return "GitHub refused the credentials: check that APP_ID and PRIVATE_KEY belong to the same App, and this machine's clock";
  if (status === 403 && error.response.headers?.["x-ratelimit-remaining"] === "0")
    return "the rate limit is spent: it resets within the hour";
  if (status === 403)
    return "the App lacks a permission or hit a secondary rate limit: check its permissions on GitHub, or try again in a minute";
  if (status === 404) return "GitHub does not know it, or the App cannot see it (uninstalled, or a permission missing)";
  if (status >= 500) return "GitHub is having trouble: try again in a minute (https://www.githubstatus.com)";
  return "GitHub refused the request";
}

/** The request error in `error` or what it wraps (a cause, an AggregateError's errors), a few levels down. */
function findRequestError(error: unknown, depth = 3): RequestErrorLike | undefined {
  if (isRequestError(error)) return error;
  if (depth === 0) return undefined;
  for (const inner of innerErrors(error)) {
    const found = findRequestError(inner, depth - 1);
    if (found) return found;
  }
  return undefined;
}

/** The GitHub call behind `error` (itself, or an error it wraps), or null if there is none. */
export function gitHubFailure(error: unknown): GitHubFailure | null {
  const found = findRequestError(error);
  if (!found) return null;
  return {
    status: found.response ? found.status : undefined,
    request: `${found.request.method ?? "?"} ${pathOf(found.request.url)}`,
    host: hostOf(found.request.url),
    message: githubMessageOf(found.response?.data),
    hint: hintFor(found),
  };
}

/**
 * How loud a failed call is: GitHub's own trouble (5xx, or no answer at all) passes and is a
 * warning; any other refusal (401, 403, 404, 422) or a failure before GitHub was asked is ours to fix.
 */
export function failureLevel(failure: GitHubFailure | null): "warn" | "error" {
  if (!failure) return "error";
  return failure.status === undefined || failure.status >= 500 ? "warn" : "error";
}

/** One line's message: "GitHub answered 502 to DELETE /app/installations/12: GitHub is having trouble: …". */
export function describeGitHubFailure(failure: GitHubFailure): string {
  const answered =
    failure.status === undefined
      ? `GitHub did not answer ${failure.request}`
      : `GitHub answered ${failure.status} to ${failure.request}`;
  return `${answered}; ${failure.hint}`;
}
