import { handleGitHubAppAuthorization } from "./github-app-authorization.js";
import { handleInstallationRepositories } from "./installation-repositories.js";
import { handleInstallationTarget } from "./installation-target.js";
import { handleInstallation } from "./installation.js";
import { handleMarketplacePurchase } from "./marketplace-purchase.js";
import { handleMeta } from "./meta.js";
import type { EventHandler } from "./types.js";

/** Which handler owns which webhook event; anything else is acknowledged and ignored. */
/** A Map, not an object literal: an event named "constructor" must find nothing, not Object's prototype. */
export const eventHandlers: ReadonlyMap<string, EventHandler> = new Map<string, EventHandler>([
  ["installation", handleInstallation],
  ["installation_repositories", handleInstallationRepositories],
  ["installation_target", handleInstallationTarget],
  ["github_app_authorization", handleGitHubAppAuthorization],
  ["marketplace_purchase", handleMarketplacePurchase],
  ["meta", handleMeta],
]);
