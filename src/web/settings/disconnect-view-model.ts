import type { GitHubInstallationDoc } from "../../models/github-installation.js";
import type { GitHubUrls } from "../../github/urls.js";
import type { PageModel } from "../render.js";
import { SETTINGS_PATH } from "./settings-routes.js";
import { avatarUrl } from "./settings-view-model.js";

/** What views/pages/github-disconnect-confirm.ejs shows. */
export interface DisconnectConfirmView extends PageModel {
  accountLogin: string;
  accountUrl: string;
  avatarUrl: string;
  accountKind: string;
  action: string;
  cancelUrl: string;
}

export function disconnectConfirmView(installation: GitHubInstallationDoc, urls: GitHubUrls): DisconnectConfirmView {
  return {
    title: `Disconnect ${installation.accountLogin}?`,
    accountLogin: installation.accountLogin,
    accountUrl: urls.accountUrl(installation.accountLogin),
    avatarUrl: avatarUrl(installation.accountId),
    accountKind: installation.accountType === "User" ? "personal account" : "organization",
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
