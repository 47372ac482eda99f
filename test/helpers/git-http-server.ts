import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** git without the machine's or the user's configuration, never prompting. */
export function isolatedGitEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { GIT_ASKPASS: _askpass, SSH_ASKPASS: _ssh, ...rest } = process.env;
  return {
    ...rest,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.com",
    ...extra,
  };
}

export interface GitHttpServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT, as git names the host to a credential helper. */
  host: string;
  /** Where the bare repos live (repo.git holds one commit with README.md). */
  root: string;
  /** Requests that presented no Basic auth, or the wrong one. */
  refused: number;
  close(): Promise<void>;
}

/** The CGI answer's header block (up to the blank line) as status and headers; the rest is the body. */
function splitCgiAnswer(output: Buffer): { status: number; headers: [string, string][]; body: Buffer } {
  let end = output.indexOf("\r\n\r\n");
  let gap = 4;
  if (end < 0) {
    end = output.indexOf("\n\n");
    gap = 2;
  }
  const head = output.subarray(0, end).toString("latin1");
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
    else headers.push([name, value]);
  }
  return { status, headers, body: output.subarray(end + gap) };
}

/**
 * A git smart-HTTP server on loopback: `git http-backend` (CGI) behind node:http, answering only
 * requests with Basic auth `x-access-token:<token>`, as github.com takes an installation token.
 */
export async function startGitHttpServer(token: string): Promise<GitHttpServer> {
  const root = await mkdtemp(join(tmpdir(), "git-http-"));
  const env = isolatedGitEnv(root);
  const work = join(root, "work");
  await run("git", ["init", "-q", "-b", "main", work], { env });
  await run("sh", ["-c", "echo hello > README.md && git add README.md && git commit -qm first"], { cwd: work, env });
  await run("git", ["clone", "-q", "--bare", work, join(root, "repo.git")], { env });

  const expected = `Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
  const state = { refused: 0 };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== expected) {
      state.refused += 1;
      res.writeHead(401, { "www-authenticate": 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const backend = spawn("git", ["http-backend"], {
      env: {
        ...env,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
        HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
        REMOTE_USER: "x-access-token",
        REMOTE_ADDR: "127.0.0.1",
      },
    });
    const chunks: Buffer[] = [];
    backend.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.pipe(backend.stdin);
    backend.on("close", () => {
      const answer = splitCgiAnswer(Buffer.concat(chunks));
      res.writeHead(answer.status, answer.headers.flat());
      res.end(answer.body);
    });
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    root,
    get refused() {
      return state.refused;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
