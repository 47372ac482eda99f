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

export interface AccountRename {
  installationId: number;
  /** The account GitHub says was renamed: it must be the installation's. */
  accountId: number;
  login: string;
  /** The payload's time for the rename (account.updated_at); null: no order guard, lastEventAt untouched. */
  eventAt: Date | null;
}

export type AccountRenameResult =
  | { outcome: "applied"; installation: GitHubInstallationDoc }
  | { outcome: "unknown" }
  | { outcome: "other-account"; storedAccountId: number }
  | { outcome: "stale" };

/**
 * Renames an installation's account in one conditional update: only if the stored installation
 * is that account's, and no newer event has been applied. On a miss one read says why.
 * A deleted installation is renamed too: it keeps its account for reconnect.
 */
export async function applyAccountRename(models: Models, rename: AccountRename): Promise<AccountRenameResult> {
  const { installationId, accountId, login, eventAt } = rename;
  const filter: Record<string, unknown> = { installationId, accountId };
  const set: Record<string, unknown> = { accountLogin: login };
  if (eventAt) {
    filter.$or = [{ lastEventAt: null }, { lastEventAt: { $lte: eventAt } }];
    set.lastEventAt = eventAt;
  }
  const installation = await models.GitHubInstallation.findOneAndUpdate(
    filter,
    { $set: set },
    { new: true, lean: true },
  );
  if (installation) return { outcome: "applied", installation };
  const stored = await models.GitHubInstallation.findOne({ installationId }, { accountId: 1 }).lean();
  if (!stored) return { outcome: "unknown" };
  if (stored.accountId !== accountId) return { outcome: "other-account", storedAccountId: stored.accountId };
  return { outcome: "stale" };
}
