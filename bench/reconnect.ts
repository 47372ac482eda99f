/**
 * Benchmark 3, reconnect at scale: after a reconnect, which of an organization's 1,000 stored
 * repos does the installation reach? The app's way (src/repos/repo-access.ts refreshRepoAccess:
 * paginated GET /installation/repositories, at most two updateMany) against one call per repo
 * (GET /repos/{owner}/{repo}, concurrency 8, honouring retry-after, one update per changed repo),
 * both against a loopback GitHub stand-in that adds 50 ms per call and refuses every 10th
 * repository request with a secondary rate limit.
 */
import mongoose from "mongoose";
import { pino } from "pino";
import { ProbotOctokit, type Probot } from "probot";
import { createIndexes, createModels, type Models } from "../src/models/index.js";
import { createGitHubAppClient } from "../src/github/app-client.js";
import { createAssembly } from "../src/assembly.js";
import { refreshRepoAccess } from "../src/repos/repo-access.js";
import { testConfig } from "../test/helpers/test-config.js";
import { startGitHubStandIn, type GitHubStandIn, type StandInRepo } from "./lib/github-stand-in.js";
import { formatTable, median, ratio, round, type Cell } from "./lib/stats.js";
import type { BenchContext, BenchOutput } from "./lib/types.js";

const STORED = 1000;
const ORG = "org_bench_reconnect";
const OWNER = "bench-org";
const INSTALLATION_ID = 91_000_001;
const DELAY_MS = 50;
const LIMIT_EVERY = 10;
const BASELINE_CONCURRENCY = 8;
const silent = pino({ level: "silent" });

const repoId = (i: number) => 5_000_000 + i;
/** Reached after the reconnect: 1-450 and 501-950 of the stored repos, plus 40 the org never stored. */
const reaches = (i: number) => (i >= 1 && i <= 450) || (i >= 501 && i <= 950);

/** The org's repos as before each run: 1-500 accessible (the old installation's), 501-1000 not. */
async function resetAccess(models: Models): Promise<void> {
  await models.Repo.deleteMany({ organizationId: ORG });
  await models.Repo.insertMany(
    Array.from({ length: STORED }, (_, k) => ({
      organizationId: ORG,
      slug: `repo-${k + 1}`,
      name: `repo-${k + 1}`,
      githubRepoId: repoId(k + 1),
      fullName: `${OWNER}/repo-${k + 1}`,
      accessible: k + 1 <= 500,
    })),
  );
}

interface Outcome {
  approach: string;
  wallMs: number;
  /** Time spent in the GitHub calls (the rest is the database); null when they interleave. */
  githubMs: number | null;
  apiCalls: number;
  secondaryLimited: number;
  writes: number;
  reachable: number;
  unreachable: number;
  error?: string;
}

/** The App's Probot from the composition root, pointed at the stand-in (no database needed). */
function probotFor(standIn: GitHubStandIn, Octokit?: typeof ProbotOctokit): Probot {
  const config = testConfig();
  const assembly = createAssembly({
    config: { ...config, github: { ...config.github, apiUrl: standIn.url } },
    log: silent,
    database: { uri: "mongodb://unused" },
    Octokit,
  });
  return assembly.probots!.app;
}

async function appWay(
  models: Models,
  standIn: GitHubStandIn,
  approach: string,
  Octokit?: typeof ProbotOctokit,
): Promise<Outcome> {
  await resetAccess(models);
  standIn.reset();
  // A fresh Probot: no installation token cached, as after a cold start.
  const client = createGitHubAppClient({ probot: probotFor(standIn, Octokit) });
  let githubMs = 0;
  const listInstallationRepositoryIds = async (id: number) => {
    const listStarted = performance.now();
    try {
      return await client.listInstallationRepositoryIds(id);
    } finally {
      githubMs += performance.now() - listStarted;
    }
  };
  const started = performance.now();
  try {
    const result = await refreshRepoAccess(
      { models, listInstallationRepositoryIds, log: silent },
      ORG,
      INSTALLATION_ID,
    );
    return {
      approach,
      wallMs: performance.now() - started,
      githubMs,
      apiCalls: standIn.stats.calls,
      secondaryLimited: standIn.stats.secondaryLimited,
      writes: result.writes,
      reachable: result.reachable.length,
      unreachable: result.unreachable.length,
    };
  } catch (error) {
    const message =
      error instanceof Error
        ? `${(error as { status?: number }).status ?? error.name} ${error.message.split(".")[0]}`
        : String(error);
    return {
      approach,
      wallMs: performance.now() - started,
      githubMs,
      apiCalls: standIn.stats.calls,
      secondaryLimited: standIn.stats.secondaryLimited,
      writes: 0,
      reachable: 0,
      unreachable: 0,
      error: message,
    };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function perRepoWay(models: Models, standIn: GitHubStandIn): Promise<Outcome> {
  await resetAccess(models);
  standIn.reset();
  const octokit = await probotFor(standIn).auth(INSTALLATION_ID);
  const started = performance.now();
  const stored = await models.Repo.find({ organizationId: ORG }).lean();
  let next = 0;
  let writes = 0;
  let reachable = 0;
  const check = async (owner: string, repo: string): Promise<boolean> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await octokit.request("GET /repos/{owner}/{repo}", { owner, repo });
        return true;
      } catch (error) {
        const { status, response } = error as { status?: number; response?: { headers?: Record<string, string> } };
        if (status === 404) return false;
        const retryAfter = Number(response?.headers?.["retry-after"]);
        if (status === 403 && retryAfter > 0 && attempt < 5) {
          await sleep(retryAfter * 1000);
          continue;
        }
        throw error;
      }
    }
  };
  await Promise.all(
    Array.from({ length: BASELINE_CONCURRENCY }, async () => {
      for (;;) {
        const repo = stored[next++];
        if (!repo) return;
        const [owner, name] = repo.fullName!.split("/") as [string, string];
        const reached = await check(owner, name);
        if (reached) reachable++;
        if (repo.accessible !== reached) {
          writes++;
          await models.Repo.updateOne({ _id: repo._id }, { $set: { accessible: reached } });
        }
      }
    }),
  );
  return {
    approach: "baseline: one call per repo",
    wallMs: performance.now() - started,
    githubMs: null,
    apiCalls: standIn.stats.calls,
    secondaryLimited: standIn.stats.secondaryLimited,
    writes,
    reachable,
    unreachable: stored.length - reachable,
  };
}

