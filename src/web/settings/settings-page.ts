import type { Response } from "express";
import { findActivityPage } from "../../events/activity.js";
import { findGitHubConnection } from "../../installations/organization-connection.js";
import { findOpenInstallRequest } from "../../installations/install-requests.js";
import { buildReconnectLink, reposToTick } from "../../connect/reconnect-link.js";
import { findRepoPage } from "../../repos/repo-listing.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { appNameOf, appPermissionsOf } from "../middleware/page-identity.js";
import type { PageModel } from "../render.js";
import { buildActivityView } from "../activity/activity-view-model.js";
import { buildPlanView } from "./plan-view-model.js";
import { buildSettingsViewModel } from "./settings-view-model.js";
import { permissionsNotice } from "./permissions-notice.js";

/**
 * What views/pages/settings-repos.ejs shows for one organization: its admins' and members' page
 * (settings-routes.ts) and the console's read-only copy of it (operator organizations-routes.ts).
 */
export interface SettingsPageInput {
  organizationId: string;
  canManage: boolean;
  /** The requested page of projects. */
  page: number;
  /** Where the page's own links point: the projects' pagination and the Activity link. */
  pagePath: string;
  activityUrl: string;
  /** Issues the install state of the reconnect link; called only for admins of a removed connection. */
  issueInstallState: () => string;
}

export async function buildSettingsPage(
  deps: GitHubConnectDeps,
  res: Response,
  input: SettingsPageInput,
): Promise<PageModel> {
  const { organizationId, canManage } = input;
  const [connection, repoPage, pendingRequest, description] = await Promise.all([
    findGitHubConnection(deps.models, organizationId),
    findRepoPage(deps.models, organizationId, input.page),
    findOpenInstallRequest(deps, organizationId),
    deps.entitlements.describe(organizationId, deps.now()),
  ]);
  // Only admins can reconnect, so only they get a link (and a state issued for it).
  const reconnect =
    connection.state === "deleted" && canManage && connection.installation
      ? await buildReconnectLink(deps, {
          organizationId,
          accountId: connection.installation.accountId,
          state: input.issueInstallState(),
        })
      : null;
  const toTick = reconnect?.overflow ? await reposToTick(deps.models, organizationId) : null;
  const model = buildSettingsViewModel({
    canManage,
    connection,
    repoPage,
    pagePath: input.pagePath,
    pendingRequest,
    urls: deps.urls,
    reconnect,
    toTick,
    defaultRepoNames: deps.config.repos.defaultNames,
    appName: appNameOf(res),
  });
  const plan = buildPlanView(description, { canManage, listingUrl: deps.config.marketplace.listingUrl });
  const notice = permissionsNotice({ canManage, connection, livePermissions: appPermissionsOf(res), urls: deps.urls });
  return { ...model, plan, activityUrl: input.activityUrl, permissionsNotice: notice };
}

/** What views/pages/settings-activity.ejs shows: the organization's audit log, one page. */
export async function buildActivityPage(
  deps: GitHubConnectDeps,
  res: Response,
  input: { organizationId: string; page: number; pagePath: string; settingsUrl: string },
): Promise<PageModel> {
  const activity = await findActivityPage(deps.models, input.organizationId, input.page);
  return buildActivityView(activity, {
    pagePath: input.pagePath,
    settingsUrl: input.settingsUrl,
    appName: appNameOf(res),
  });
}
