import { applyAccountRenamed } from "../installations/installation-changes.js";
import { numberAt, objectAt, parseGitHubTime, payloadObject, senderActor, stringAt } from "../github/payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

/** An account renamed on GitHub: keep showing the name GitHub now uses, ordered by the account's updated_at. */
export async function handleInstallationTarget(
  context: HandlerContext<"installation_target.renamed">,
  deps: HandlerDeps,
): Promise<HandlerOutcome> {
  const payload = payloadObject(context.payload);
  const installationId = numberAt(objectAt(payload, "installation", "payload"), "id", "installation");
  const account = objectAt(payload, "account", "payload");
  const from = context.payload.changes?.login?.from;
  return applyAccountRenamed(
    { ...deps, log: context.log },
    {
      installationId,
      accountId: numberAt(account, "id", "account"),
      login: stringAt(account, "login", "account"),
      from: typeof from === "string" ? from : null,
      // The installation in this payload carries no time; the renamed account's is the rename's.
      eventAt: parseGitHubTime(account.updated_at),
    },
    senderActor(payload),
  );
}
