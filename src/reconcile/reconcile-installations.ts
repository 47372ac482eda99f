import { readInstallationSnapshot, type InstallationSnapshot } from "../github/installation-snapshot.js";
import type { Json } from "../github/payload.js";
import type { GitHubInstallationDoc } from "../models/github-installation.js";
import type { ChangeDeps } from "../installations/installation-changes.js";
import { saveCheckpoint } from "./checkpoint.js";
import type { PhaseResult, ReconcileContext } from "./context.js";
import { newDriftCounts, repairDeleted, repairInstallation, type DriftCounts } from "./installation-drift.js";

/** One listed installation read like a webhook's `installation` object; null (logged) when GitHub's shape is not one we store. */
function readListed(ctx: ReconcileContext, json: Json, counts: DriftCounts): InstallationSnapshot | null {
  try {
    return readInstallationSnapshot({ installation: json });
  } catch (error) {
    counts.unreadable++;
    ctx.log.warn(
      { installationId: typeof json.id === "number" ? json.id : null, reason: (error as Error).message },
      "reconcile: listed installation not readable; skipped",
    );
    return null;
  }
}

/** Repairs one page of listed installations against what is stored (one query a page). */
async function repairPage(
  ctx: ReconcileContext,
  deps: ChangeDeps,
  items: Json[],
  listed: Set<number>,
  counts: DriftCounts,
): Promise<void> {
  const snapshots: InstallationSnapshot[] = [];
  for (const json of items) {
    if (typeof json.id === "number") listed.add(json.id);
    const snapshot = readListed(ctx, json, counts);
    if (snapshot) snapshots.push(snapshot);
  }
  const ids = snapshots.map((s) => s.installationId);
  const stored = new Map(
    (await ctx.models.GitHubInstallation.find({ installationId: { $in: ids } }).lean()).map((doc) => [
      doc.installationId,
      doc,
    ]),
  );
  for (const snapshot of snapshots) {
    await ctx.keepAlive();
    await repairInstallation(deps, snapshot, stored.get(snapshot.installationId) ?? null, counts);
  }
}

/** Every page of GET /app/installations, or false when the budget stopped the listing. */
async function listAndRepair(
  ctx: ReconcileContext,
  deps: ChangeDeps,
  listed: Set<number>,
  counts: DriftCounts,
): Promise<boolean> {
  const { budget } = ctx;
  if (!budget.takeApp()) return false;
  for await (const page of ctx.github.installationPages()) {
    budget.observeAppRemaining(page.rateRemaining);
    await repairPage(ctx, deps, page.items, listed, counts);
    if (!page.hasNext) return true;
    if (!budget.takeApp()) return false;
  }
  return true;
}

/**
 * Installations stored as live that GitHub did not list. Each is confirmed with
 * GET /app/installations/{id} before it is marked deleted: GitHub pages by offset, so an
 * uninstall during the listing shifts a live installation past a page boundary unseen.
 */
async function repairMissing(
  ctx: ReconcileContext,
  deps: ChangeDeps,
  listed: Set<number>,
  counts: DriftCounts,
): Promise<boolean> {
  const { budget } = ctx;
  let checks = 0;
  const live = ctx.models.GitHubInstallation.find({ deletedAt: null })
    .sort({ installationId: 1 })
    .lean<GitHubInstallationDoc[]>()
    .cursor();
  for await (const doc of live) {
    if (listed.has(doc.installationId)) continue;
    if (checks >= budget.limits.deletionChecksPerRun || !budget.takeApp()) {
      await live.close();
      return false;
    }
    checks++;
    await ctx.keepAlive();
    const current = await ctx.appClient.getInstallation(doc.installationId);
    if (current === null) await repairDeleted(deps, doc, counts);
    else {
      const snapshot = readListed(ctx, current as Json, counts);
      if (snapshot) await repairInstallation(deps, snapshot, doc, counts);
    }
  }
  return true;
}

/**
 * Phase 2: drift against GET /app/installations. Installations created, suspended, unsuspended
 * or renamed while their webhooks were lost are repaired from the listing; deletions are
 * inferred only from a complete listing and confirmed one by one.
 */
export async function reconcileInstallations(ctx: ReconcileContext): Promise<PhaseResult> {
  const deps: ChangeDeps = { models: ctx.models, now: ctx.now, log: ctx.log };
  const counts = newDriftCounts();
  const listed = new Set<number>();
  const listedAll = await listAndRepair(ctx, deps, listed, counts);
  if (!listedAll)
    ctx.log.warn(
      { listed: listed.size },
      "reconcile: installation listing stopped by its budget; deletions not inferred this run",
    );
  const complete = listedAll && (await repairMissing(ctx, deps, listed, counts));
  if (complete) await saveCheckpoint(ctx.models, { installationsCompletedAt: ctx.now() });
  return { counts: { listed: listed.size, ...counts }, complete };
}
