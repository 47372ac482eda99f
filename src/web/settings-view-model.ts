import type { GitHubInstallationDoc } from "../models/github-installation.js";
import type { InstallRequestDoc } from "../models/install-request.js";
import type { Connection } from "../services/connection.js";
import type { GitHubUrls } from "../services/github-urls.js";
import type { ReconnectLink } from "../services/reconnect-link.js";
import type { RepoPage } from "../services/repo-listing.js";
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
      /** Admins only: when the repos do not fit in the link, which to tick on GitHub. */
      reconnectNote: ReconnectNote | null;
      statusClass: "status-ok" | "status-warn" | "status-bad";
    }
  | { state: "disconnected"; connectUrl: string };

export interface ReconnectNote {
  text: string;
  /** The first repos to tick, by name. */
  names: string[];
  /** "and 9,980 more: …", or null when every one is named. */
  moreText: string | null;
}

export interface ProjectsView {
  /** How many projects the organization has, on every page. */
  count: number;
  countText: string;
  items: Array<{ name: string; fullName: string | null; githubUrl: string | null; accessLabel: string; accessClass: "status-ok" | "status-bad" }>;
  /** Shown instead of the list when it is empty. */
  emptyText: string;
  /** Which slice this page shows and the links to its neighbours; null when one page holds them all. */
  pagination: PaginationView | null;
}

export interface PaginationView {
  /** "Showing 51–100 of 10,000 projects" */
  rangeText: string;
  /** "Page 2 of 200" */
  pageText: string;
  previousUrl: string | null;
  nextUrl: string | null;
}

export function dateView(date: Date | null | undefined): DateView | null {
  if (!date) return null;
  const text = date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  return { text, iso: date.toISOString() };
}

export interface SettingsInput {
  canManage: boolean;
  connection: Connection;
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

function connectionView(input: SettingsInput): ConnectionView {
  const { connection, urls, canManage } = input;
  const installation: GitHubInstallationDoc | null = connection.installation;
  if (connection.state === "disconnected" || !installation) return { state: "disconnected", connectUrl: "/github/connect" };
  const reconnect = connection.state === "deleted" && canManage ? input.reconnect : null;
  const preselected = reconnect?.preselected ?? 0;
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
    reconnectUrl: reconnect?.url ?? null,
    preselectedText: preselected === 0 ? null : `your ${plural(preselected, "repository", "repositories")}`,
    reconnectNote: reconnect ? reconnectNote(input.toTick, installation.accountLogin) : null,
    statusClass: connection.state === "connected" ? "status-ok" : connection.state === "suspended" ? "status-warn" : "status-bad",
  };
}

function paginationView(input: SettingsInput): PaginationView | null {
  const { page, total, repos } = input.repoPage;
  if (page.last === 1) return null;
  const link = (n: number) => `${input.pagePath}?page=${n}`;
  const from = page.skip + 1;
  return {
    rangeText: `Showing ${number(from)}–${number(page.skip + repos.length)} of ${plural(total, "project", "projects")}`,
    pageText: `Page ${number(page.number)} of ${number(page.last)}`,
    previousUrl: page.number > 1 ? link(page.number - 1) : null,
    nextUrl: page.number < page.last ? link(page.number + 1) : null,
  };
}

function projectsView(input: SettingsInput): ProjectsView {
  const items = input.repoPage.repos.map((repo) => ({
    name: repo.name,
    fullName: repo.fullName ?? null,
    githubUrl: repo.fullName ? input.urls.repoUrl(repo.fullName) : null,
    accessLabel: repo.accessible ? "Reachable" : "Not reachable",
    accessClass: repo.accessible ? ("status-ok" as const) : ("status-bad" as const),
  }));
  const connected = input.connection.state === "connected" || input.connection.state === "suspended";
  const total = input.repoPage.total;
  return {
    count: total,
    countText: number(total),
    items,
    emptyText: connected ? "No projects yet." : input.connection.state === "deleted" ? "No projects yet. Reconnect GitHub to create projects." : "Connect GitHub to create projects.",
    pagination: paginationView(input),
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
