import { recordAudit } from "../services/audit.js";
import { numberAt, objectAt, senderActor, stringAt, type Json } from "./payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

/** An account renamed on GitHub: keep showing the name GitHub now uses. */
export async function handleInstallationTarget(context: HandlerContext<Json>, deps: HandlerDeps): Promise<HandlerOutcome> {
  if (context.payload.action !== "renamed") return "ignored";
  const { models } = deps;
  const installationId = numberAt(objectAt(context.payload, "installation", "payload"), "id", "installation");
  const account = objectAt(context.payload, "account", "payload");
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
  const changes = context.payload.changes as { login?: { from?: string } } | undefined;
  await recordAudit(models, deps.now(), {
    organizationId: installation?.organizationId,
    actor: senderActor(context.payload),
    action: "installation_target.renamed",
    details: { installationId, accountId, from: changes?.login?.from ?? null, to: login },
  });
  return "applied";
}
