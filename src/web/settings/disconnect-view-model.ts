import type { GitHubInstallationDoc } from "../../models/github-installation.js";
import type { GitHubUrls } from "../../github/urls.js";
import type { PageModel } from "../render.js";
import { SETTINGS_PATH } from "./settings-routes.js";
import { avatarUrl } from "./settings-view-model.js";
import { accountDisplayName } from "../../github/account.js";

/** The account's kind in a sentence ("the GitHub organization acme-corp"). */
export const ACCOUNT_KINDS = {
  Organization: "organization",
  User: "personal account",
  Enterprise: "enterprise",
} as const;

/** What views/pages/github-disconnect-confirm.ejs shows. */
export interface DisconnectConfirmView extends PageModel {
  /** An enterprise's name, else the login. */
  accountName: string;
  accountUrl: string;
  avatarUrl: string;
  accountKind: string;
  action: string;
  cancelUrl: string;
}

export function disconnectConfirmView(installation: GitHubInstallationDoc, urls: GitHubUrls): DisconnectConfirmView {
  return {
    title: `Disconnect ${accountDisplayName(installation)}?`,
    accountName: accountDisplayName(installation),
    accountUrl: urls.accountUrl(installation.accountLogin, installation.accountType),
    avatarUrl: avatarUrl(installation.accountId),
    accountKind: ACCOUNT_KINDS[installation.accountType],
    action: "/github/disconnect",
    cancelUrl: SETTINGS_PATH,
  };
}

/** The error page's model when GitHub did not answer the uninstall in time. */
export function disconnectTimeoutPage(accountLogin: string, timeoutMs: number, appName: string) {
  return {
    title: "GitHub did not answer in time",
    message: `GitHub did not answer within ${Math.round(timeoutMs / 1000)} seconds, so ${appName} is still installed on ${accountLogin} and nothing was changed. Try Disconnect again in a minute.`,
    back: { href: SETTINGS_PATH, label: "Back to Settings" },
  };
}
