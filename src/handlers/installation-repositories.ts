import { recordAudit } from "../events/audit-log.js";
import { applyInstallationEvent, updateRepoAccess } from "../installations/installation-store.js";
import { readInstallationSnapshot } from "../github/installation-snapshot.js";
import { MalformedPayloadError, payloadObject, repositoryIds, senderActor } from "../github/payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

export type RepositoriesEvent = "installation_repositories.added" | "installation_repositories.removed";

export async function handleInstallationRepositories(context: HandlerContext<RepositoriesEvent>, deps: HandlerDeps): Promise<HandlerOutcome> {
  const { action } = context.payload;
  const payload = payloadObject(context.payload);
  const { models } = deps;
  const snapshot = readInstallationSnapshot(payload);
  const selection = payload.repository_selection ?? snapshot.repositorySelection;
  if (selection !== "all" && selection !== "selected") {
    throw new MalformedPayloadError(`repository_selection must be "all" or "selected"`);
  }
  const added = repositoryIds(payload, "repositories_added", "payload");
  const removed = repositoryIds(payload, "repositories_removed", "payload");

  const installation = await applyInstallationEvent(models, snapshot, { eventAt: snapshot.updatedAt, set: { repositorySelection: selection } });
  if (!installation) {
    // Older than the stored state, or the installation was deleted: its repos are unreachable now.
    context.log.debug(`installation_repositories.${action} is stale or for a deleted installation; not applied`);
    return "stale";
  }
  const organizationId = installation.organizationId;
  const knownReposChanged = await updateRepoAccess(models, organizationId, { reachable: added, unreachable: removed });
  await recordAudit(models, deps.now(), {
    organizationId,
    actor: senderActor(payload),
    action: `installation_repositories.${action}`,
    // Counts, not the ids: one event can name a million repositories.
    details: { installationId: snapshot.installationId, repositorySelection: selection, added: added.length, removed: removed.length, knownReposChanged },
  });
  return "applied";
}
