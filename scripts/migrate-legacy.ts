/**
 * Records the GitHub ids of the repositories a single-tenant deployment already uses, so that
 * when its organization connects the App (or reconnects) they are pre-selected and checked:
 *
 *   npm run migrate:legacy -- --organization <workosOrgId> --owner <login> [--repos a,b,c] [--dry-run]
 *
 * Reads the same environment as `npm start` (.env included): LEGACY_GITHUB_TOKEN lists the
 * repositories, and the organization must be one of LEGACY_GITHUB_ORGANIZATIONS. The database is
 * MONGODB_URI or, outside production, the embedded one `npm start` uses (stop it first).
 * With --repos only those repositories are recorded, else every one of the owner's the token
 * can see. --dry-run prints what it would write and writes nothing.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import type { Connection } from "mongoose";
import type { ProbotOctokit } from "probot";
import { ConfigError, loadConfig, type AppConfig } from "../src/config/env.js";
import { ORGANIZATION_ID_PATTERN } from "../src/config/service-access.js";
import { connectDatabase } from "../src/db/connect.js";
import { startEmbeddedMongo, type EmbeddedMongo } from "../src/db/embedded/embedded-mongo.js";
import { createIndexes, createModels } from "../src/models/index.js";
import { projectPaths } from "../src/project-paths.js";
import {
  LegacyReposNotFoundError,
  listLegacyRepos,
  recordLegacyRepos,
  type RecordedRepo,
} from "../src/repos/legacy-repos.js";
import { AppOctokit } from "../src/github/probot-factory.js";
import { withGitHubLimits } from "../src/github/request-limits.js";

const USAGE =
  "usage: npm run migrate:legacy -- --organization <workosOrgId> --owner <login> [--repos a,b,c] [--dry-run]";
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** The command line could not be read; the message says how to write it. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface MigrateOptions {
  organizationId: string;
  owner: string;
  repos?: string[];
  dryRun: boolean;
}

export function parseMigrateArgs(argv: string[]): MigrateOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        organization: { type: "string" },
        owner: { type: "string" },
        repos: { type: "string" },
        "dry-run": { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { organization, owner, repos } = values;
  if (!organization || !ORGANIZATION_ID_PATTERN.test(organization))
    throw new UsageError(`--organization must be a WorkOS organization id\n${USAGE}`);
  if (!owner || !GITHUB_LOGIN.test(owner))
    throw new UsageError(`--owner must be a GitHub login (the organization or user owning the repositories)\n${USAGE}`);
  const names = repos?.split(",").map((name) => name.trim());
  if (names && (names.length === 0 || names.some((name) => !REPO_NAME.test(name)))) {
    throw new UsageError(`--repos must be comma-separated repository names without the owner (web,api)\n${USAGE}`);
  }
  return {
    organizationId: organization,
    owner,
    ...(names ? { repos: names } : {}),
    dryRun: values["dry-run"] ?? false,
  };
}

export interface MigrateDeps {
  env?: Record<string, string | undefined>;
  /** An open database (tests); otherwise MONGODB_URI or the embedded one. */
  connection?: Connection;
  Octokit?: typeof ProbotOctokit;
  out?: (line: string) => void;
  /** The clock of the activity entries it writes. */
  now?: () => Date;
}

function describeRecord(repo: RecordedRepo, dryRun: boolean): string {
  const verb = { create: "create", update: "update", unchanged: "unchanged", skip: "skip" }[repo.action];
  const what = `${repo.fullName} (id ${repo.githubRepoId}) as "${repo.slug}"`;
  if (repo.action === "skip") return `skip       ${what}: ${repo.reason}`;
  if (repo.action === "unchanged") return `unchanged  ${what}`;
  return `${dryRun ? `would ${verb}` : verb.padEnd(10)} ${what}`;
}

async function openDatabase(
  config: AppConfig,
  log: (line: string) => void,
): Promise<{ connection: Connection; stop(): Promise<void> }> {
  let embedded: EmbeddedMongo | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    log("No MONGODB_URI: opening the embedded database npm start uses (.data/mongo)");
    embedded = await startEmbeddedMongo({ dataDir: path.join(projectPaths.data, "mongo") });
    uri = `${embedded.uri.replace(/\/?(\?.*)?$/, "")}/github-connect`;
  }
  const connection = await connectDatabase(uri);
  return {
    connection,
    stop: async () => {
      await connection.close();
      await embedded?.stop();
    },
  };
}

/** Runs the migration; returns the process's exit code. */
export async function main(argv: string[], deps: MigrateDeps = {}): Promise<number> {
  const out = deps.out ?? ((line: string) => console.log(line));
  let options: MigrateOptions;
  let config: AppConfig;
  try {
    options = parseMigrateArgs(argv);
    config = loadConfig(deps.env ?? process.env);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    out(error instanceof ConfigError ? `Configuration error: ${error.message}` : error.message);
    return 2;
  }
  const legacy = config.services.legacyGitHub;
  if (!legacy) {
    out(
      "LEGACY_GITHUB_TOKEN and LEGACY_GITHUB_ORGANIZATIONS are not set: the migration lists repositories with the token the deployment already uses",
    );
    return 2;
  }
  if (!legacy.organizationIds.includes(options.organizationId)) {
    out(
      `${options.organizationId} is not in LEGACY_GITHUB_ORGANIZATIONS: only a listed organization's repositories are recorded with the legacy token`,
    );
    return 2;
  }

  const Octokit = withGitHubLimits(deps.Octokit ?? AppOctokit);
  const octokit = new Octokit({ auth: { token: legacy.token }, baseUrl: config.github.apiUrl });
  let listing;
  try {
    listing = await listLegacyRepos(octokit, options.owner, options.repos);
  } catch (error) {
    if (!(error instanceof LegacyReposNotFoundError)) throw error;
    out(error.message);
    return 1;
  }
  if (listing.warning) out(`warning: ${listing.warning}`);

  const database = deps.connection
    ? { connection: deps.connection, stop: async () => {} }
    : await openDatabase(config, out);
  try {
    const models = createModels(database.connection);
    await createIndexes(models);
    if (options.dryRun) out("dry run: nothing is written");
    const results = await recordLegacyRepos(models, options.organizationId, listing.repos, {
      dryRun: options.dryRun,
      now: deps.now ?? (() => new Date()),
    });
    for (const repo of results) out(describeRecord(repo, options.dryRun));
    const count = (action: RecordedRepo["action"]) => results.filter((repo) => repo.action === action).length;
    const prefix = options.dryRun ? "would record" : "recorded";
    out(
      `${prefix} ${results.length} repositories of ${options.owner} for ${options.organizationId}: ${count("create")} new, ${count("update")} updated, ${count("unchanged")} unchanged, ${count("skip")} skipped`,
    );
    return 0;
  } finally {
    await database.stop();
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  await import("dotenv/config");
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // GitHub's refusal or the database's, in one line: the token is never part of it.
      console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
