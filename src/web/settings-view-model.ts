import type { GitHubInstallationDoc } from "../models/github-installation.js";
import type { InstallRequestDoc } from "../models/install-request.js";
import type { RepoDoc } from "../models/repo.js";
import type { Connection } from "../services/connection.js";
import type { GitHubUrls } from "../services/github-urls.js";
import { projectFormView, type ProjectFormView } from "./project-form-view-model.js";

/** What views/pages/settings-repos.ejs shows; every word and URL is decided here. */
export interface SettingsViewModel {
  title: string;
  /** Admins get the buttons; members see the same status without them. */
  canManage: boolean;
  connection: ConnectionView;
  pendingRequest: { githubLogin: string; requestedOn: DateView } | null;
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
      accountLogin: string;
      accountTypeLabel: "Organization" | "Personal account";
      installedOn: DateView | null;
      manageUrl: string;
      suspendedOn: DateView | null;
      removedOn: DateView | null;
      /** Admins only, "deleted" only: GitHub's install page with the account and the org's repos pre-selected. */
      reconnectUrl: string | null;
      /** "your 2 repositories", or null when no repo has a GitHub id to pre-select. */
      preselectedText: string | null;
      statusClass: "status-ok" | "status-warn" | "status-bad";
    }
  | { state: "disconnected"; connectUrl: string };

export interface ProjectsView {
  count: number;
  items: Array<{ name: string; fullName: string | null; githubUrl: string | null; accessLabel: string; accessClass: "status-ok" | "status-bad" }>;
  /** Shown instead of the list when it is empty. */
  emptyText: string;
}

export function dateView(date: Date | null | undefined): DateView | null {
  if (!date) return null;
  const text = date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  return { text, iso: date.toISOString() };
}

export interface SettingsInput {
  canManage: boolean;
  connection: Connection;
  repos: RepoDoc[];
  pendingRequest: InstallRequestDoc | null;
  urls: GitHubUrls;
  /** Issues a fresh install state for the reconnect link (admins, deleted connection only). */
  issueInstallState: () => string;
  /** DEFAULT_REPOS: offered to admins in one action when set. */
  defaultRepoNames?: readonly string[];
}

function connectionView(input: SettingsInput): ConnectionView {
  const { connection, urls, canManage } = input;
  const installation: GitHubInstallationDoc | null = connection.installation;
  if (connection.state === "disconnected" || !installation) return { state: "disconnected", connectUrl: "/github/connect" };
  const repoIds = input.repos.map((repo) => repo.githubRepoId).filter((id): id is number => typeof id === "number");
  const reconnectUrl =
    connection.state === "deleted" && canManage
      ? urls.reconnectUrl({ accountId: installation.accountId, repositoryIds: repoIds, state: input.issueInstallState() })
      : null;
  return {
    state: connection.state,
    accountLogin: installation.accountLogin,
    accountTypeLabel: installation.accountType === "User" ? "Personal account" : "Organization",
    installedOn: dateView(installation.installedAt ?? (installation as { createdAt?: Date }).createdAt),
    manageUrl: urls.manageUrl({
      installationId: installation.installationId,
      accountLogin: installation.accountLogin,
      accountType: installation.accountType,
    }),
    suspendedOn: dateView(installation.suspendedAt),
    removedOn: dateView(installation.deletedAt),
    reconnectUrl,
    preselectedText: repoIds.length === 0 ? null : `your ${repoIds.length} ${repoIds.length === 1 ? "repository" : "repositories"}`,
    statusClass: connection.state === "connected" ? "status-ok" : connection.state === "suspended" ? "status-warn" : "status-bad",
  };
}

function projectsView(input: SettingsInput): ProjectsView {
  const items = input.repos.map((repo) => ({
    name: repo.name,
    fullName: repo.fullName ?? null,
    githubUrl: repo.fullName ? input.urls.repoUrl(repo.fullName) : null,
    accessLabel: repo.accessible ? "Reachable" : "Not reachable",
    accessClass: repo.accessible ? ("status-ok" as const) : ("status-bad" as const),
  }));
  const connected = input.connection.state === "connected" || input.connection.state === "suspended";
  return {
    count: items.length,
    items,
    emptyText: connected ? "No projects yet." : input.connection.state === "deleted" ? "No projects yet. Reconnect GitHub to create projects." : "Connect GitHub to create projects.",
  };
}

export function buildSettingsViewModel(input: SettingsInput): SettingsViewModel {
  return {
    title: "Repositories",
    canManage: input.canManage,
    connection: connectionView(input),
    pendingRequest:
      input.pendingRequest && input.connection.state !== "connected" && input.connection.state !== "suspended"
        ? { githubLogin: input.pendingRequest.githubLogin, requestedOn: dateView(input.pendingRequest.requestedAt)! }
        : null,
    projects: projectsView(input),
    projectForm: projectFormView({ canManage: input.canManage, connection: input.connection, defaultRepoNames: input.defaultRepoNames ?? [] }),
  };
}
