import type { GitHubInstallationDoc } from "../../models/github-installation.js";
import type { InstallRequestDoc } from "../../models/install-request.js";
import type { GitHubConnection } from "../../installations/organization-connection.js";
import type { GitHubUrls } from "../../github/urls.js";
import { accountDisplayName } from "../../github/account.js";
import type { ReconnectLink } from "../../connect/reconnect-link.js";
import type { RepoPage } from "../../repos/repo-listing.js";
import { projectFormView, type ProjectFormView } from "../projects/project-form-view-model.js";
import { projectsView, type ProjectsView } from "../projects/projects-view-model.js";

/** What views/pages/settings-repos.ejs shows; every word and URL is decided here. */
export interface SettingsViewModel {
  title: string;
  /** Admins get the buttons; members see the same status without them. */
  canManage: boolean;
  connection: ConnectionView;
  projects: ProjectsView;
  /** The new-project form (views/partials/project-form.ejs); null when there is none to show. */
  projectForm: ProjectFormView | null;
  [key: string]: unknown;
}

export interface DateView {
  text: string;
  iso: string;
}

export type ConnectionView =
  | {
      state: "connected" | "suspended" | "deleted";
      /** The state in one word, beside the card's heading: "Connected", "Suspended", "Disconnected". */
      stateLabel: string;
      accountLogin: string;
      /** What the account is called on the page: an enterprise's name, else the login. */
      accountName: string;
      /** The account's page on GitHub, built from the configured web URL. */
      accountUrl: string;
      /** GitHub's avatar of the account (avatars.githubusercontent.com, allowed by the CSP's img-src). */
      avatarUrl: string;
      accountTypeLabel: "Organization" | "Personal account" | "Enterprise";
      installedOn: DateView | null;
      manageUrl: string;
      suspendedOn: DateView | null;
      removedOn: DateView | null;
      /** Admins only, "deleted" only: GitHub's install page with the account and the org's repos pre-selected. */
      reconnectUrl: string | null;
      /** "your 2 repositories", or null when no repo has a GitHub id to pre-select. */
      preselectedText: string | null;
      /** Admins only: when the repos do not fit in the link, which to tick on GitHub. */
      reconnectNote: ReconnectNote | null;
      statusClass: "status-ok" | "status-warn" | "status-muted";
    }
  | { state: "disconnected"; stateLabel: "Not connected"; connectUrl: string }
  /** An admin asked an owner on GitHub to install the App (setup_action=request): one state, waiting. */
  | {
      state: "pending";
      stateLabel: "Waiting for approval";
      githubLogin: string;
      requestedOn: DateView;
      connectUrl: string;
    };

export interface ReconnectNote {
  text: string;
  /** The first repos to tick, by name. */
  names: string[];
  /** "and 9,980 more: …", or null when every one is named. */
  moreText: string | null;
}

export function dateView(date: Date | null | undefined): DateView | null {
  if (!date) return null;
  const text = date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  return { text, iso: date.toISOString() };
}

export interface SettingsInput {
  canManage: boolean;
  connection: GitHubConnection;
  /** The page of projects shown. */
  repoPage: RepoPage;
  /** Where the page's own links point (`?page=N` is added). */
  pagePath: string;
  pendingRequest: InstallRequestDoc | null;
  urls: GitHubUrls;
  /** The reconnect link: built for admins of an organization whose installation was deleted, else null. */
  reconnect: ReconnectLink | null;
  /** When the link could not pre-select the repos: how many to tick on GitHub, and the first names. */
  toTick: { total: number; names: string[] } | null;
  /** DEFAULT_REPOS: offered to admins in one action when set. */
  defaultRepoNames?: readonly string[];
  /** The App's name as GitHub shows it. */
  appName: string;
}

const number = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string, many: string) => `${number(n)} ${n === 1 ? one : many}`;

function reconnectNote(toTick: SettingsInput["toTick"], accountLogin: string): ReconnectNote | null {
  if (!toTick) return null;
  const { total, names } = toTick;
  const more = total - names.length;
  return {
    text: `GitHub cannot pre-select ${plural(total, "repository", "repositories")} in one link, so Reconnect GitHub opens the install page for ${accountLogin} without them. There, choose “Only select repositories” and tick:`,
    names,
    moreText: more > 0 ? `and ${number(more)} more: every project listed below with a GitHub repository.` : null,
  };
}

const ACCOUNT_TYPE_LABELS = {
  Organization: "Organization",
  User: "Personal account",
  Enterprise: "Enterprise",
} as const;

const STATE_LABELS = { connected: "Connected", suspended: "Suspended", deleted: "Disconnected" } as const;

/** GitHub's avatar for an account id, 64 px. */
export function avatarUrl(accountId: number): string {
  return `https://avatars.githubusercontent.com/u/${encodeURIComponent(String(accountId))}?s=64`;
}

export function manageUrlOf(input: SettingsInput): string | null {
  const installation = input.connection.installation;
  if (!installation) return null;
  return input.urls.manageUrl({
    installationId: installation.installationId,
    accountLogin: installation.accountLogin,
    accountType: installation.accountType,
    htmlUrl: installation.htmlUrl,
  });
}

function connectionView(input: SettingsInput): ConnectionView {
  const { connection, urls, canManage } = input;
  const installation: GitHubInstallationDoc | null = connection.installation;
  if (connection.state === "disconnected" || !installation) {
    const request = input.pendingRequest;
    if (request) {
      return {
        state: "pending",
        stateLabel: "Waiting for approval",
        githubLogin: request.githubLogin,
        requestedOn: dateView(request.requestedAt)!,
        connectUrl: "/github/connect",
      };
    }
    return { state: "disconnected", stateLabel: "Not connected", connectUrl: "/github/connect" };
  }
  const reconnect = connection.state === "deleted" && canManage ? input.reconnect : null;
  const preselected = reconnect?.preselected ?? 0;
  return {
    state: connection.state,
    stateLabel: STATE_LABELS[connection.state],
    accountLogin: installation.accountLogin,
    accountName: accountDisplayName(installation),
    accountUrl: urls.accountUrl(installation.accountLogin, installation.accountType),
    avatarUrl: avatarUrl(installation.accountId),
    accountTypeLabel: ACCOUNT_TYPE_LABELS[installation.accountType],
    installedOn: dateView(installation.installedAt ?? (installation as { createdAt?: Date }).createdAt),
    manageUrl: manageUrlOf(input)!,
    suspendedOn: dateView(installation.suspendedAt),
    removedOn: dateView(installation.deletedAt),
    reconnectUrl: reconnect?.url ?? null,
    preselectedText: preselected === 0 ? null : `your ${plural(preselected, "repository", "repositories")}`,
    reconnectNote: reconnect ? reconnectNote(input.toTick, accountDisplayName(installation)) : null,
    statusClass:
      connection.state === "connected"
        ? "status-ok"
        : connection.state === "suspended"
          ? "status-warn"
          : "status-muted",
  };
}

export function buildSettingsViewModel(input: SettingsInput): SettingsViewModel {
  return {
    title: "GitHub",
    canManage: input.canManage,
    connection: connectionView(input),
    projects: projectsView(input),
    projectForm: projectFormView({
      canManage: input.canManage,
      connection: input.connection,
      defaultRepoNames: input.defaultRepoNames ?? [],
      appName: input.appName,
    }),
  };
}
