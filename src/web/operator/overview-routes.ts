import { Router } from "express";
import { summarizeOutbound, type OutboundEndpointSummary } from "../../events/outbound-summary.js";
import type { Models } from "../../models/index.js";
import { readLastRun, type LastReconcileRun } from "../../reconcile/checkpoint.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { durationText, instantView, number, plural, type InstantView } from "./console-format.js";
import { LINKED_IN_STATE, ORGANIZATION_STATES, UNCLAIMED } from "./organization-directory.js";
import { OPERATOR_PAGES } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";

/** The window of webhook deliveries the overview counts: GitHub keeps its own delivery log about 3 days. */
export const WEBHOOK_WINDOW_MS = 72 * 60 * 60 * 1000;
/** A delivery still "processing" this long after it arrived is stuck: no handler takes minutes. */
export const STUCK_AFTER_MS = 5 * 60 * 1000;

export interface OverviewCounts {
  organizations: Record<(typeof ORGANIZATION_STATES)[number], number>;
  unclaimed: number;
  webhooks: { failed: number; stuck: number };
  outbound: OutboundEndpointSummary[];
  lastRun: LastReconcileRun | null;
}

/** Every figure of the overview: counts on indexed filters and single-document reads, none growing with the data. */
export async function overviewCounts(
  models: Models,
  now: Date,
  endpoints: readonly string[] = [],
): Promise<OverviewCounts> {
  const since = new Date(now.getTime() - WEBHOOK_WINDOW_MS);
  const stuckBefore = new Date(now.getTime() - STUCK_AFTER_MS);
  const [connected, suspended, removed, unclaimed, failed, stuck, outbound, lastRun] = await Promise.all([
    models.GitHubInstallation.countDocuments(LINKED_IN_STATE.connected),
    models.GitHubInstallation.countDocuments(LINKED_IN_STATE.suspended),
    models.GitHubInstallation.countDocuments(LINKED_IN_STATE.removed),
    models.GitHubInstallation.countDocuments(UNCLAIMED),
    models.WebhookDelivery.countDocuments({ status: "failed", receivedAt: { $gte: since } }),
    models.WebhookDelivery.countDocuments({ status: "processing", receivedAt: { $gte: since, $lt: stuckBefore } }),
    summarizeOutbound(models, { endpoints }),
    readLastRun(models),
  ]);
  return {
    organizations: { connected, suspended, removed },
    unclaimed,
    webhooks: { failed, stuck },
    outbound,
    lastRun,
  };
}

interface CountView {
  label: string;
  value: string;
  href: string;
  /** Draws the eye when something needs the operator. */
  attention: boolean;
}

function lastRunView(run: LastReconcileRun | null) {
  if (!run) return null;
  const repairs = (
    [
      [run.repaired.created, "installation created", "installations created"],
      [run.repaired.deleted, "installation removed", "installations removed"],
      [run.repaired.suspended, "installation suspended", "installations suspended"],
      [run.repaired.unsuspended, "installation unsuspended", "installations unsuspended"],
      [run.repaired.renamed, "account renamed", "accounts renamed"],
      [run.repaired.repoAccess, "repo whose access changed", "repos whose access changed"],
      [run.redelivered, "webhook delivery redelivered", "webhook deliveries redelivered"],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, one, many]) => `${number(n)} ${n === 1 ? one : many}`);
  const finished =
    run.outcome === "failed"
      ? { text: "No: it failed (the job's log has the error); the next run goes on from its checkpoint", ok: false }
      : run.incomplete > 0
        ? {
            text: `Partly: ${plural(run.incomplete, "phase", "phases")} stopped by the run's budget, the next run goes on`,
            ok: false,
          }
        : { text: "Yes", ok: true };
  return {
    startedAt: instantView(run.startedAt)!,
    endedAt: instantView(run.endedAt)!,
    duration: durationText(run.endedAt.getTime() - run.startedAt.getTime()),
    repairedText: repairs.length ? repairs.join(", ") : "Nothing: everything was as GitHub has it",
    finished,
    apiCallsText: `${number(run.apiCalls.app)} as the App, ${number(run.apiCalls.installation)} as installations`,
  };
}

function outboundView(summary: OutboundEndpointSummary[]) {
  return summary.map((endpoint) => ({
    endpoint: endpoint.endpoint,
    pending: number(endpoint.pending),
    failed: number(endpoint.failed),
    attention: endpoint.failed > 0,
    lastDelivered: instantView(endpoint.lastDeliveredAt),
    lastError: endpoint.lastError
      ? `${endpoint.lastError.error} (event ${endpoint.lastError.eventId}, ${endpoint.lastError.status})`
      : null,
  }));
}

const STATE_LABELS = { connected: "Connected", suspended: "Suspended", removed: "Removed" } as const;

/** The overview: every count an operator starts from, each linking to its list. */
export function overviewRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(OPERATOR_PAGES.overview, async (_req, res) => {
    const now = deps.now();
    const counts = await overviewCounts(deps.models, now, deps.config.eventDelivery?.endpoints ?? []);
    const organizations: CountView[] = ORGANIZATION_STATES.map((state) => ({
      label: STATE_LABELS[state],
      value: number(counts.organizations[state]),
      href: `${OPERATOR_PAGES.organizations}?state=${state}`,
      attention: state === "suspended" && counts.organizations[state] > 0,
    }));
    const attention: CountView[] = [
      {
        label: "Installations nobody has claimed",
        value: number(counts.unclaimed),
        href: OPERATOR_PAGES.unclaimed,
        attention: counts.unclaimed > 0,
      },
      {
        label: "Webhook deliveries failed (72 h)",
        value: number(counts.webhooks.failed),
        href: OPERATOR_PAGES.webhookDeliveries,
        attention: counts.webhooks.failed > 0,
      },
      {
        label: `Webhook deliveries stuck processing over ${STUCK_AFTER_MS / 60_000} min (72 h)`,
        value: number(counts.webhooks.stuck),
        href: OPERATOR_PAGES.webhookDeliveries,
        attention: counts.webhooks.stuck > 0,
      },
    ];
    renderOperatorPage(res, "overview", "operator-overview", {
      title: "Operator console",
      organizations,
      attention,
      outbound: outboundView(counts.outbound),
      outboundUrl: OPERATOR_PAGES.outbound,
      deliveryConfigured: deps.config.eventDelivery !== null,
      lastRun: lastRunView(counts.lastRun),
      generatedAt: instantView(now) as InstantView,
    });
  });
  return router;
}
