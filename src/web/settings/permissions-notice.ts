import { permissionShortfall, shortfallText } from "../../github/app-permissions.js";
import type { GitHubConnection } from "../../installations/organization-connection.js";
import type { GitHubUrls } from "../../github/urls.js";
import { accountDisplayName } from "../../github/account.js";

/** The settings page's notice: the App asks for more than this organization's installation has accepted. */
export interface PermissionsNoticeView {
  /** "contents: write (has read)", one per permission. */
  items: string[];
  /** The installation's page on GitHub, where an owner accepts (an organization's or a user's, from configuration). */
  acceptUrl: string;
  accountName: string;
}

/**
 * For admins of a live connection, when the live App's permissions (the cached GET /app the
 * header already asked; null when GitHub has not answered) exceed what the installation accepted.
 */
export function permissionsNotice(input: {
  canManage: boolean;
  connection: GitHubConnection;
  livePermissions: Record<string, string> | null;
  urls: GitHubUrls;
}): PermissionsNoticeView | null {
  const installation = input.connection.installation;
  if (!input.canManage || !installation || !input.livePermissions) return null;
  if (input.connection.state !== "connected" && input.connection.state !== "suspended") return null;
  const lacking = permissionShortfall(input.livePermissions, installation.permissions as Record<string, unknown>);
  if (lacking.length === 0) return null;
  return {
    items: lacking.map(shortfallText),
    acceptUrl: input.urls.manageUrl({
      installationId: installation.installationId,
      accountLogin: installation.accountLogin,
      accountType: installation.accountType,
    }),
    accountName: accountDisplayName(installation),
  };
}
