import { recordAudit } from "../services/audit.js";
import { linkRequestedInstallation } from "../services/install-requests.js";
import { applyInstallationEvent, setAllRepoAccess, updateRepoAccess } from "../services/installation-store.js";
import { readInstallationSnapshot, snapshotFields, type InstallationSnapshot } from "../github/installation-snapshot.js";
import { isObject, latest, payloadObject, repositoryIds, senderActor, type Json } from "../github/payload.js";
import type { EventHandler, HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

type InstallationEvent =
  | "installation.created"
  | "installation.deleted"
  | "installation.suspend"
  | "installation.unsuspend"
  | "installation.new_permissions_accepted";
type Ctx = HandlerContext<InstallationEvent>;

async function created(context: Ctx, deps: HandlerDeps, payload: Json, snapshot: InstallationSnapshot): Promise<HandlerOutcome> {
  const { models } = deps;
  const requester = payload.requester;
  const requesterId = isObject(requester) && typeof requester.id === "number" ? requester.id : null;
  // created never carries a suspension, so it never clears one a faster `suspend` stored.
  const stored = await applyInstallationEvent(models, snapshot, { eventAt: snapshot.updatedAt, set: { ...snapshotFields(snapshot), requesterId } });
  if (!stored) {
    context.log.debug("installation.created is older than the stored state; not applied");
    return "stale";
  }
  let organizationId = stored.organizationId ?? null;
  // An owner approved what an admin of ours requested (setup_action=request): link it to that org.
  if (!organizationId && requesterId !== null) {
    organizationId = await linkRequestedInstallation({ ...deps, log: context.log }, snapshot, requesterId, senderActor(payload));
  }
  const repos = repositoryIds(payload, "repositories", "payload");
  await updateRepoAccess(models, organizationId, { reachable: repos });
  await recordAudit(models, deps.now(), {
    organizationId,
    actor: senderActor(payload),
    action: "installation.created",
    details: { installationId: snapshot.installationId, account: snapshot.accountLogin, repositories: repos.length },
  });
  return "applied";
}

async function deleted(_context: Ctx, deps: HandlerDeps, payload: Json, snapshot: InstallationSnapshot): Promise<HandlerOutcome> {
  const { models } = deps;
  const deletedAt = deps.now();
  // Deletion is final for an installation id, whatever order the events came in: no timestamp guard.
  const installation = await applyInstallationEvent(models, snapshot, {
    eventAt: null,
    set: { deletedAt, lastEventAt: latest(snapshot.updatedAt, deletedAt) },
  });
  if (!installation) return "ignored";
  // Repo documents (and their githubRepoId) stay: reconnect pre-selects them.
  await setAllRepoAccess(models, installation.organizationId, false);
  await recordAudit(models, deletedAt, {
    organizationId: installation.organizationId,
    actor: senderActor(payload),
    action: "installation.deleted",
    details: { installationId: snapshot.installationId, account: snapshot.accountLogin },
  });
  return "applied";
}

async function suspension(context: Ctx, deps: HandlerDeps, payload: Json, snapshot: InstallationSnapshot, suspend: boolean): Promise<HandlerOutcome> {
  const { models } = deps;
  const eventAt = suspend ? latest(snapshot.updatedAt, snapshot.suspendedAt) : snapshot.updatedAt;
  const suspendedAt = suspend ? (snapshot.suspendedAt ?? deps.now()) : null;
  const installation = await applyInstallationEvent(models, snapshot, { eventAt, set: { suspendedAt } });
  if (!installation) {
    context.log.debug(`installation.${suspend ? "suspend" : "unsuspend"} is older than the stored state; not applied`);
    return "stale";
  }
  await recordAudit(models, deps.now(), {
    organizationId: installation.organizationId,
    actor: senderActor(payload),
    action: suspend ? "installation.suspended" : "installation.unsuspended",
    details: { installationId: snapshot.installationId },
  });
  return "applied";
}

async function newPermissionsAccepted(_context: Ctx, deps: HandlerDeps, payload: Json, snapshot: InstallationSnapshot): Promise<HandlerOutcome> {
  const { models } = deps;
  const installation = await applyInstallationEvent(models, snapshot, {
    eventAt: snapshot.updatedAt,
    set: { permissions: snapshot.permissions, events: snapshot.events },
  });
  if (!installation) return "stale";
  await recordAudit(models, deps.now(), {
    organizationId: installation.organizationId,
    actor: senderActor(payload),
    action: "installation.new_permissions_accepted",
    details: { installationId: snapshot.installationId, permissions: snapshot.permissions, events: snapshot.events },
  });
  return "applied";
}

type ActionHandler = (context: Ctx, deps: HandlerDeps, payload: Json, snapshot: InstallationSnapshot) => Promise<HandlerOutcome>;

/** Each action's handler, with the payload checked and read into our shape first. */
function withSnapshot<E extends InstallationEvent>(run: ActionHandler): EventHandler<E> {
  return (context, deps) => {
    const payload = payloadObject(context.payload);
    return run(context, deps, payload, readInstallationSnapshot(payload));
  };
}

export const installationHandlers = {
  created: withSnapshot<"installation.created">(created),
  deleted: withSnapshot<"installation.deleted">(deleted),
  suspend: withSnapshot<"installation.suspend">((c, d, p, s) => suspension(c, d, p, s, true)),
  unsuspend: withSnapshot<"installation.unsuspend">((c, d, p, s) => suspension(c, d, p, s, false)),
  newPermissionsAccepted: withSnapshot<"installation.new_permissions_accepted">(newPermissionsAccepted),
};
