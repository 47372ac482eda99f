import { recordAudit } from "../events/audit-log.js";
import { connectionData } from "../events/event-data.js";
import { recordEvent } from "../events/event-log.js";
import {
  applyInstallationCreated,
  applyInstallationRemoved,
  applySuspension,
  type ChangeDeps,
} from "../installations/installation-changes.js";
import { applyInstallationEvent } from "../installations/installation-store.js";
import { readInstallationSnapshot, type InstallationSnapshot } from "../github/installation-snapshot.js";
import { isObject, payloadObject, repositoryIds, senderActor, type Json } from "../github/payload.js";
import type { EventHandler, HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

type InstallationEvent =
  | "installation.created"
  | "installation.deleted"
  | "installation.suspend"
  | "installation.unsuspend"
  | "installation.new_permissions_accepted";
type Ctx = HandlerContext<InstallationEvent>;

/** The change services log through the delivery's logger. */
const changeDeps = (context: Ctx, deps: HandlerDeps): ChangeDeps => ({ ...deps, log: context.log });

async function created(
  context: Ctx,
  deps: HandlerDeps,
  payload: Json,
  snapshot: InstallationSnapshot,
): Promise<HandlerOutcome> {
  const requester = isObject(payload.requester) ? payload.requester : null;
  return applyInstallationCreated(changeDeps(context, deps), snapshot, {
    actor: senderActor(payload),
    requesterId: typeof requester?.id === "number" ? requester.id : null,
    // Shown (escaped) to operators only; a login longer than any GitHub gives is not stored.
    requesterLogin:
      typeof requester?.login === "string" && requester.login.length > 0 && requester.login.length <= 100
        ? requester.login
        : null,
    repositoryIds: repositoryIds(payload, "repositories", "payload"),
  });
}

async function newPermissionsAccepted(
  _context: Ctx,
  deps: HandlerDeps,
  payload: Json,
  snapshot: InstallationSnapshot,
): Promise<HandlerOutcome> {
  const { models } = deps;
  const installation = await applyInstallationEvent(models, snapshot, {
    eventAt: snapshot.updatedAt,
    set: { permissions: snapshot.permissions, events: snapshot.events },
  });
  if (!installation) return "stale";
  const at = deps.now();
  await recordEvent(models, at, {
    type: "connection.permissions_changed",
    organizationId: installation.organizationId,
    data: { ...connectionData(installation), permissions: snapshot.permissions, events: snapshot.events },
  });
  await recordAudit(models, at, {
    organizationId: installation.organizationId,
    actor: senderActor(payload),
    action: "installation.new_permissions_accepted",
    details: { installationId: snapshot.installationId, permissions: snapshot.permissions, events: snapshot.events },
  });
  return "applied";
}

type ActionHandler = (
  context: Ctx,
  deps: HandlerDeps,
  payload: Json,
  snapshot: InstallationSnapshot,
) => Promise<HandlerOutcome>;

/** Each action's handler, with the payload checked and read into our shape first. */
function withSnapshot<E extends InstallationEvent>(run: ActionHandler): EventHandler<E> {
  return (context, deps) => {
    const payload = payloadObject(context.payload);
    return run(context, deps, payload, readInstallationSnapshot(payload));
  };
}

export const installationHandlers = {
  created: withSnapshot<"installation.created">(created),
  deleted: withSnapshot<"installation.deleted">(async (c, d, p, snapshot) =>
    (await applyInstallationRemoved(changeDeps(c, d), { by: "github", snapshot }, { actor: senderActor(p) }))
      ? "applied"
      : "ignored",
  ),
  suspend: withSnapshot<"installation.suspend">((c, d, p, s) =>
    applySuspension(changeDeps(c, d), s, true, senderActor(p)),
  ),
  unsuspend: withSnapshot<"installation.unsuspend">((c, d, p, s) =>
    applySuspension(changeDeps(c, d), s, false, senderActor(p)),
  ),
  newPermissionsAccepted: withSnapshot<"installation.new_permissions_accepted">(newPermissionsAccepted),
};
