import { Router } from "express";
import { ORGANIZATION_ID_PATTERN } from "../../config/service-access.js";
import { accountDisplayName } from "../../github/account.js";
import { purchaseInForce } from "../../marketplace/plan-in-force.js";
import type { MarketplaceAccountDoc } from "../../models/marketplace-account.js";
import type { GitHubInstallationDoc } from "../../models/github-installation.js";
import { findRepoPage } from "../../repos/repo-listing.js";
import { repoStatus, type RepoStatus } from "../../repos/repo-status.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { NotFoundError } from "../http-error.js";
import { requestedPage } from "../pagination.js";
import { buildActivityPage, buildSettingsPage } from "../settings/settings-page.js";
import { consolePagination, instantView, number, plural } from "./console-format.js";
import {
  findOrganizationDetail,
  installationState,
  isKnownOrganization,
  listOrganizations,
  ORGANIZATION_STATES,
  SEARCH_PATTERN,
  type OrganizationState,
} from "./organization-directory.js";
import {
  OPERATOR_PAGES,
  organizationActivityPath,
  organizationPagePath,
  organizationSettingsPath,
} from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";

const STATE_LABELS: Record<OrganizationState, string> = {
  connected: "Connected",
  suspended: "Suspended",
  removed: "Removed",
};
const STATE_CLASSES: Record<OrganizationState, string> = {
  connected: "status-ok",
  suspended: "status-warn",
  removed: "status-muted",
};
const REPO_STATUS_LABELS: Record<RepoStatus, string> = {
  reachable: "reachable",
  not_selected: "not selected",
  deleted: "deleted on GitHub",
  transferred: "transferred",
  archived: "archived",
  not_created: "not created",
  paused: "paused",
};

/** The plan in force now, in a few words ("Pro, 5 seats", "Free trial of Pro until …", "Ended (Pro)"). */
function planText(account: MarketplaceAccountDoc | null, at: Date): string {
  const purchase = purchaseInForce(account, at);
  if (purchase.state === "none") return "No Marketplace plan";
  if (purchase.state === "ended") return `Ended (${purchase.plan.name})`;
  const units =
    purchase.unitCount && purchase.plan.unitName
      ? `, ${plural(purchase.unitCount, purchase.plan.unitName, `${purchase.plan.unitName}s`)}`
      : "";
  const trial = purchase.trialEndsOn ? ` (free trial until ${instantView(purchase.trialEndsOn)!.text})` : "";
  const pending = purchase.pendingChange
    ? `; changes to ${purchase.pendingChange.plan.name} on ${instantView(purchase.pendingChange.effectiveDate)!.text}`
    : "";
  return `${purchase.plan.name}${units}${trial}${pending}`;
}

function queryString(params: Record<string, string | number | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== "") search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}

function installationView(installation: GitHubInstallationDoc, deps: GitHubConnectDeps) {
  const state = installationState(installation);
  return {
    installationId: installation.installationId,
    state,
    stateLabel: STATE_LABELS[state],
    stateClass: STATE_CLASSES[state],
    accountName: accountDisplayName(installation),
    accountLogin: installation.accountLogin,
    accountType: installation.accountType,
    accountUrl: deps.urls.accountUrl(installation.accountLogin, installation.accountType),
    manageUrl: deps.urls.manageUrl(installation),
    repositorySelection: installation.repositorySelection === "all" ? "All repositories" : "Selected repositories",
    installedAt: instantView(installation.installedAt ?? (installation as { createdAt?: Date }).createdAt),
    suspendedAt: instantView(installation.suspendedAt),
    removedAt: instantView(installation.deletedAt),
  };
}

