import { readAccount } from "../github/account.js";
import { applyAccountRenamed } from "../installations/installation-changes.js";
import {
  isObject,
  numberAt,
  objectAt,
  optionalString,
  parseGitHubTime,
  payloadObject,
  senderActor,
} from "../github/payload.js";
import type { HandlerContext, HandlerDeps, HandlerOutcome } from "./types.js";

/**
 * An account renamed on GitHub: keep showing the name GitHub now uses, ordered by the account's
 * updated_at. Both schemas mark account.login optional: without it, the login is what GitHub says
 * of the installation now (GET /app/installations/{id}, App JWT).
 */
export async function handleInstallationTarget(
  context: HandlerContext<"installation_target.renamed">,
  deps: HandlerDeps,
): Promise<HandlerOutcome> {
  const payload = payloadObject(context.payload);
  const installationId = numberAt(objectAt(payload, "installation", "payload"), "id", "installation");
  const account = objectAt(payload, "account", "payload");
  const from = context.payload.changes?.login?.from;
  // An enterprise is stored under its slug (src/github/account.ts): its rename carries the new slug.
  const login =
    optionalString(account, "login") ??
    (payload.target_type === "Enterprise" ? optionalString(account, "slug") : null) ??
    (await currentLogin(deps, installationId));
  if (!login) {
    context.log.warn(
      { installationId },
      "installation_target.renamed: GitHub no longer has the installation; not applied",
    );
    return "ignored";
  }
  return applyAccountRenamed(
    { ...deps, log: context.log },
    {
      installationId,
      accountId: numberAt(account, "id", "account"),
      login,
      from: typeof from === "string" ? from : null,
      // The installation in this payload carries no time; the renamed account's is the rename's.
      eventAt: parseGitHubTime(account.updated_at),
    },
    senderActor(payload),
  );
}

/** The installation's account login as GitHub has it now; null when GitHub does not know the installation. */
async function currentLogin(deps: HandlerDeps, installationId: number): Promise<string | null> {
  if (!deps.getInstallation)
    throw new Error("installation_target.renamed without account.login needs the App's client");
  const installation = await deps.getInstallation(installationId);
  const account = installation?.account;
  if (!isObject(account)) return null;
  const targetType = typeof installation?.target_type === "string" ? installation.target_type : null;
  return readAccount(account, "installation.account", targetType).login;
}
