/**
 * How many GitHub requests one reconcile run may make. The App's own JWT has one hourly bucket
 * (5,000 requests) shared with everything else the App does as itself (installation token mints
 * for pages, webhooks and other services, uninstalls), so a run takes a fixed share of it; each
 * installation token has a bucket of its own (5,000 an hour), which a run touches at most once.
 */
export interface ReconcileLimits {
  /** App-JWT requests per run, token mints included: four runs an hour take at most 1,600 of 5,000. */
  appCallsPerRun: number;
  /** Pages of GET /app/hook/deliveries (100 attempts each) read per run. */
  deliveryPagesPerRun: number;
  /** POST …/attempts per run: under GitHub's ~80 content-creating requests a minute. */
  redeliveriesPerRun: number;
  /** GET /app/installations/{id} to confirm an installation GitHub stopped listing is gone. */
  deletionChecksPerRun: number;
  /** Linked installations whose repository access is checked per run (one token mint each). */
  repoChecksPerRun: number;
  /** Stop early when GitHub says fewer App-JWT requests than this remain in the hour. */
  appRateLimitReserve: number;
}

export const DEFAULT_LIMITS: Readonly<ReconcileLimits> = {
  appCallsPerRun: 400,
  deliveryPagesPerRun: 50,
  redeliveriesPerRun: 60,
  deletionChecksPerRun: 20,
  repoChecksPerRun: 100,
  appRateLimitReserve: 1_000,
};

export const APP_HOURLY_LIMIT = 5_000;
export const RUNS_PER_HOUR = 4;

/** Counts what a run spent and says when it must stop: its App-JWT share, GitHub's remaining hour, or its time. */
export class ApiBudget {
  app = 0;
  installation = 0;
  private gitHubRemaining: number | null = null;

  constructor(
    readonly limits: Readonly<ReconcileLimits>,
    /** Epoch ms (real clock) after which no new request is started, e.g. before Lambda's timeout. */
    private readonly stopAt?: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Whether an App-JWT request may start now. */
  canTakeApp(): boolean {
    if (this.app >= this.limits.appCallsPerRun) return false;
    if (this.gitHubRemaining !== null && this.gitHubRemaining <= this.limits.appRateLimitReserve) return false;
    return this.hasTime();
  }

  /** Counts one App-JWT request about to be made; false (nothing counted) when the run must not make it. */
  takeApp(): boolean {
    if (!this.canTakeApp()) return false;
    this.app++;
    return true;
  }

  countInstallation(requests: number): void {
    this.installation += requests;
  }

  hasTime(): boolean {
    return this.stopAt === undefined || this.clock() < this.stopAt;
  }

  /** GitHub's own count (x-ratelimit-remaining) on an App-JWT answer. */
  observeAppRemaining(remaining: number | null): void {
    if (remaining !== null && Number.isFinite(remaining)) this.gitHubRemaining = remaining;
  }
}

export interface CallPlan {
  /** App-JWT requests one run makes. */
  appPerRun: number;
  /** Installation-token requests one run makes, each on its own installation's bucket. */
  installationPerRun: number;
  appPerHour: number;
  /** Share of the App's 5,000 an hour. */
  appShareOfLimit: number;
  /** Hours until every linked installation's repository access was checked once. */
  repoSweepHours: number;
}

/**
 * The requests a steady-state run makes with `installations` installations, `linked` of them
 * claimed by an organization: one page of deliveries (a 75-minute window of installation
 * events fits in 100), no redelivery or deletion to confirm, the installations in pages of 100,
 * and up to repoChecksPerRun linked installations checked, each one token mint (App JWT) and one
 * page of repositories (up to 100 repositories, on the installation's own token).
 */
export function planApiCalls(
  installations: number,
  linked = installations,
  limits: Readonly<ReconcileLimits> = DEFAULT_LIMITS,
): CallPlan {
  const deliveryPages = 1;
  const installationPages = Math.max(1, Math.ceil(installations / 100));
  const checked = Math.min(linked, limits.repoChecksPerRun);
  const appPerRun = Math.min(limits.appCallsPerRun, deliveryPages + installationPages + checked);
  const appPerHour = appPerRun * RUNS_PER_HOUR;
  return {
    appPerRun,
    installationPerRun: checked,
    appPerHour,
    appShareOfLimit: appPerHour / APP_HOURLY_LIMIT,
    repoSweepHours: checked === 0 ? 0 : Math.ceil(linked / checked) / RUNS_PER_HOUR,
  };
}

/** The most App-JWT requests a run can make, every cap reached: still within appCallsPerRun. */
export function worstCaseAppCalls(installations: number, limits: Readonly<ReconcileLimits> = DEFAULT_LIMITS): number {
  const caps =
    limits.deliveryPagesPerRun + limits.redeliveriesPerRun + limits.deletionChecksPerRun + limits.repoChecksPerRun;
  return Math.min(limits.appCallsPerRun, Math.ceil(installations / 100) + caps);
}