/** Organizations (docs/operator-console.md): the list, searchable and filtered by state, and each organization's page. */
export function organizationsRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();

  router.get(OPERATOR_PAGES.organizations, async (req, res) => {
    const rawQ = typeof req.query.q === "string" ? req.query.q.trim() : "";
    const rawState = typeof req.query.state === "string" ? req.query.state : "";
    const errors: string[] = [];
    if (rawQ && !SEARCH_PATTERN.test(rawQ))
      errors.push(
        "Search for an organization id, a GitHub login or an installation id: up to 100 letters, digits, “_”, “.” and “-”.",
      );
    if (rawState && !(ORGANIZATION_STATES as readonly string[]).includes(rawState))
      errors.push(`There is no state “${rawState.slice(0, 40)}”: choose connected, suspended or removed.`);
    const q = rawQ && errors.length === 0 ? rawQ : null;
    const state = errors.length === 0 && rawState ? (rawState as OrganizationState) : null;
    const now = deps.now();
    const list =
      errors.length > 0
        ? null
        : await listOrganizations(deps.models, { q, state, page: requestedPage(req.query.page) });
    const link = (n: number) => `${OPERATOR_PAGES.organizations}${queryString({ q, state, page: n })}`;
    const rows = (list?.rows ?? []).map((row) => {
      const installation = installationView(row.installation, deps);
      return {
        ...installation,
        organizationId: row.installation.organizationId!,
        organizationUrl: organizationPagePath(row.installation.organizationId!),
        reconnectedText: row.reconnectedAs ? `connected again since (installation ${row.reconnectedAs})` : null,
        plan: planText(row.marketplace, now),
        reposText:
          row.repoTotal === 0
            ? "None"
            : Object.entries(row.repos)
                .map(([status, n]) => `${number(n)} ${REPO_STATUS_LABELS[status as RepoStatus]}`)
                .join(", "),
        lastEvent: row.lastEvent ? { type: row.lastEvent.type, at: instantView(row.lastEvent.timestamp)! } : null,
      };
    });
    renderOperatorPage(
      res,
      "organizations",
      "operator-organizations",
      {
        title: "Organizations",
        errors,
        q: rawQ.slice(0, 100),
        state: rawState,
        states: ORGANIZATION_STATES.map((value) => ({ value, label: STATE_LABELS[value] })),
        rows,
        reposPartial: list?.reposPartial ?? false,
        emptyText: q
          ? `No organization matches “${q}”: search is for an exact organization id, GitHub login or installation id.`
          : state
            ? `No organization is ${STATE_LABELS[state].toLowerCase()}.`
            : "No organization has connected GitHub yet.",
        pagination: list
          ? consolePagination(list.page, rows.length, list.total, ["installation", "installations"], link)
          : null,
        totalText: list ? plural(list.total, "installation", "installations") : null,
        listUrl: OPERATOR_PAGES.organizations,
      },
      errors.length > 0 ? 400 : 200,
    );
  });

  router.get(`${OPERATOR_PAGES.organizations}/:organizationId`, async (req, res) => {
    const organizationId = validOrganizationId(req.params.organizationId);
    const eventPageNumber = requestedPage(req.query.page);
    const repoPageNumber = requestedPage(req.query.repos);
    const [detail, repoPage] = await Promise.all([
      findOrganizationDetail(deps.models, organizationId, eventPageNumber),
      findRepoPage(deps.models, organizationId, repoPageNumber),
    ]);
    if (!detail) throw unknownOrganization(organizationId);
    const now = deps.now();
    const path = organizationPagePath(organizationId);
    const eventLink = (n: number) =>
      `${path}${queryString({ page: n, repos: repoPage.page.number > 1 ? repoPage.page.number : null })}`;
    const repoLink = (n: number) =>
      `${path}${queryString({ page: detail.eventPage.number > 1 ? detail.eventPage.number : null, repos: n })}`;
    const installations = detail.installations.map((i) => installationView(i, deps));
    const current = installations[0] ?? null;
    renderOperatorPage(res, "organizations", "operator-organization", {
      title: `Organization ${organizationId}`,
      organizationId,
      listUrl: OPERATOR_PAGES.organizations,
      stateLabel:
        detail.connection === "disconnected"
          ? "Never connected"
          : STATE_LABELS[detail.connection === "deleted" ? "removed" : detail.connection],
      stateClass:
        detail.connection === "connected"
          ? "status-ok"
          : detail.connection === "suspended"
            ? "status-warn"
            : "status-muted",
      installations,
      manageUrl: current?.manageUrl ?? null,
      settingsUrl: organizationSettingsPath(organizationId),
      plan: current ? planText(detail.marketplace, now) : null,
      repos: repoPage.repos.map((repo) => ({
        name: repo.name,
        fullName: repo.fullName,
        repoUrl: repo.fullName ? deps.urls.repoUrl(repo.fullName) : null,
        status: REPO_STATUS_LABELS[repoStatus(repo, detail.connection)],
      })),
      repoTotalText: plural(repoPage.total, "repo", "repos"),
      repoPagination: consolePagination(
        repoPage.page,
        repoPage.repos.length,
        repoPage.total,
        ["repo", "repos"],
        repoLink,
      ),
      events: detail.events.map((event) => ({
        type: event.type,
        at: instantView(event.timestamp)!,
        seq: event.seq,
        actor: event.actor?.startsWith("operator:") ? event.actor.slice("operator:".length) : event.actor,
        consoleOnly: event.audience === "operators",
        dataText: dataText(event.data),
      })),
      eventTotalText: plural(detail.eventTotal, "event", "events"),
      eventPagination: consolePagination(
        detail.eventPage,
        detail.events.length,
        detail.eventTotal,
        ["event", "events"],
        eventLink,
      ),
    });
  });
  // The organization's own settings and Activity pages as its members see them (canManage false: no
  // form, no button, no connect state), under the console's banner; their links stay in the console.
  router.get(`${OPERATOR_PAGES.organizations}/:organizationId/settings`, async (req, res) => {
    const organizationId = await knownOrganizationId(deps, req.params.organizationId);
    const model = await buildSettingsPage(deps, res, {
      organizationId,
      canManage: false,
      page: requestedPage(req.query.page),
      pagePath: organizationSettingsPath(organizationId),
      activityUrl: organizationActivityPath(organizationId),
      issueInstallState: () => {
        throw new Error("The console's copy of the settings page issues no install state.");
      },
    });
    res.set("cache-control", "no-store");
    renderOperatorPage(res, "organizations", "operator-organization-settings", {
      ...model,
      title: `${organizationId}'s settings`,
      ...consoleCopy(organizationId),
    });
  });

  router.get(`${OPERATOR_PAGES.organizations}/:organizationId/activity`, async (req, res) => {
    const organizationId = await knownOrganizationId(deps, req.params.organizationId);
    const model = await buildActivityPage(deps, res, {
      organizationId,
      page: requestedPage(req.query.page),
      pagePath: organizationActivityPath(organizationId),
      settingsUrl: organizationSettingsPath(organizationId),
    });
    res.set("cache-control", "no-store");
    renderOperatorPage(res, "organizations", "operator-organization-activity", {
      ...model,
      title: `${organizationId}'s activity`,
      ...consoleCopy(organizationId),
    });
  });
  return router;
}

