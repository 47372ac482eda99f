import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Models } from "../models/index.js";
import type { GitHubAppClient } from "../github/app-client.js";
import type { ApiBudget } from "./budget.js";
import type { ReconcileGitHub } from "../github/reconcile-api.js";

/** The job's name: its lease and its checkpoint. */
export const RECONCILE_JOB = "reconcile";

/** Counts only (never ids): what a phase or step did, for the summary and its audit event. */
export type Counts = Record<string, number>;

/** What every phase, and every extra step, is given. */
export interface ReconcileContext {
  models: Models;
  now: () => Date;
  log: Logger;
  /** The App's Probot: `auth()` for the App JWT, `auth(installationId)` for an installation. */
  probot: Probot;
  github: ReconcileGitHub;
  appClient: GitHubAppClient;
  /** Count every GitHub request here, and stop when it says so. */
  budget: ApiBudget;
  /** This run's lease holder id. */
  holder: string;
  /** Call between units of work: renews the lease when due; throws when the run must stop (lease lost, shutdown). */
  keepAlive(): Promise<void>;
}

/** A phase's result: its counts, and whether it finished (false: stopped by the budget or the clock). */
export interface PhaseResult {
  counts: Counts;
  complete: boolean;
}

/**
 * A step the run takes after its own phases and before the summary: the extension point for
 * "3. Checks Marketplace plans". Given to createAssembly (reconcileSteps) or runReconcile (extraSteps).
 * Make GitHub requests through ctx.budget, call ctx.keepAlive between units of work, return
 * counts only; throwing fails the run (the lease is released, the exit code is non-zero).
 */
export interface ReconcileStep {
  /** Names the step's counts in the summary, e.g. "marketplacePlans". */
  name: string;
  run(context: ReconcileContext): Promise<PhaseResult>;
}
