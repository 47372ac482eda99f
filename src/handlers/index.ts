import { handleGitHubAppAuthorization } from "./github-app-authorization.js";
import { handleInstallationRepositories, type RepositoriesEvent } from "./installation-repositories.js";
import { handleInstallationTarget } from "./installation-target.js";
import { installationHandlers } from "./installation.js";
import { handleMarketplacePurchase, type PurchaseEvent } from "./marketplace-purchase.js";
import { handleMeta } from "./meta.js";
import { handleRepository, type RepositoryEventName } from "./repository.js";
import type { RegisterHandler } from "./types.js";

/** Which handler owns which event and action; every other delivery is recorded and ignored. */
export function registerEventHandlers(on: RegisterHandler): void {
  on<"installation.created">("installation.created", installationHandlers.created);
  on<"installation.deleted">("installation.deleted", installationHandlers.deleted);
  on<"installation.suspend">("installation.suspend", installationHandlers.suspend);
  on<"installation.unsuspend">("installation.unsuspend", installationHandlers.unsuspend);
  on<"installation.new_permissions_accepted">(
    "installation.new_permissions_accepted",
    installationHandlers.newPermissionsAccepted,
  );
  on<RepositoriesEvent>(
    ["installation_repositories.added", "installation_repositories.removed"],
    handleInstallationRepositories,
  );
  on<"installation_target.renamed">("installation_target.renamed", handleInstallationTarget);
  on<RepositoryEventName>(
    [
      "repository.renamed",
      "repository.transferred",
      "repository.deleted",
      "repository.archived",
      "repository.unarchived",
    ],
    handleRepository,
  );
  on<"github_app_authorization.revoked">("github_app_authorization.revoked", handleGitHubAppAuthorization);
  on<PurchaseEvent>(
    [
      "marketplace_purchase.purchased",
      "marketplace_purchase.changed",
      "marketplace_purchase.cancelled",
      "marketplace_purchase.pending_change",
      "marketplace_purchase.pending_change_cancelled",
    ],
    handleMarketplacePurchase,
  );
  on<"meta.deleted">("meta.deleted", handleMeta);
}
