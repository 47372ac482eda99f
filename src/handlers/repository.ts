import {
  latest,
  numberAt,
  objectAt,
  parseGitHubTime,
  payloadObject,
  senderActor,
  stringAt,
} from "../github/payload.js";
import { applyRepositoryEvent, type RepositoryChange } from "../repos/repo-github-changes.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

export type RepositoryEventName =
  | "repository.renamed"
  | "repository.transferred"
  | "repository.deleted"
  | "repository.archived"
  | "repository.unarchived";

/** A repository renamed, transferred, deleted, archived or unarchived on GitHub → repos/. */
export async function handleRepository(
  context: HandlerContext<RepositoryEventName>,
  deps: HandlerDeps,
): Promise<HandlerOutcome> {
  const payload = payloadObject(context.payload);
  const repository = objectAt(payload, "repository", "payload");
  const githubRepoId = numberAt(repository, "id", "repository");
  // GitHub bumps updated_at on each of these changes; pushed_at can be the later of the two.
  const eventAt = latest(parseGitHubTime(repository.updated_at), parseGitHubTime(repository.pushed_at));
  const named = () => ({
    name: stringAt(repository, "name", "repository"),
    fullName: stringAt(repository, "full_name", "repository"),
  });
  let change: RepositoryChange;
  switch (context.payload.action) {
    case "renamed":
      change = { kind: "renamed", ...named() };
      break;
    case "transferred": {
      const owner = objectAt(repository, "owner", "repository");
      change = {
        kind: "transferred",
        ...named(),
        ownerId: numberAt(owner, "id", "repository.owner"),
        ownerLogin: stringAt(owner, "login", "repository.owner"),
      };
      break;
    }
    case "deleted":
      change = { kind: "deleted" };
      break;
    case "archived":
    case "unarchived":
      change = { kind: "archived", archived: context.payload.action === "archived" };
      break;
  }
  return applyRepositoryEvent(
    { models: deps.models, now: deps.now, log: context.log },
    { githubRepoId, eventAt, change, actor: senderActor(payload) },
  );
}
