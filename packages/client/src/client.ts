import { Octokit } from "@octokit/core";
import { retry } from "@octokit/plugin-retry";
import { errorFromAnswer, GitHubConnectError } from "./errors.js";
import { createWebhookVerifier, type WebhookVerifier } from "./events.js";
import { createConnectAuth } from "./octokit-auth.js";
import { scopeKey, TokenCache } from "./token-cache.js";
import type { ConnectionState, EventListOptions, EventPage, IssuedToken, TokenScope } from "./types.js";

export interface GitHubConnectOptions {
  /** Where GitHub Connect runs, e.g. `https://connect.example.com`. */
  baseUrl: string;
  /** One of the deployment's INTERNAL_API_TOKENS. */
  serviceToken: string;
  /** GitHub's REST API for `octokit()`: `https://api.github.com` unless GitHub Enterprise Server (`https://ghe.example.com/api/v3`). */
  githubApiUrl?: string;
  /** The `whsec_…` secret GitHub Connect signs its events with (EVENT_SIGNING_SECRET), for `events.verify()`. */
  webhookSecret?: string;
  /** Replaces the global fetch (a proxy, a test's counter). */
  fetch?: typeof fetch;
  /** The clock the cache and the event check read; for tests. */
  now?: () => Date;
}

/** Octokit core with plugin-retry: GitHub's 5xx and rate limits are retried. Typed as the core (`request`, `graphql`, hooks). */
const RetryingOctokit: typeof Octokit = Octokit.plugin(retry);
export type ConnectOctokit = Octokit;

/** Verifying deliveries, and reading the pull feed. */
export interface ConnectEvents extends WebhookVerifier {
  list(options?: EventListOptions): Promise<EventPage>;
}

/** A backend service's way to GitHub Connect: tokens, an Octokit, the connection's state, and its events. */
export class GitHubConnect {
  readonly #baseUrl: string;
  readonly #serviceToken: string;
  readonly #githubApiUrl: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => Date;
  readonly #tokens: TokenCache;
  readonly #webhookSecret: string | undefined;
  #verifier: WebhookVerifier | undefined;

  constructor(options: GitHubConnectOptions) {
    if (!options.baseUrl) throw new TypeError("GitHubConnect: baseUrl is required");
    if (!options.serviceToken) throw new TypeError("GitHubConnect: serviceToken is required");
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#serviceToken = options.serviceToken;
    this.#githubApiUrl = (options.githubApiUrl ?? "https://api.github.com").replace(/\/+$/, "");
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? (() => new Date());
    this.#tokens = new TokenCache(() => this.#now().getTime());
    this.#webhookSecret = options.webhookSecret;
  }

  /** A token for the organization (narrowed to `scope`), cached until five minutes before it expires; callers at once share one request. */
  token(organizationId: string, scope?: TokenScope): Promise<IssuedToken> {
    return this.#tokens.get(scopeKey(organizationId, scope), () =>
      this.#call<IssuedToken>("POST", `/orgs/${encodeURIComponent(organizationId)}/github-token`, scope),
    );
  }

  /** An Octokit acting as the organization's installation: each request's token from `token()`, retried on GitHub's 5xx and rate limits. */
  octokit(organizationId: string, scope?: TokenScope): ConnectOctokit {
    const key = scopeKey(organizationId, scope);
    return new RetryingOctokit({
      baseUrl: this.#githubApiUrl,
      authStrategy: createConnectAuth,
      auth: {
        token: () => this.token(organizationId, scope),
        refused: (token: string) => this.#tokens.drop(key, token),
      },
    });
  }

  /** The organization's connection and its repos. */
  connection(organizationId: string): Promise<ConnectionState> {
    return this.#call<ConnectionState>("GET", `/orgs/${encodeURIComponent(organizationId)}/github`);
  }

  /**
   * GitHub Connect's events: `verify(body, headers)` checks a delivery's Standard Webhooks
   * signature; `list()` reads the pull feed, oldest first, from a cursor.
   */
  get events(): ConnectEvents {
    this.#verifier ??= createWebhookVerifier({ secret: this.#webhookSecret, now: this.#now });
    const verifier = this.#verifier;
    return {
      verify: (body, headers) => verifier.verify(body, headers),
      list: (options = {}) => {
        const query = new URLSearchParams();
        if (options.after) query.set("after", options.after);
        if (options.limit !== undefined) query.set("limit", String(options.limit));
        if (options.organizationId) query.set("organizationId", options.organizationId);
        const search = query.toString();
        return this.#call<EventPage>("GET", `/events${search ? `?${search}` : ""}`);
      },
    };
  }

  async #call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#serviceToken}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}/api/internal${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new GitHubConnectError("unreachable", 0, `GitHub Connect at ${this.#baseUrl} did not answer`, {
        cause: error,
      });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw errorFromAnswer(response.status, parsed, response.headers);
    if (parsed === undefined)
      throw new GitHubConnectError("unexpected_answer", response.status, "GitHub Connect's answer is not JSON");
    return parsed as T;
  }
}
