import { webhookExample } from "./webhooks.js";

/** The account and repository of @octokit/webhooks-examples' repository events. */
export const EXAMPLE_ORG = { id: 38302899, login: "Octocoders" } as const;
export const EXAMPLE_REPO = { id: 186853261, name: "Hello-World", fullName: "Octocoders/Hello-World" } as const;

export type RepositoryAction = "renamed" | "transferred" | "deleted" | "archived" | "unarchived";

export interface RepositoryWebhookSpec {
  /** repository.updated_at (GitHub bumps it on each change); pushed_at stays the example's, earlier. */
  updatedAt?: string;
  /** The repository's name after the change (renamed, transferred). */
  name?: string;
  /** The account it belongs to after the change (transferred). */
  owner?: { id: number; login: string };
}

/**
 * A `repository` webhook in GitHub's shape: the examples have renamed and transferred; deleted,
 * archived and unarchived are the renamed example with its action (those schemas take the same
 * repository object, and no `changes`).
 */
export function repositoryWebhook(action: RepositoryAction, spec: RepositoryWebhookSpec = {}): Record<string, unknown> {
  const payload = webhookExample("repository", action === "transferred" ? "transferred" : "renamed");
  payload.action = action;
  if (action !== "renamed" && action !== "transferred") delete payload.changes;
  const repository = payload.repository as Record<string, unknown> & { owner: Record<string, unknown> };
  const owner = spec.owner ?? EXAMPLE_ORG;
  const name = spec.name ?? EXAMPLE_REPO.name;
  if (action === "renamed") payload.changes = { repository: { name: { from: EXAMPLE_REPO.name } } };
  Object.assign(repository, {
    name,
    full_name: `${owner.login}/${name}`,
    archived: action === "archived",
    ...(spec.updatedAt ? { updated_at: spec.updatedAt } : {}),
  });
  Object.assign(repository.owner, { id: owner.id, login: owner.login });
  return payload;
}
