import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Models } from "../models/index.js";
import { createGitHubAppClient } from "../github/app-client.js";
import { acquireLease, newHolderId } from "../db/lease.js";
import { ApiBudget, DEFAULT_LIMITS, type ReconcileLimits } from "./budget.js";
import { readCheckpoint, saveRunEnd } from "./checkpoint.js";
import { RECONCILE_JOB, type Counts, type PhaseResult, type ReconcileContext, type ReconcileStep } from "./context.js";
import { createReconcileGitHub, type ReconcileGitHub } from "../github/reconcile-api.js";
import { reconcileInstallations } from "./reconcile-installations.js";
import { reconcileRepoAccess } from "./reconcile-repo-access.js";
import { redeliverFailed } from "./redeliver-failed.js";
import { recordSummary, summarize, type ReconcileSummary } from "./summary.js";

/** Long enough for any one GitHub request; a crashed run's lease frees the job this long after its last renewal. */
const RECONCILE_LEASE_MS = 5 * 60 * 1000;

export interface ReconcileOptions {
  models: Models;
  /** The App's Probot (assembly.probots.app). */
  probot: Probot;
  now: () => Date;
  log: Logger;
  limits?: Partial<ReconcileLimits>;
  /** Step 3 and later (Marketplace plans): run after the installations, before the summary. */
  extraSteps?: readonly ReconcileStep[];
  leaseMs?: number;
  holder?: string;
  /** Epoch ms (real clock) after which no GitHub request is started: Lambda's deadline. */
  stopAt?: number;
  /** Aborted: stop at the next unit of work (the Node server shutting down). */
  signal?: AbortSignal;
  /** Replaces the App-JWT calls only the job makes; by default they go through the Probot. */
  github?: ReconcileGitHub;
  /** Skip the run when the last one ended less than this ago: several Node servers on one RECONCILE_INTERVAL run it once. */
  notWithinMs?: number;
}

/** What a caller of the assembly's reconcile() may set for one run; the rest comes from the assembly. */
export type ReconcileRunOptions = Partial<
  Pick<ReconcileOptions, "log" | "stopAt" | "signal" | "limits" | "holder" | "leaseMs" | "notWithinMs">
>;

export type ReconcileResult =
  | { outcome: "completed"; summary: ReconcileSummary }
  | { outcome: "lease-held"; heldBy: string; expiresAt: Date }
  | { outcome: "skipped"; lastRunAt: Date }
  | { outcome: "failed"; error: unknown; summary: ReconcileSummary };

/** `npm run reconcile` and the Lambda function: non-zero only when the run itself failed. */
export const exitCodeOf = (result: ReconcileResult): number => (result.outcome === "failed" ? 1 : 0);

class RunStoppedError extends Error {
  override name = "RunStoppedError";
}

/**
 * One reconcile run (design rule 7), safe to start twice at once: a lease in the database lets
 * one run work while the other says so and returns. Phases in order, each saving its checkpoint
 * only once it finished; a phase stopped by its budget is picked up by the next run.
 */
export async function runReconcile(options: ReconcileOptions): Promise<ReconcileResult> {
  const { models, now } = options;
  const holder = options.holder ?? newHolderId();
  const log = options.log.child({ job: RECONCILE_JOB, holder });
  const lease = await acquireLease(models, {
    name: RECONCILE_JOB,
    ttlMs: options.leaseMs ?? RECONCILE_LEASE_MS,
    now,
    holder,
  });
  if (!lease.acquired) {
    log.info(
      { heldBy: lease.heldBy, expiresAt: lease.expiresAt },
      "reconcile: another run holds the lease; not running",
    );
    return { outcome: "lease-held", heldBy: lease.heldBy, expiresAt: lease.expiresAt };
  }

  const budget = new ApiBudget({ ...DEFAULT_LIMITS, ...options.limits }, options.stopAt);
  const ctx: ReconcileContext = {
    models,
    now,
    log,
    probot: options.probot,
    github: options.github ?? createReconcileGitHub(options.probot),
    appClient: createGitHubAppClient({ probot: options.probot }),
    budget,
    holder,
    async keepAlive() {
      if (options.signal?.aborted) throw new RunStoppedError("the reconcile run was asked to stop");
      await lease.renewIfDue();
    },
  };
  const phases: Record<string, Counts> = {};
  let incomplete = 0;
  const record = (name: string, result: PhaseResult) => {
    phases[name] = result.counts;
    if (!result.complete) incomplete++;
  };

  let startedAt: Date | null = null;
  try {
    const checkpoint = await readCheckpoint(models);
    if (
      options.notWithinMs !== undefined &&
      checkpoint.lastRunAt &&
      now().getTime() - checkpoint.lastRunAt.getTime() < options.notWithinMs
    ) {
      log.info({ lastRunAt: checkpoint.lastRunAt }, "reconcile: the last run ended recently; not running");
      return { outcome: "skipped", lastRunAt: checkpoint.lastRunAt };
    }
    startedAt = now();
    log.info("reconcile run started");
    record("deliveries", await redeliverFailed(ctx, checkpoint));
    record("installations", await reconcileInstallations(ctx));
    record("repoAccess", await reconcileRepoAccess(ctx, checkpoint));
    for (const step of options.extraSteps ?? []) record(step.name, await step.run(ctx));
    const summary = summarize(phases, incomplete, budget);
    await recordSummary(models, now(), log, "completed", summary);
    await saveRunEnd(models, now(), startedAt, "completed", summary);
    return { outcome: "completed", summary };
  } catch (error) {
    log.error({ err: error }, "reconcile run failed; the next run goes on from the last checkpoint");
    const summary = summarize(phases, incomplete, budget);
    await recordSummary(models, now(), log, "failed", summary)
      .then(() => saveRunEnd(models, now(), startedAt ?? now(), "failed", summary))
      .catch((writeError: unknown) => log.error({ err: writeError }, "reconcile summary not recorded"));
    return { outcome: "failed", error, summary };
  } finally {
    await lease
      .release()
      .catch((error: unknown) => log.warn({ err: error }, "reconcile lease not released; it expires by itself"));
  }
}
