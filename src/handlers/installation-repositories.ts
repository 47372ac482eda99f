import { applyRepositorySelection } from "../installations/installation-changes.js";
import { readInstallationSnapshot } from "../github/installation-snapshot.js";
import { MalformedPayloadError, payloadObject, repositoryIds, senderActor } from "../github/payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

export type RepositoriesEvent = "installation_repositories.added" | "installation_repositories.removed";

export async function handleInstallationRepositories(
  context: HandlerContext<RepositoriesEvent>,
  deps: HandlerDeps,
): Promise<HandlerOutcome> {
  const { action } = context.payload;
  const payload = payloadObject(context.payload);
  const snapshot = readInstallationSnapshot(payload);
  const selection = payload.repository_selection ?? snapshot.repositorySelection;
  if (selection !== "all" && selection !== "selected") {
    throw new MalformedPayloadError(`repository_selection must be "all" or "selected"`);
  }
  const added = repositoryIds(payload, "repositories_added", "payload");
  const removed = repositoryIds(payload, "repositories_removed", "payload");
  return applyRepositorySelection(
    { ...deps, log: context.log },
    snapshot,
    { action, selection, added, removed },
    senderActor(payload),
  );
}
