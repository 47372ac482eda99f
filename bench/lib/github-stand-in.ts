import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInRepo {
  id: number;
  owner: string;
  name: string;
}

export interface GitHubStandInOptions {
  /** What the installation reaches (GET /installation/repositories, GET /repos/{owner}/{repo}). */
  repositories: StandInRepo[];
  /** Added to every answer, like the round trip to GitHub. */
  delayMs: number;
  /** Every Nth repository request is refused with a secondary rate limit (0: never). */
  secondaryLimitEvery: number;
}

export interface StandInStats {
  /** Every request answered, including refused ones and the token mint. */
  calls: number;
  tokenMints: number;
  secondaryLimited: number;
  byRoute: Record<string, number>;
}

export interface GitHubStandIn {
  url: string;
  stats: StandInStats;
  reset(): void;
  close(): Promise<void>;
}

/** GitHub's documented secondary-rate-limit answer: 403, retry-after, this message. */
const SECONDARY_LIMIT = {
  message:
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4000",
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function repoJson(repo: StandInRepo): Record<string, unknown> {
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: true,
    owner: { login: repo.owner },
  };
}

/**
 * A loopback stand-in for the few GitHub endpoints a reconnect uses: the installation token
 * mint, GET /installation/repositories (100 a page, Link headers) and GET /repos/{owner}/{repo}.
 * It adds latency to every answer and refuses some repository requests with a secondary rate limit.
 */
export async function startGitHubStandIn(options: GitHubStandInOptions): Promise<GitHubStandIn> {
  const byFullName = new Map(options.repositories.map((r) => [`${r.owner}/${r.name}`.toLowerCase(), r]));
  const stats: StandInStats = { calls: 0, tokenMints: 0, secondaryLimited: 0, byRoute: {} };
  let repositoryRequests = 0;
  let url = "";

  const route = (req: IncomingMessage, res: ServerResponse, pathname: string, params: URLSearchParams) => {
    if (req.method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(pathname)) {
      stats.tokenMints++;
      return send(res, 201, {
        token: `ghs_standin${Date.now()}`,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: { metadata: "read" },
        repository_selection: "selected",
      });
    }
    const isRepoRequest =
      req.method === "GET" && (pathname === "/installation/repositories" || pathname.startsWith("/repos/"));
    if (!isRepoRequest) return send(res, 404, { message: "Not Found" });
    repositoryRequests++;
    if (options.secondaryLimitEvery > 0 && repositoryRequests % options.secondaryLimitEvery === 0) {
      stats.secondaryLimited++;
      return send(res, 403, SECONDARY_LIMIT, { "retry-after": "1" });
    }
    if (pathname === "/installation/repositories") {
      const perPage = Math.min(100, Number(params.get("per_page") ?? 30));
      const page = Math.max(1, Number(params.get("page") ?? 1));
      const last = Math.max(1, Math.ceil(options.repositories.length / perPage));
      const slice = options.repositories.slice((page - 1) * perPage, page * perPage);
      const link = (p: number, rel: string) =>
        `<${url}/installation/repositories?per_page=${perPage}&page=${p}>; rel="${rel}"`;
      const links =
        page < last ? [link(page + 1, "next"), link(last, "last")] : [link(1, "first"), link(page - 1, "prev")];
      return send(
        res,
        200,
        {
          total_count: options.repositories.length,
          repository_selection: "selected",
          repositories: slice.map(repoJson),
        },
        { link: links.join(", ") },
      );
    }
    const repo = byFullName.get(decodeURIComponent(pathname.slice("/repos/".length)).toLowerCase());
    return repo ? send(res, 200, repoJson(repo)) : send(res, 404, { message: "Not Found" });
  };

  const server: Server = createServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? "/", "http://stand-in");
    stats.calls++;
    const key = `${req.method} ${pathname.replace(/\d+/g, ":n").replace(/^\/repos\/.*/, "/repos/{owner}/{repo}")}`;
    stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
    req.resume();
    req.on("end", () => setTimeout(() => route(req, res, pathname, searchParams), options.delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stats,
    reset: () => {
      Object.assign(stats, { calls: 0, tokenMints: 0, secondaryLimited: 0, byRoute: {} });
      repositoryRequests = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
