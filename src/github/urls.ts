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
   * Where an owner changes the installation's repositories, suspends or uninstalls it. Built from
   * the configured web URL, never from the payload's html_url (rule 9: a stored `javascript:` or
   * foreign link must not become an href).
   */
  manageUrl(installation: ManageTarget): string;
  /** GitHub's OAuth authorize step; GitHub sends the user back to <BASE_URL>/github/callback. */
  authorizeUrl(state: string): string;
  /** The OAuth callback registered in app.yml. */
  callbackUrl: string;
  /** A repository's page on GitHub. */
  repoUrl(fullName: string): string;
  /** An account's (organization's or user's) page on GitHub. */
  accountUrl(login: string): string;
}

export interface ManageTarget {
  installationId: number;
  accountLogin: string;
  accountType: string;
}

export interface GitHubUrlsOptions {
  github: Pick<GitHubConfig, "webUrl" | "enterpriseHost" | "appSlug" | "clientId">;
  baseUrl: string;
}

/** An App's public page on GitHub: GHES serves Apps under /github-apps/, github.com under /apps/. */
export function appPageUrl(github: Pick<GitHubConfig, "webUrl" | "enterpriseHost">, slug: string): string {
  return `${github.webUrl.replace(/\/$/, "")}/${github.enterpriseHost ? "github-apps" : "apps"}/${encodeURIComponent(slug)}`;
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

    manageUrl({ installationId, accountLogin, accountType }) {
      const id = encodeURIComponent(String(installationId));
      return accountType === "User"
        ? `${web}/settings/installations/${id}`
        : `${web}/organizations/${encodeURIComponent(accountLogin)}/settings/installations/${id}`;
    },

    authorizeUrl(state) {
      if (!github.clientId) throw new Error("GITHUB_CLIENT_ID is not set: the installer cannot be verified with OAuth");
      const query = new URLSearchParams({ client_id: github.clientId, redirect_uri: callbackUrl, state });
      return `${web}/login/oauth/authorize?${query.toString()}`;
    },

    accountUrl: (login) => `${web}/${encodeURIComponent(login)}`,

    repoUrl: (fullName) => `${web}/${fullName.split("/").map(encodeURIComponent).join("/")}`,
  };
}