/** The id from the URL, or a 404 saying it is not one. */
function validOrganizationId(organizationId: string): string {
  if (!ORGANIZATION_ID_PATTERN.test(organizationId))
    throw new NotFoundError(
      `“${organizationId.slice(0, 80)}” is not an organization id (up to 64 letters, digits, “_” and “-”).`,
    );
  return organizationId;
}

function unknownOrganization(organizationId: string): NotFoundError {
  return new NotFoundError(
    `No organization ${organizationId} is known here: no GitHub installation was ever linked to it, and it has no repos and no events.`,
  );
}

/** The id from the URL of an organization the console has a page for (the organization page's own check), or a 404. */
async function knownOrganizationId(deps: GitHubConnectDeps, raw: string): Promise<string> {
  const organizationId = validOrganizationId(raw);
  if (!(await isKnownOrganization(deps.models, organizationId))) throw unknownOrganization(organizationId);
  return organizationId;
}

/** The banner and the way back above the organization's own pages. */
function consoleCopy(organizationId: string) {
  return {
    organizationId,
    organizationUrl: organizationPagePath(organizationId),
    listUrl: OPERATOR_PAGES.organizations,
  };
}

/** An event's data in one line: its plain values (counts, account, ids), never nested objects whole. */
function dataText(data: unknown): string {
  if (!data || typeof data !== "object") return "";
  return Object.entries(data as Record<string, unknown>)
    .filter(([, value]) => ["string", "number", "boolean"].includes(typeof value))
    .slice(0, 6)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(", ");
}
