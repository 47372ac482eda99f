import type { ProbotOctokit } from "probot";
import { beforeEach } from "vitest";
import type { Models } from "../../src/models/index.js";
import type { GitHubInstallationDoc } from "../../src/models/github-installation.js";
import { runReconcile, type ReconcileOptions, type ReconcileResult } from "../../src/reconcile/run-reconcile.js";
import type { ReconcileSummary } from "../../src/reconcile/summary.js";
import { createProbotInstance } from "../../src/github/probot-factory.js";
import { ACME } from "./github/fixtures.js";
import { testConfig } from "./test-config.js";
import { captureLogger, type CapturedLogger } from "./test-logger.js";
import { TestOctokit } from "./test-server.js";
import { useTestModels } from "./use-test-server.js";

/** The tests' clock: the fixtures' day (app-installation.json was created 2026-11-24T11:58Z). */
export const RECONCILE_NOW = new Date("2026-11-24T12:00:00Z");
export const minutesAgo = (minutes: number, from = RECONCILE_NOW) =>
  new Date(from.getTime() - minutes * 60_000).toISOString();

export interface ReconcileHarness {
  readonly models: Models;
  readonly logs: CapturedLogger;
  setNow(date: Date): void;
  now(): Date;
  /** One run as the job makes it, on a new Probot (no token cached from another run), retries off unless Octokit says. */
  run(
    options?: Partial<ReconcileOptions> & { Octokit?: typeof ProbotOctokit; requestTimeoutMs?: number },
  ): Promise<ReconcileResult>;
}

/** This file's own database, emptied before each test, and a clock the test moves. */
export function useReconcileHarness(): ReconcileHarness {
  const db = useTestModels();
  let current = RECONCILE_NOW;
  let logs = captureLogger();
  beforeEach(async () => {
    current = RECONCILE_NOW;
    logs = captureLogger();
    await Promise.all(
      Object.values(db.models).map((model) => (model as { deleteMany(f: object): Promise<unknown> }).deleteMany({})),
    );
  });
  const now = () => new Date(current);
  return {
    get models() {
      return db.models;
    },
    get logs() {
      return logs;
    },
    setNow(date) {
      current = date;
    },
    now,
    run({ Octokit, requestTimeoutMs, ...options } = {}) {
      const config = testConfig();
      const probot = createProbotInstance({
        github: config.github,
        secret: config.github.webhookSecret,
        log: logs.log,
        Octokit: Octokit ?? TestOctokit,
        requestTimeoutMs,
      });
      return runReconcile({ models: db.models, probot, now, log: logs.log, ...options });
    },
  };
}

/** The summary of a run that completed (fails the test otherwise, with the error). */
export function completed(result: ReconcileResult): ReconcileSummary {
  if (result.outcome === "failed") throw result.error;
  if (result.outcome !== "completed") throw new Error(`the run did not complete: ${result.outcome}`);
  return result.summary;
}

export type StoredInstallation = Partial<GitHubInstallationDoc> & { installationId: number };

/** Installations as webhooks stored them a day ago (ACME's account unless said otherwise). */
export async function storeInstallations(models: Models, installations: StoredInstallation[]): Promise<void> {
  await models.GitHubInstallation.insertMany(
    installations.map((i) => ({
      accountId: ACME.id,
      accountLogin: ACME.login,
      accountType: "Organization",
      lastEventAt: new Date(minutesAgo(24 * 60)),
      ...i,
    })),
  );
}
