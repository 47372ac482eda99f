import { conditionalUpsert } from "../db/conditional-upsert.js";
import type { GitHubInstallationDoc } from "../models/github-installation.js";
import type { Models } from "../models/index.js";
import { snapshotFields, type InstallationSnapshot } from "../github/installation-snapshot.js";

/**
 * Every write is a single-document upsert or conditional update (what MongoDB and FerretDB both
 * serve), so a delivery applied twice, or two deliveries racing, leave the same state.
 */

export interface InstallationChange {
  /** The event's timestamp: the change applies only if no newer event has. Null: no guard (and lastEventAt untouched). */
  eventAt: Date | null;
  /** What the event changes. */
  set: Partial<GitHubInstallationDoc>;
  /** More fields for an installation first seen in this event (the snapshot's are always written). */
  onInsert?: Partial<GitHubInstallationDoc>;
}

/**
 * Applies an event to an installation in one conditional upsert: a live installation no newer
 * than the event is updated, an unknown one is created from the snapshot. Returns the stored
 * document, or null when the event is older than the stored state or the installation was
 * deleted (deletion is final: a deleted document never matches, so it is never revived).
 */
export async function applyInstallationEvent(
  models: Models,
  snapshot: InstallationSnapshot,
  change: InstallationChange,
): Promise<GitHubInstallationDoc | null> {
  const filter: Record<string, unknown> = { installationId: snapshot.installationId, deletedAt: null };
  if (change.eventAt) filter.$or = [{ lastEventAt: null }, { lastEventAt: { $lte: change.eventAt } }];
  const set: Record<string, unknown> = change.eventAt
    ? { ...change.set, lastEventAt: change.eventAt }
    : { ...change.set };
  // A path may not be in both operators; what the event sets wins over the snapshot.
  const onInsert = Object.fromEntries(
    Object.entries({ ...snapshotFields(snapshot), ...change.onInsert }).filter(([key]) => !(key in set)),
  );
  // A deleted or newer installation does not match, and the retry without insert leaves it alone.
  return conditionalUpsert(models.GitHubInstallation, filter, { $set: set, $setOnInsert: onInsert });
}
