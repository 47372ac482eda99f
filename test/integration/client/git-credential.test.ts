import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { GitHubConnect as PublishedClient } from "@github-connect/client";
import type { IssuedToken } from "../../../packages/client/src/index.js";
import { INSTALLATION_TOKEN } from "../../helpers/github/fixtures.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import { type GitHttpServer, isolatedGitEnv, startGitHttpServer } from "../../helpers/git-http-server.js";
import { internalApiEnv, SERVICE_TOKEN_OLD, storeInstallation } from "../../helpers/internal-api.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer } from "../../helpers/test-server.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");
const PACKAGE = join(ROOT, "packages/client");
const BIN = join(PACKAGE, "dist/bin/git-credential.js");

const holder = useTestServer((connection) => startTestServer({ connection, config: testConfig(internalApiEnv()) }), {
  emptyBetweenTests: true,
});
let git: GitHttpServer;
let home: string;

beforeAll(async () => {
  // The helper runs as shipped: the package built as `npm install` builds it (its `prepare`).
  await run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(PACKAGE, "tsconfig.json")]);
  git = await startGitHttpServer(INSTALLATION_TOKEN);
  home = await mkdtemp(join(tmpdir(), "git-home-"));
});
afterAll(async () => {
  await git?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

const serviceEnv = () => ({ GITHUB_CONNECT_URL: holder.server.url, GITHUB_CONNECT_SERVICE_TOKEN: SERVICE_TOKEN_OLD });

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, whatever its exit code. */
function finish(command: string, args: string[], options: { env: NodeJS.ProcessEnv; input?: string; cwd?: string }) {
  return new Promise<Finished>((done, fail) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** The helper as git calls it: the operation last, the request on stdin. */
function helper(args: string[], input: string, env: Record<string, string> = serviceEnv()) {
  return finish(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, input });
}

/**
 * `git clone` of the loopback server's repo.git, with `helperCommand` as the only credential
 * helper (none when null), for every URL or, with `forUrl`, only the server's (as a worker sets
 * `credential.https://github.com.helper`).
 */
async function clone(
  helperCommand: string | null,
  into: string,
  options: { forUrl?: boolean } = {},
): Promise<Finished> {
  const config = ["-c", "credential.helper="];
  const key = options.forUrl ? `credential.${git.url}.helper` : "credential.helper";
  if (helperCommand) config.push("-c", `${key}=${helperCommand}`);
  return finish("git", [...config, "clone", "-q", `${git.url}/repo.git`, into], {
    env: isolatedGitEnv(home, serviceEnv()),
  });
}

const helperCommand = (organizationId: string) =>
  `!"${process.execPath}" "${BIN}" --organization ${organizationId} --host ${git.host}`;

describe("github-connect-git-credential driven by real git", () => {
  test("git clone over HTTP succeeds through the helper, with the organization's installation token", async () => {
    await storeInstallation(holder.server.models, { installationId: 75001, organizationId: "org_git" });
    nockInstallationToken(75001);
    const into = join(home, "with-helper");

    const cloned = await clone(helperCommand("org_git"), into);

    expect(cloned.stderr).toBe("");
    expect(cloned.code).toBe(0);
    expect(await readFile(join(into, "README.md"), "utf8")).toBe("hello\n");
  });

  test("the helper configured for the server's URL only, as a worker configures it for https://github.com", async () => {
    await storeInstallation(holder.server.models, { installationId: 75003, organizationId: "org_git_url" });
    nockInstallationToken(75003);
    const into = join(home, "url-scoped");

    const cloned = await clone(helperCommand("org_git_url"), into, { forUrl: true });

    expect(cloned.code).toBe(0);
    expect(await readFile(join(into, "README.md"), "utf8")).toBe("hello\n");
  });

  test("without the helper the same clone fails: the server takes only the token", async () => {
    const refusedBefore = git.refused;

    const cloned = await clone(null, join(home, "without-helper"));

    expect(cloned.code).not.toBe(0);
    expect(cloned.stderr).toMatch(/could not read Username|Authentication failed/);
    expect(git.refused).toBeGreaterThan(refusedBefore);
  });

  test("an organization GitHub Connect refuses: the clone fails and the helper says why on one line", async () => {
    const cloned = await clone(helperCommand("org_never_connected"), join(home, "refused"));

    expect(cloned.code).not.toBe(0);
    const said = cloned.stderr.split("\n").filter((line) => line.startsWith("github-connect-git-credential:"));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^github-connect-git-credential: not_connected: /);
  });
});

describe("the credential helper protocol", () => {
  test("get for its host prints the username and the installation token", async () => {
    await storeInstallation(holder.server.models, { installationId: 75002, organizationId: "org_proto" });
    nockInstallationToken(75002);

    const answer = await helper(["--organization", "org_proto", "get"], "protocol=https\nhost=github.com\n\n");

    expect(answer).toEqual({
      code: 0,
      stdout: `username=x-access-token\npassword=${INSTALLATION_TOKEN}\n`,
      stderr: "",
    });
  });

  test("store and erase print nothing and succeed; get for another host prints nothing", async () => {
    const request = "protocol=https\nhost=github.com\nusername=x-access-token\npassword=ghs_x\n\n";
    for (const operation of ["store", "erase"]) {
      expect(await helper(["--organization", "org_proto", operation], request)).toEqual({
        code: 0,
        stdout: "",
        stderr: "",
      });
    }
    expect(await helper(["--organization", "org_proto", "get"], "protocol=https\nhost=gitlab.example.com\n\n")).toEqual(
      { code: 0, stdout: "", stderr: "" },
    );
  });

  test("a refusal is one line on stderr and a non-zero exit: no organization, no environment, a refused organization", async () => {
    const get = "protocol=https\nhost=github.com\n\n";
    const cases = [
      { args: ["get"], env: serviceEnv(), says: /--organization org_… is required/ },
      { args: ["--organization", "org_x", "get"], env: {}, says: /GITHUB_CONNECT_URL is not set/ },
      {
        args: ["--organization", "org_x", "get"],
        env: { ...serviceEnv(), GITHUB_CONNECT_SERVICE_TOKEN: "wrong-token" },
        says: /unauthorized: /,
      },
      { args: ["--organization", "org_x", "get"], env: serviceEnv(), says: /not_connected: / },
    ];
    for (const { args, env, says } of cases) {
      const answer = await helper(args, get, { GITHUB_CONNECT_URL: "", GITHUB_CONNECT_SERVICE_TOKEN: "", ...env });
      expect(answer.code).not.toBe(0);
      expect(answer.stdout).toBe("");
      expect(answer.stderr).toMatch(/^github-connect-git-credential: [^\n]+\n$/);
      expect(answer.stderr).toMatch(says);
    }
  });
});

describe("the package as installed", () => {
  test("plain Node imports @github-connect/client from the root's node_modules", async () => {
    const script = [
      'import * as client from "@github-connect/client";',
      "const connect = new client.GitHubConnect({ baseUrl: 'http://127.0.0.1:9', serviceToken: 'x' });",
      "console.log(JSON.stringify({ octokit: typeof connect.octokit('org_a').request, code: new client.NotConnectedError(404, 'm').code, verify: typeof connect.events.verify }));",
    ].join("\n");

    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT });

    expect(JSON.parse(stdout)).toEqual({ octokit: "function", code: "not_connected", verify: "function" });
  });

  test("TypeScript reads the published declarations (tsc checks this file against packages/client/dist)", () => {
    const issued: IssuedToken = {
      token: "ghp_x",
      expiresAt: null,
      installationId: null,
      accountLogin: null,
      permissions: null,
      repositorySelection: null,
      source: "legacy",
    };
    const published: Awaited<ReturnType<PublishedClient["token"]>> = issued;
    expect(published.source).toBe("legacy");
  });
});
