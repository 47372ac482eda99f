import { isDuplicateKeyError } from "../db/duplicate-key.js";
import { statusOf } from "../lib/error-details.js";
import type { PhaseResult, ReconcileContext } from "./context.js";
import type { RedeliveryCandidate } from "./delivery-groups.js";

/** A claim older than this belonged to a run that died between claiming and asking (its lease has expired too). */
const ABANDONED_CLAIM_MS = 15 * 60 * 1000;
/** GitHub forgets a delivery after about 3 days; a week later its guid cannot come back. */
const REQUEST_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

const REASON_COUNT = {
  "failed-at-github": "failedAtGitHub",
  "failed-here": "failedHere",
  "stuck-here": "stuckHere",
} as const;

const newCounts = () => ({
  redelivered: 0,
  failedAtGitHub: 0,
  failedHere: 0,
  stuckHere: 0,
  alreadyRequested: 0,
  refused: 0,
});
type RequestCounts = ReturnType<typeof newCounts>;

/** The candidates no earlier run asked for (a claim left by a crashed run is cleared and counts as not asked). */
async function notYetRequested(
  ctx: ReconcileContext,
  candidates: RedeliveryCandidate[],
  counts: RequestCounts,
): Promise<RedeliveryCandidate[]> {
  const { RedeliveryRequest } = ctx.models;
  const known = new Map<string, { _id: unknown; status: string; claimedAt: Date }>();
  const guids = candidates.map((c) => c.guid);
  for (let i = 0; i < guids.length; i += 500) {
    for (const row of await RedeliveryRequest.find(
      { guid: { $in: guids.slice(i, i + 500) } },
      { guid: 1, status: 1, claimedAt: 1 },
    ).lean())
      known.set(row.guid, row);
  }
  const abandonedBefore = ctx.now().getTime() - ABANDONED_CLAIM_MS;
  const open: RedeliveryCandidate[] = [];
  for (const candidate of candidates) {
    const row = known.get(candidate.guid);
    if (row?.status === "claimed" && row.claimedAt.getTime() < abandonedBefore) {
      await RedeliveryRequest.deleteOne({ _id: row._id, status: "claimed" });
      open.push(candidate);
    } else if (row) counts.alreadyRequested++;
    else open.push(candidate);
  }
  return open;
}

/**
 * Asks GitHub to redeliver each candidate once. The claim (a unique insert per guid) comes first,
 * so a concurrent run can never ask too; GitHub's 202 marks it requested. A 4xx (too old, say)
 * is remembered as refused and not asked again; any other failure removes the claim, for the
 * next run to ask, and fails this run.
 */
export async function requestRedeliveries(
  ctx: ReconcileContext,
  candidates: RedeliveryCandidate[],
): Promise<PhaseResult> {
  const { models, budget, holder } = ctx;
  const counts = newCounts();
  let complete = true;
  let asked = 0;
  for (const candidate of await notYetRequested(ctx, candidates, counts)) {
    if (asked >= budget.limits.redeliveriesPerRun || !budget.canTakeApp()) {
      complete = false;
      break;
    }
    await ctx.keepAlive();
    try {
      await models.RedeliveryRequest.create({ ...candidate, status: "claimed", holder, claimedAt: ctx.now() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      counts.alreadyRequested++;
      continue;
    }
    budget.takeApp();
    asked++;
    try {
      await ctx.github.redeliver(candidate.attemptId);
    } catch (error) {
      const status = statusOf(error);
      if (status !== undefined && status >= 400 && status < 500) {
        await models.RedeliveryRequest.updateOne(
          { guid: candidate.guid, holder },
          { $set: { status: "refused", requestedAt: ctx.now() } },
        );
        ctx.log.warn(
          { guid: candidate.guid, attemptId: candidate.attemptId, status },
          "reconcile: GitHub refused the redelivery; not asked again",
        );
        counts.refused++;
        continue;
      }
      await models.RedeliveryRequest.deleteOne({ guid: candidate.guid, holder, status: "claimed" });
      throw error;
    }
    await models.RedeliveryRequest.updateOne(
      { guid: candidate.guid, holder },
      { $set: { status: "requested", requestedAt: ctx.now() } },
    );
    counts.redelivered++;
    counts[REASON_COUNT[candidate.reason]]++;
    ctx.log.info(
      { guid: candidate.guid, attemptId: candidate.attemptId, reason: candidate.reason },
      "reconcile: redelivery requested",
    );
  }
  await models.RedeliveryRequest.deleteMany({
    claimedAt: { $lt: new Date(ctx.now().getTime() - REQUEST_RETENTION_MS) },
  });
  return { counts, complete };
}
