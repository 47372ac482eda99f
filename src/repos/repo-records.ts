import { conditionalUpsert } from "../db/conditional-upsert.js";
import { isDuplicateKeyError } from "../db/duplicate-key.js";
import { repoSlug } from "../github/repo-name.js";
import type { Models } from "../models/index.js";
import type { RepoDoc } from "../models/repo.js";
import { recordAudit } from "../events/audit-log.js";
import { repoData } from "../events/event-data.js";
import { recordEvent } from "../events/event-log.js";
import { findGitHubConnection } from "../installations/organization-connection.js";
import type { GitHubRepo } from "../github/repos-api.js";

export type RepoVia = "created" | "adopted";

/** An organization's stored repository by its slug, or null. */
export function findStoredRepo(
  models: Pick<Models, "Repo">,
  organizationId: string,
  name: string,
): Promise<RepoDoc | null> {
  return models.Repo.findOne({ organizationId, slug: repoSlug(name) }).lean<RepoDoc>();
}

/** repo.created or repo.adopted, with the repo as stored now. */
async function recordRepoEvent(models: Models, at: Date, type: "repo.created" | "repo.adopted", repo: RepoDoc) {
  const { state } = await findGitHubConnection(models, repo.organizationId);
  await recordEvent(models, at, { type, organizationId: repo.organizationId, data: repoData(repo, state) });
}

/**
 * Stores a repository the installation reaches, in one single-document upsert on
 * (organizationId, slug): its GitHub id, name and full name together, reachable. Two admins
 * creating the same name at once both land on the one document (the loser of the insert race
 * updates it), and the installation_repositories.added webhook that follows finds it already
 * reachable and changes nothing.
 */
export async function recordRepo(
  models: Models,
  at: Date,
  entry: { organizationId: string; repo: GitHubRepo; actor: string; actorName?: string; via: RepoVia },
): Promise<RepoDoc> {
  const { organizationId, repo } = entry;
  const slug = repoSlug(repo.name);
  const stored = await conditionalUpsert(
    models.Repo,
    { organizationId, slug },
    {
      $set: { name: repo.name, githubRepoId: repo.id, fullName: repo.fullName, accessible: true },
    },
  );
  if (!stored) throw new Error(`repo ${slug} of ${organizationId} vanished while it was stored`);
  await recordRepoEvent(models, at, `repo.${entry.via}`, stored);
  await recordAudit(models, at, {
    organizationId,
    actor: entry.actor,
    actorName: entry.actorName ?? null,
    action: `repo.${entry.via}`,
    details: { slug, githubRepoId: repo.id, fullName: repo.fullName },
  });
  return stored;
}

/**
 * A project whose repository was deleted on GitHub, given the repository created again (or found
 * under its name): the new id, name and full name on the same document, so the project keeps its
 * slug and everything GitHub said of the old id is cleared. Null when it is not (or no longer)
 * deleted: another admin's Create again was first.
 */
export async function recordRecreatedRepo(
  models: Models,
  at: Date,
  entry: { organizationId: string; slug: string; repo: GitHubRepo; actor: string; actorName?: string; via: RepoVia },
): Promise<RepoDoc | null> {
  const { organizationId, slug, repo } = entry;
  const stored = await models.Repo.findOneAndUpdate(
    { organizationId, slug, deletedOnGitHubAt: { $ne: null } },
    {
      $set: {
        name: repo.name,
        githubRepoId: repo.id,
        fullName: repo.fullName,
        accessible: true,
        archived: false,
        deletedOnGitHubAt: null,
        transferredTo: null,
        lastEventAt: null,
      },
    },
    { new: true, lean: true },
  );
  if (!stored) return null;
  // Created again is, for a service, a new repository under the project's slug.
  await recordRepoEvent(models, at, `repo.${entry.via}`, stored);
  await recordAudit(models, at, {
    organizationId,
    actor: entry.actor,
    actorName: entry.actorName ?? null,
    action: entry.via === "created" ? "repo.recreated" : "repo.adopted",
    details: { slug, githubRepoId: repo.id, fullName: repo.fullName },
  });
  return stored;
}

/**
 * A repository the legacy token found (`migrate:legacy`), stored by GitHub id on
 * (organizationId, slug). A new document starts unreachable: the installation's own check, at the
 * organization's first connect or a reconnect, sets that.
 */
export async function recordImportedRepo(
  models: Models,
  at: Date,
  entry: { organizationId: string; repo: GitHubRepo; actor: string },
): Promise<void> {
  const { organizationId, repo } = entry;
  const slug = repoSlug(repo.name);
  await conditionalUpsert(
    models.Repo,
    { organizationId, slug },
    {
      $set: { githubRepoId: repo.id, name: repo.name, fullName: repo.fullName },
      $setOnInsert: { accessible: false },
    },
  );
  await recordAudit(models, at, {
    organizationId,
    actor: entry.actor,
    action: "repo.imported",
    details: { slug, githubRepoId: repo.id, fullName: repo.fullName },
  });
}

/**
 * Holds a place for a repository about to be created: a document with no GitHub id, which the
 * plan's count includes from now on. Returns false when the organization already stores that
 * name (it is counted already, and stays if the creation fails).
 */
export async function reserveRepoRecord(models: Models, organizationId: string, name: string): Promise<boolean> {
  try {
    await models.Repo.create({ organizationId, slug: repoSlug(name), name, githubRepoId: null, accessible: false });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** Gives back a place `reserveRepoRecord` held, if GitHub created nothing for it. */
export async function releaseRepoRecord(models: Models, organizationId: string, name: string): Promise<void> {
  await models.Repo.deleteOne({ organizationId, slug: repoSlug(name), githubRepoId: null });
}