export async function reconnect(ctx: BenchContext): Promise<BenchOutput> {
  const runs = Math.max(1, Math.round(3 * ctx.scale));
  const connection = await mongoose
    .createConnection(ctx.db.uriFor(`bench_reconnect_${Date.now()}`), { serverSelectionTimeoutMS: 5000 })
    .asPromise();
  const installationRepos: StandInRepo[] = [];
  for (let i = 1; i <= STORED; i++)
    if (reaches(i)) installationRepos.push({ id: repoId(i), owner: OWNER, name: `repo-${i}` });
  for (let i = 1; i <= 40; i++) installationRepos.push({ id: 6_000_000 + i, owner: OWNER, name: `unstored-${i}` });
  const standIn = await startGitHubStandIn({
    repositories: installationRepos,
    delayMs: DELAY_MS,
    secondaryLimitEvery: LIMIT_EVERY,
  });
  try {
    const models = createModels(connection);
    await createIndexes(models);

    ctx.log("reconnect: Probot's stock Octokit (only logs secondary limits)");
    const stock = await appWay(models, standIn, "app, Probot's stock Octokit", ProbotOctokit);
    ctx.log(`reconnect: the app's refresh as it ships (${runs} runs)`);
    const retrying: Outcome[] = [];
    for (let i = 0; i < runs; i++)
      retrying.push(await appWay(models, standIn, "app, as it ships (retries secondary limits)"));
    ctx.log("reconnect: one call per repo (baseline)");
    const baseline = await perRepoWay(models, standIn);

    const app = retrying.find((o) => o.wallMs === median(retrying.map((r) => r.wallMs)))!;
    const outcomes = [stock, app, baseline];
    const rows: Cell[][] = [
      [
        "approach",
        "wall s",
        "GitHub s",
        "API calls",
        "403 secondary",
        "DB writes",
        "reachable",
        "unreachable",
        "vs baseline",
        "result",
      ],
      ...outcomes.map((o): Cell[] => [
        o.approach,
        round(o.wallMs / 1000, 2),
        o.githubMs === null ? "interleaved" : round(o.githubMs / 1000, 2),
        o.apiCalls,
        o.secondaryLimited,
        o.writes,
        o.reachable,
        o.unreachable,
        o === baseline ? "1x" : o.error ? "n/a" : ratio(o.wallMs, baseline.wallMs),
        o.error ? `failed: ${o.error}` : "ok",
      ]),
    ];
    const notes = [
      "app = refreshRepoAccess (src/repos/repo-access.ts) with createGitHubAppClient: paginated GET /installation/repositories, at most two updateMany",
      `baseline = GET /repos/{owner}/{repo} for each stored repo, ${BASELINE_CONCURRENCY} at a time, waiting retry-after on a 403, one updateOne per changed repo`,
      `${STORED} stored repos; the installation reaches 900 of them and 40 others (10 pages); before: 1-500 accessible`,
      `stand-in: +${DELAY_MS} ms per call, every ${LIMIT_EVERY}th repository request answered 403 "You have exceeded a secondary rate limit" with retry-after: 1`,
      `app as it ships: AppOctokit (src/github/probot-factory.ts) waits retry-after and retries a secondary limit twice; median wall of ${runs} run(s); GitHub s = time in listInstallationRepositoryIds, the rest is the database; API calls include the token mint`,
      `database: ${ctx.db.kind}`,
    ];
    await connection.dropDatabase();
    return {
      name: "reconnect",
      table: formatTable("3. Reconnect at scale", rows, notes),
      results: {
        stored: STORED,
        delayMs: DELAY_MS,
        secondaryLimitEvery: LIMIT_EVERY,
        database: ctx.db.kind,
        stock,
        retrying,
        baseline,
      },
    };
  } finally {
    await standIn.close();
    await connection.close();
  }
}
