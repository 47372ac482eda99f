import type { GitHubConfig } from "../config/env.js";

/** The browser-facing GitHub addresses of the connect flow, for github.com or GHES. */
export interface GitHubUrls {
  /** GitHub's install page for the App, carrying our state back to the setup URL. */
  installUrl(state: string): string;
  /**
   * The install page with the account and repositories pre-selected: how reconnect offers every
   * repo the app made, since an App cannot add repos to its own installation.
   */
  reconnectUrl(options: { accountId: number; repositoryIds: number[]; state: string }): string;
  /**
   * Where an owner changes the installation's repositories, suspends or uninstalls it: GitHub's
   * html_url when it is this installation's settings page on the configured GitHub (an
   * enterprise's page is GitHub's to say), else built from the configured web URL. Never any
   * other html_url (rule 9: a stored `javascript:` or foreign link must not become an href).
   */
  manageUrl(installation: ManageTarget): string;
  /** GitHub's OAuth authorize step; GitHub sends the user back to <BASE_URL>/github/callback. */
  authorizeUrl(state: string): string;
  /** The OAuth callback registered in app.yml. */
  callbackUrl: string;
  /** A repository's page on GitHub. */
  repoUrl(fullName: string): string;
  /** An account's page on GitHub: an organization's or user's by login, an enterprise's by slug. */
  accountUrl(login: string, accountType?: string): string;
}

export interface ManageTarget {
  installationId: number;
  /** The login, or an enterprise's slug. */
  accountLogin: string;
  accountType: string;
  /** What GitHub sent as the installation's html_url, used only when it passes `isOwnSettingsPage`. */
  htmlUrl?: string | null;
}

export interface GitHubUrlsOptions {
  github: Pick<GitHubConfig, "webUrl" | "enterpriseHost" | "appSlug" | "clientId">;
  baseUrl: string;
}

/** An App's public page on GitHub: GHES serves Apps under /github-apps/, github.com under /apps/. */
export function appPageUrl(github: Pick<GitHubConfig, "webUrl" | "enterpriseHost">, slug: string): string {
  return `${github.webUrl.replace(/\/$/, "")}/${github.enterpriseHost ? "github-apps" : "apps"}/${encodeURIComponent(slug)}`;
}

/** GitHub's html_url for an installation, if it is that installation's settings page on the configured GitHub (https). */
function ownSettingsPage(web: string, target: ManageTarget): string | null {
  if (!target.htmlUrl) return null;
  let url: URL;
  try {
    url = new URL(target.htmlUrl);
  } catch {
    return null;
  }
  const path = new RegExp(`^(/[^/?#]+)*/settings/installations/${target.installationId}$`);
  return url.protocol === "https:" && url.origin === new URL(web).origin && path.test(url.pathname) && !url.search
    ? url.href
    : null;
}

export function createGitHubUrls({ github, baseUrl }: GitHubUrlsOptions): GitHubUrls {
  const web = github.webUrl.replace(/\/$/, "");
  const appPath = () => {
    if (!github.appSlug) throw new Error("APP_SLUG is not set: the install link needs the App's URL name");
    return appPageUrl(github, github.appSlug);
  };
  const callbackUrl = `${baseUrl.replace(/\/$/, "")}/github/callback`;

  return {
    callbackUrl,

    installUrl: (state) => `${appPath()}/installations/new?state=${encodeURIComponent(state)}`,

    reconnectUrl({ accountId, repositoryIds, state }) {
      // Written as GitHub documents it (`repository_ids[]=1&repository_ids[]=2`), brackets unescaped.
      const query = [
        `suggested_target_id=${encodeURIComponent(String(accountId))}`,
        ...[...new Set(repositoryIds)]
          .sort((a, b) => a - b)
          .map((id) => `repository_ids[]=${encodeURIComponent(String(id))}`),
        `state=${encodeURIComponent(state)}`,
      ];
      return `${appPath()}/installations/new/permissions?${query.join("&")}`;
    },

    manageUrl(target) {
      const { installationId, accountLogin, accountType } = target;
      const given = ownSettingsPage(web, target);
      if (given) return given;
      const id = encodeURIComponent(String(installationId));
      if (accountType === "User") return `${web}/settings/installations/${id}`;
      const owner = accountType === "Enterprise" ? "enterprises" : "organizations";
      return `${web}/${owner}/${encodeURIComponent(accountLogin)}/settings/installations/${id}`;
    },

    authorizeUrl(state) {
      if (!github.clientId) throw new Error("GITHUB_CLIENT_ID is not set: the installer cannot be verified with OAuth");
      const query = new URLSearchParams({ client_id: github.clientId, redirect_uri: callbackUrl, state });
      return `${web}/login/oauth/authorize?${query.toString()}`;
    },

    accountUrl: (login, accountType) =>
      accountType === "Enterprise"
        ? `${web}/enterprises/${encodeURIComponent(login)}`
        : `${web}/${encodeURIComponent(login)}`,

    repoUrl: (fullName) => `${web}/${fullName.split("/").map(encodeURIComponent).join("/")}`,
  };
}
