import { recordAudit } from "../services/audit.js";
import { linkRequestedInstallation } from "../services/install-requests.js";
import { ensureInstallation, setAllRepoAccess, setRepoAccess, updateIfNewer } from "../services/installation-store.js";
import { readInstallationSnapshot, snapshotFields, type InstallationSnapshot } from "./installation-snapshot.js";
import { isObject, latest, repositoryIds, senderActor, type Json } from "./payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

type Ctx = HandlerContext<Json>;

async function created(context: Ctx, deps: HandlerDeps, snapshot: InstallationSnapshot): Promise<HandlerOutcome> {
  const { models } = deps;
  const eventAt = snapshot.updatedAt;
  const requester = context.payload.requester;
  const requesterId = isObject(requester) && typeof requester.id === "number" ? requester.id : null;
  const before = await ensureInstallation(models, snapshot, eventAt, { requesterId });
  let organizationId: string | null = null; // just inserted: no organization has claimed it yet
  if (before) {
    // created never carries a suspension, so it never clears one a faster `suspend` stored.
    const stored = await updateIfNewer(models, snapshot.installationId, eventAt, { ...snapshotFields(snapshot), requesterId });
    if (!stored) {
      context.log.debug("installation.created is older than the stored state; not applied");
      return "stale";
    }
    organizationId = stored.organizationId ?? null;
  }
  // An owner approved what an admin of ours requested (setup_action=request): link it to that org.
  if (!organizationId && requesterId !== null) {
    organizationId = await linkRequestedInstallation({ ...deps, log: context.log }, snapshot, requesterId, senderActor(context.payload));
  }
  const repos = repositoryIds(context.payload, "repositories", "payload");
  await setRepoAccess(models, organizationId, repos, true);
  await recordAudit(models, deps.now(), {
    organizationId,
    actor: senderActor(context.payload),
    action: "installation.created",
    details: { installationId: snapshot.installationId, account: snapshot.accountLogin, repositories: repos.length },
  });
  return "applied";
}

async function deleted(context: Ctx, deps: HandlerDeps, snapshot: InstallationSnapshot): Promise<HandlerOutcome> {
  const { models } = deps;
  const deletedAt = deps.now();
  await ensureInstallation(models, snapshot, snapshot.updatedAt);
  // Deletion is final for an installation id, whatever order the events came in: no timestamp guard.
  const installation = await models.GitHubInstallation.findOneAndUpdate(
    { installationId: snapshot.installationId, deletedAt: null },
    { $set: { deletedAt, lastEventAt: latest(snapshot.updatedAt, deletedAt) } },
    { new: true, lean: true },
  );
  if (!installation) return "ignored";
  // Repo documents (and their githubRepoId) stay: reconnect pre-selects them.
  await setAllRepoAccess(models, installation.organizationId, false);
  await recordAudit(models, deletedAt, {
    organizationId: installation.organizationId,
    actor: senderActor(context.payload),
    action: "installation.deleted",
    details: { installationId: snapshot.installationId, account: snapshot.accountLogin },
  });
  return "applied";
}

async function suspension(context: Ctx, deps: HandlerDeps, snapshot: InstallationSnapshot, suspend: boolean): Promise<HandlerOutcome> {
  const { models } = deps;
  const eventAt = suspend ? latest(snapshot.updatedAt, snapshot.suspendedAt) : snapshot.updatedAt;
  await ensureInstallation(models, snapshot, null);
  const suspendedAt = suspend ? (snapshot.suspendedAt ?? deps.now()) : null;
  const installation = await updateIfNewer(models, snapshot.installationId, eventAt, { suspendedAt });
  if (!installation) {
    context.log.debug(`installation.${suspend ? "suspend" : "unsuspend"} is older than the stored state; not applied`);
    return "stale";
  }
  await recordAudit(models, deps.now(), {
    organizationId: installation.organizationId,
    actor: senderActor(context.payload),
    action: suspend ? "installation.suspended" : "installation.unsuspended",
    details: { installationId: snapshot.installationId },
  });
  return "applied";
}

async function newPermissionsAccepted(context: Ctx, deps: HandlerDeps, snapshot: InstallationSnapshot): Promise<HandlerOutcome> {
  const { models } = deps;
  await ensureInstallation(models, snapshot, null);
  const installation = await updateIfNewer(models, snapshot.installationId, snapshot.updatedAt, {
    permissions: snapshot.permissions,
    events: snapshot.events,
  });
  if (!installation) return "stale";
  await recordAudit(models, deps.now(), {
    organizationId: installation.organizationId,
    actor: senderActor(context.payload),
    action: "installation.new_permissions_accepted",
    details: { installationId: snapshot.installationId, permissions: snapshot.permissions, events: snapshot.events },
  });
  return "applied";
}

type ActionHandler = (context: Ctx, deps: HandlerDeps, snapshot: InstallationSnapshot) => Promise<HandlerOutcome>;

/** Looked up by own keys only: `constructor` or `__proto__` as an action is not a handler. */
const ACTIONS: ReadonlyMap<string, ActionHandler> = new Map<string, ActionHandler>([
  ["created", created],
  ["deleted", deleted],
  ["suspend", (c, d, s) => suspension(c, d, s, true)],
  ["unsuspend", (c, d, s) => suspension(c, d, s, false)],
  ["new_permissions_accepted", newPermissionsAccepted],
]);

export async function handleInstallation(context: Ctx, deps: HandlerDeps): Promise<HandlerOutcome> {
  const action = context.payload.action;
  const run = typeof action === "string" ? ACTIONS.get(action) : undefined;
  if (!run) return "ignored";
  return run(context, deps, readInstallationSnapshot(context.payload));
}
