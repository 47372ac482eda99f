import { statusOf } from "../lib/error-details.js";
import type { GitHubInstallationDoc } from "../models/github-installation.js";
import { refreshRepoAccess } from "../repos/repo-access.js";
import { refreshRepoDetails } from "../repos/repo-drift.js";
import { saveCheckpoint, type Checkpoint } from "./checkpoint.js";
import type { PhaseResult, ReconcileContext } from "./context.js";

type Linked = Pick<GitHubInstallationDoc, "installationId" | "organizationId">;

/** The next `limit` live, unsuspended, linked installations after the cursor, wrapping to the first ones. */
async function nextBatch(ctx: ReconcileContext, cursor: number, limit: number): Promise<Linked[]> {
  const linked = { organizationId: { $ne: null }, deletedAt: null, suspendedAt: null };
  const fields = { installationId: 1, organizationId: 1 };
  const after = await ctx.models.GitHubInstallation.find({ ...linked, installationId: { $gt: cursor } }, fields)
    .sort({ installationId: 1 })
    .limit(limit)
    .lean<Linked[]>();
  if (after.length >= limit || cursor === 0) return after;
  const wrapped = await ctx.models.GitHubInstallation.find({ ...linked, installationId: { $lte: cursor } }, fields)
    .sort({ installationId: 1 })
    .limit(limit - after.length)
    .lean<Linked[]>();
  return [...after, ...wrapped];
}

/**
 * Phase 2, repositories (rule 5): for linked organizations, which stored repos the installation
 * reaches, as a selection changed while installation_repositories webhooks were lost. A bounded
 * batch a run (repoChecksPerRun), taken in installation id order from the stored cursor, so
 * every linked installation is checked in turn however many there are. Each check mints a token
 * (App JWT) and pages GET /installation/repositories on that installation's own rate limit, and
 * refreshes each stored repo's name, full name and archived state from that listing; a stored repo
 * it no longer lists costs one GET /repositories/{id} (repos/repo-drift.ts).
 */
export async function reconcileRepoAccess(ctx: ReconcileContext, checkpoint: Checkpoint): Promise<PhaseResult> {
  const { budget } = ctx;
  const counts = {
    checked: 0,
    reposChanged: 0,
    installationsChanged: 0,
    unreachableInstallations: 0,
    reposRefreshed: 0,
  };
  const batch = await nextBatch(ctx, checkpoint.repoCursor ?? 0, budget.limits.repoChecksPerRun);
  let cursor = checkpoint.repoCursor;
  let complete = true;
  for (const { installationId, organizationId } of batch) {
    // One mint per check, counted whether or not Probot had the token cached: an upper bound.
    if (!budget.takeApp()) {
      complete = false;
      break;
    }
    await ctx.keepAlive();
    const log = ctx.log.child({ installationId, organizationId });
    try {
      const result = await refreshRepoAccess(
        {
          models: ctx.models,
          now: ctx.now,
          listInstallationRepositoryIds: ctx.appClient.listInstallationRepositoryIds,
          log,
        },
        organizationId!,
        installationId,
      );
      budget.countInstallation(result.apiCalls);
      // Names, full names and archived state from the same listing; a repo it no longer lists is asked about once.
      const details = await refreshRepoDetails(
        { models: ctx.models, now: ctx.now, log, findRepositoryById: ctx.appClient.findRepositoryById },
        installationId,
        result,
      );
      budget.countInstallation(details.apiCalls);
      counts.reposChanged += result.changed;
      counts.reposRefreshed += details.changed;
      if (result.changed > 0 || details.changed > 0) counts.installationsChanged++;
    } catch (error) {
      const status = statusOf(error);
      // Uninstalled or suspended since the listing: the installation phase of the next run says which.
      if (status === undefined || status < 400 || status >= 500) throw error;
      counts.unreachableInstallations++;
      log.warn({ status }, "reconcile: installation's repositories could not be listed; skipped");
    }
    counts.checked++;
    cursor = installationId;
  }
  await saveCheckpoint(ctx.models, { repoCursor: cursor, ...(complete ? { reposCompletedAt: ctx.now() } : {}) });
  return { counts, complete };
}
