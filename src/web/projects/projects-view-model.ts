import type { RepoPage } from "../../repos/repo-listing.js";
import { repoStatus, type RepoStatus } from "../../repos/repo-status.js";
import { manageUrlOf, type SettingsInput } from "../settings/settings-view-model.js";

/** The Projects section of views/partials/projects-list.ejs: each project and what its access truly is. */
export interface ProjectsView {
  /** How many projects the organization has, on every page. */
  count: number;
  countText: string;
  items: ProjectItemView[];
  /** Shown instead of the list when it is empty. */
  emptyText: string;
  /** Which slice this page shows and the links to its neighbours; null when one page holds them all. */
  pagination: PaginationView | null;
}

export interface ProjectItemView {
  name: string;
  fullName: string | null;
  githubUrl: string | null;
  accessLabel: string;
  accessClass: "status-ok" | "status-warn" | "status-bad" | "status-muted";
  /** Why the repo cannot be reached and how to fix it, with the link that does; null when nothing is to fix. */
  accessHint: { text: string; linkText: string; href: string } | null;
  /** The same status the internal API gives (repos/repo-status.ts). */
  status: RepoStatus;
  /** Admins only, a repo deleted on GitHub: the form that creates it again (a new repo, a new id). */
  recreate: { action: string; slug: string; buttonText: string } | null;
}

/** Where Create again posts (projects-routes.ts). */
export const RECREATE_PATH = "/workspace/projects/recreate";

export interface PaginationView {
  /** "Showing 51–100 of 10,000 projects" */
  rangeText: string;
  /** "Page 2 of 200" */
  pageText: string;
  previousUrl: string | null;
  nextUrl: string | null;
}

const number = (n: number) => n.toLocaleString("en-US");
const plural = (n: number, one: string, many: string) => `${number(n)} ${n === 1 ? one : many}`;

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

type RepoAccess = Pick<ProjectItemView, "accessLabel" | "accessClass" | "accessHint" | "status" | "recreate">;

/** What a project's Access column says: its status (the same for the connection's state as the internal API's), in words, with the fix. */
function accessOf(repo: RepoPage["repos"][number], input: SettingsInput): RepoAccess {
  const status = repoStatus(repo, input.connection.state);
  const none = { accessHint: null, recreate: null, status };
  const login = input.connection.installation?.accountLogin ?? "the account";
  switch (status) {
    case "not_created":
      return { ...none, accessLabel: "Not created yet", accessClass: "status-muted" };
    case "deleted":
      return {
        ...none,
        accessLabel: "Deleted on GitHub",
        accessClass: "status-bad",
        recreate:
          input.canManage && input.connection.state === "connected"
            ? { action: RECREATE_PATH, slug: repo.slug, buttonText: "Create again" }
            : null,
      };
    case "transferred":
      return {
        ...none,
        accessLabel: `Transferred on GitHub to ${repo.transferredTo}`,
        accessClass: "status-bad",
        accessHint: {
          text: `It is no longer in ${login}'s account. An owner can transfer it back to ${login} on GitHub:`,
          linkText: "Open it on GitHub",
          href: input.urls.repoUrl(repo.transferredTo!),
        },
      };
    case "paused":
      return input.connection.state === "suspended"
        ? { ...none, accessLabel: "Paused while suspended", accessClass: "status-warn" }
        : { ...none, accessLabel: "Paused until GitHub is reconnected", accessClass: "status-muted" };
    case "archived":
      return { ...none, accessLabel: "Archived on GitHub: read-only", accessClass: "status-warn" };
    case "reachable":
      return { ...none, accessLabel: "Reachable", accessClass: "status-ok" };
    case "not_selected":
      return {
        ...none,
        accessLabel: "Not reachable",
        accessClass: "status-bad",
        accessHint: {
          text: `${input.appName}'s installation on ${login} does not include this repository. An owner of ${login} can add it:`,
          linkText: "Add it to the installation on GitHub",
          href: manageUrlOf(input)!,
        },
      };
  }
}

function emptyText(input: SettingsInput): string {
  const state = input.connection.state;
  if (state === "connected" || state === "suspended") return "No projects yet.";
  if (!input.canManage) {
    return state === "deleted"
      ? "No projects yet. Your organization's admins reconnect GitHub; projects appear here once they do."
      : "Your organization's admins connect GitHub; projects appear here once they do.";
  }
  if (state === "deleted") return "No projects yet. Reconnect GitHub to create projects.";
  return input.pendingRequest
    ? "Projects can be created once an owner approves the installation on GitHub."
    : "Connect GitHub to create projects.";
}

export function projectsView(input: SettingsInput): ProjectsView {
  const items = input.repoPage.repos.map((repo) => ({
    name: repo.name,
    fullName: repo.fullName ?? null,
    githubUrl: repo.fullName ? input.urls.repoUrl(repo.fullName) : null,
    ...accessOf(repo, input),
  }));
  const total = input.repoPage.total;
  return {
    count: total,
    countText: number(total),
    items,
    emptyText: emptyText(input),
    pagination: paginationView(input),
  };
}
