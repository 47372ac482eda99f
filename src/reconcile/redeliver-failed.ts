import { latest } from "../github/payload.js";
import { saveCheckpoint, type Checkpoint } from "./checkpoint.js";
import type { PhaseResult, ReconcileContext } from "./context.js";
import { groupByGuid, redeliveryCandidates, type LoggedDelivery } from "./delivery-groups.js";
import type { HookDeliveryAttempt } from "../github/reconcile-api.js";
import { requestRedeliveries } from "./redelivery-requests.js";

const HOUR = 60 * 60 * 1000;
/** GitHub keeps an App's deliveries about 3 days: older ones cannot be listed or redelivered. */
const GITHUB_DELIVERY_RETENTION_MS = 72 * HOUR;
/** Read back this far before the last run's newest delivery: a delivery still `processing` then has settled since. */
const CHECKPOINT_OVERLAP_MS = HOUR;

/** Where paging stops: the last complete run's newest delivery less the overlap, never beyond what GitHub keeps. */
export function deliveryCutoff(now: Date, seenUntil: Date | null): Date {
  const retention = new Date(now.getTime() - GITHUB_DELIVERY_RETENTION_MS);
  return latest(retention, seenUntil && new Date(seenUntil.getTime() - CHECKPOINT_OVERLAP_MS))!;
}

interface Listing {
  attempts: HookDeliveryAttempt[];
  newest: Date | null;
  pages: number;
  complete: boolean;
}

/** Newest first, page by page, until an attempt older than the cutoff, the last page, or the budget. */
async function listSince(ctx: ReconcileContext, cutoff: Date): Promise<Listing> {
  const { budget } = ctx;
  const listing: Listing = { attempts: [], newest: null, pages: 0, complete: false };
  if (!budget.takeApp()) return listing;
  for await (const page of ctx.github.deliveryPages()) {
    listing.pages++;
    budget.observeAppRemaining(page.rateRemaining);
    await ctx.keepAlive();
    let reachedCutoff = false;
    for (const attempt of page.items) {
      const at = new Date(attempt.delivered_at);
      listing.newest = latest(listing.newest, Number.isNaN(at.getTime()) ? null : at);
      if (at < cutoff) reachedCutoff = true;
      else listing.attempts.push(attempt);
    }
    if (reachedCutoff || !page.hasNext) {
      listing.complete = true;
      break;
    }
    if (listing.pages >= budget.limits.deliveryPagesPerRun || !budget.takeApp()) {
      ctx.log.warn(
        { pages: listing.pages, oldestRead: page.items.at(-1)?.delivered_at },
        "reconcile: delivery listing stopped by its budget; older deliveries wait for the next run",
      );
      break;
    }
  }
  return listing;
}

async function ourLog(ctx: ReconcileContext, guids: string[]): Promise<Map<string, LoggedDelivery>> {
  const logged = new Map<string, LoggedDelivery>();
  for (let i = 0; i < guids.length; i += 500) {
    const rows = await ctx.models.WebhookDelivery.find(
      { deliveryId: { $in: guids.slice(i, i + 500) } },
      { deliveryId: 1, status: 1, receivedAt: 1 },
    ).lean();
    for (const row of rows) logged.set(row.deliveryId, { status: row.status, receivedAt: row.receivedAt });
  }
  return logged;
}

/**
 * Phase 1 (design rule 7): GitHub never redelivers by itself. Lists the App's deliveries back to
 * the checkpoint, groups attempts by guid and asks GitHub once per guid, ever, to send again a
 * delivery no attempt of which succeeded, or that our log shows failed or stuck. The checkpoint
 * moves only when the phase finished; redelivery requests are remembered as they are made.
 */
export async function redeliverFailed(ctx: ReconcileContext, checkpoint: Checkpoint): Promise<PhaseResult> {
  const now = ctx.now();
  const listing = await listSince(ctx, deliveryCutoff(now, checkpoint.deliveriesSeenUntil));
  const groups = groupByGuid(listing.attempts);
  const candidates = redeliveryCandidates(
    groups,
    await ourLog(
      ctx,
      groups.map((g) => g.guid),
    ),
    now,
  );
  const requested = await requestRedeliveries(ctx, candidates);
  const complete = listing.complete && requested.complete;
  if (complete) {
    await saveCheckpoint(ctx.models, {
      deliveriesSeenUntil: latest(listing.newest, checkpoint.deliveriesSeenUntil),
      deliveriesCompletedAt: now,
    });
  }
  return {
    complete,
    counts: { pages: listing.pages, attempts: listing.attempts.length, groups: groups.length, ...requested.counts },
  };
}
