import { retry } from "@octokit/plugin-retry";
import { Probot, ProbotOctokit } from "probot";
import type { Logger } from "pino";
import type { GitHubConfig } from "../config/env.js";
import { withGitHubLimits } from "./request-limits.js";

/** How many times a request refused by a secondary rate limit is tried again (after `retry-after`). */
const SECONDARY_LIMIT_RETRIES = 2;
/** The longest `retry-after` waited out: GitHub's own are seconds to a minute; a longer one would hold a page or a run. */
const SECONDARY_LIMIT_MAX_WAIT_S = 60;

/**
 * The Octokit for every GitHub call the app makes (App JWT, installation and user tokens):
 * Probot's, with plugin-retry stated rather than assumed (5xx and 429 tried again; a no-op where
 * Probot already applies the same plugin), and a secondary rate limit waited out and retried:
 * Probot's own throttle options only log it, so a reconnect that pages through
 * /installation/repositories fails on the first 403 GitHub sends under load.
 */
// biome-ignore lint/suspicious/noExplicitAny: Octokit's defaults() hands over its options untyped.
export const AppOctokit = ProbotOctokit.plugin(retry).defaults((options: Record<string, any>) => ({
  ...options,
  throttle: {
    ...options.throttle,
    onSecondaryRateLimit: (
      retryAfter: number,
      request: { method: string; url: string },
      octokit: { log: { warn(msg: string): void } },
      retryCount: number,
    ) => {
      if (retryAfter > SECONDARY_LIMIT_MAX_WAIT_S) {
        octokit.log.warn(
          `Secondary rate limit on ${request.method} ${request.url} asks to wait ${retryAfter} s; not retried`,
        );
        return false;
      }
      octokit.log.warn(
        `Secondary rate limit on ${request.method} ${request.url}; retry ${retryCount + 1} after ${retryAfter} s`,
      );
      return retryCount < SECONDARY_LIMIT_RETRIES;
    },
  },
}));

export interface ProbotFactoryOptions {
  github: GitHubConfig;
  secret: string;
  log: Logger;
  /** Tests pass an Octokit with retries off so a recorded 5xx answers at once. */
  Octokit?: typeof ProbotOctokit;
  /** Per GitHub request (GITHUB_REQUEST_TIMEOUT_MS unless said); tests pass a short one. */
  requestTimeoutMs?: number;
}

/**
 * A Probot instance from validated config; the webhook and Marketplace endpoints each get one (own
 * secret). Its Octokit, and so every installation's, is held to the request limits (timeout, the
 * API's origin only: src/github/request-limits.ts).
 */
export function createProbotInstance(options: ProbotFactoryOptions): Probot {
  const { github } = options;
  if (!github.appId || !github.privateKey) throw new Error("createProbotInstance needs APP_ID and PRIVATE_KEY");
  const Octokit = withGitHubLimits(options.Octokit ?? AppOctokit, { timeoutMs: options.requestTimeoutMs });
  return new Probot({
    appId: github.appId,
    privateKey: github.privateKey,
    secret: options.secret,
    baseUrl: github.apiUrl,
    log: options.log,
    Octokit: mintingAtConfiguredGitHub(Octokit, github.apiUrl),
  });
}

/**
 * @octokit/auth-app mints installation tokens with the `request` in its options, and Probot 13
 * hands it a bare one: no base URL (so api.github.com, carrying the App's JWT, even on GitHub
 * Enterprise Server), no retries and no limits. Every App-authenticated Octokit gets instead the
 * request of an Octokit of the same class, pointed at the configured GitHub, with that class's
 * retries and request limits.
 */
function mintingAtConfiguredGitHub(Octokit: typeof ProbotOctokit, apiUrl: string): typeof ProbotOctokit {
  // auth-app sets the App's JWT on the mint itself: this Octokit adds no credentials.
  const noCredentials = () =>
    Object.assign(async () => ({ type: "unauthenticated" }), {
      hook: (request: (route: unknown, parameters: unknown) => Promise<unknown>, route: unknown, parameters: unknown) =>
        request(route, parameters),
    });
  const mintRequest = new Octokit({ baseUrl: apiUrl, authStrategy: noCredentials, throttle: { enabled: false } })
    .request;
  return Octokit.defaults((options: { auth?: Record<string, unknown> }) =>
    options.auth && "appId" in options.auth ? { ...options, auth: { ...options.auth, request: mintRequest } } : options,
  );
}
