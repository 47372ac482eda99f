import type { GitHubInstallationDoc } from "../models/github-installation.js";
import { upsertOrRead } from "../db/duplicate-key.js";
import type { Models } from "../models/index.js";
import { snapshotFields, type InstallationSnapshot } from "../github/installation-snapshot.js";

/**
 * Every write is a single-document upsert or conditional update (what MongoDB and FerretDB both
 * serve), so a delivery applied twice, or two deliveries racing, leave the same state.
 */

/** Creates the installation from a snapshot if it is new. Returns the stored document before this call (null if created). */
export async function ensureInstallation(
  models: Models,
  snapshot: InstallationSnapshot,
  eventAt: Date | null,
  onInsert: Partial<GitHubInstallationDoc> = {},
): Promise<GitHubInstallationDoc | null> {
  return upsertOrRead(
    () =>
      models.GitHubInstallation.findOneAndUpdate(
        { installationId: snapshot.installationId },
        { $setOnInsert: { installationId: snapshot.installationId, ...snapshotFields(snapshot), lastEventAt: eventAt, ...onInsert } },
        { upsert: true, new: false, lean: true },
      ),
    () => models.GitHubInstallation.findOne({ installationId: snapshot.installationId }).lean(),
  );
}

/**
 * Applies `set` only if the installation is live and this event is not older than the newest one
 * applied. Returns the updated document, or null when the event was stale (or the installation is gone).
 */
export async function updateIfNewer(
  models: Models,
  installationId: number,
  eventAt: Date | null,
  set: Partial<GitHubInstallationDoc>,
): Promise<GitHubInstallationDoc | null> {
  const filter: Record<string, unknown> = { installationId, deletedAt: null };
  if (eventAt) filter.$or = [{ lastEventAt: null }, { lastEventAt: { $lte: eventAt } }];
  return models.GitHubInstallation.findOneAndUpdate(
    filter,
    { $set: eventAt ? { ...set, lastEventAt: eventAt } : set },
    { new: true, lean: true },
  );
}

/** Marks which of an organization's known repos the installation reaches; unknown ids are ignored. */
export async function setRepoAccess(
  models: Models,
  organizationId: string | null | undefined,
  githubRepoIds: number[],
  accessible: boolean,
): Promise<number> {
  if (!organizationId || githubRepoIds.length === 0) return 0;
  const result = await models.Repo.updateMany(
    { organizationId, githubRepoId: { $in: githubRepoIds }, accessible: !accessible },
    { $set: { accessible } },
  );
  return result.modifiedCount;
}

export async function setAllRepoAccess(models: Models, organizationId: string | null | undefined, accessible: boolean): Promise<number> {
  if (!organizationId) return 0;
  const result = await models.Repo.updateMany({ organizationId, accessible: !accessible }, { $set: { accessible } });
  return result.modifiedCount;
}
