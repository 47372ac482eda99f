import { recordAudit } from "../services/audit.js";
import { numberAt, objectAt, payloadObject, senderActor, stringAt } from "../github/payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

/** An account renamed on GitHub: keep showing the name GitHub now uses. */
export async function handleInstallationTarget(context: HandlerContext<"installation_target.renamed">, deps: HandlerDeps): Promise<HandlerOutcome> {
  const payload = payloadObject(context.payload);
  const { models } = deps;
  const installationId = numberAt(objectAt(payload, "installation", "payload"), "id", "installation");
  const account = objectAt(payload, "account", "payload");
  const accountId = numberAt(account, "id", "account");
  const login = stringAt(account, "login", "account");
  const installation = await models.GitHubInstallation.findOneAndUpdate(
    { installationId },
    { $set: { accountLogin: login } },
    { new: true, lean: true },
  );
  // A purchase may exist before (or without) the installation; it names the same account.
  await models.MarketplaceAccount.updateOne({ accountId }, { $set: { accountLogin: login } });
  if (!installation) {
    context.log.debug({ installationId }, "installation_target.renamed for an unknown installation; the rename waits for its created event");
  }
  const from = context.payload.changes?.login?.from;
  await recordAudit(models, deps.now(), {
    organizationId: installation?.organizationId,
    actor: senderActor(payload),
    action: "installation_target.renamed",
    details: { installationId, accountId, from: typeof from === "string" ? from : null, to: login },
  });
  return "applied";
}
