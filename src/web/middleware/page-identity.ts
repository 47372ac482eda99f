import type { RequestHandler, Response } from "express";
import { DEFAULT_APP_NAME, type AppProfileSource } from "../../github/app-profile.js";
import type { OrganizationNames } from "../session/organization-names.js";
import type { CurrentUserView } from "../session/session-middleware.js";

export interface PageIdentityDeps {
  appProfile: AppProfileSource;
  organizationNames: OrganizationNames;
}

/**
 * Names pages show, looked up once per request before any route runs (templates are synchronous):
 * `res.locals.appName` and `appPageUrl` from GitHub, and the signed-in user's organization name from
 * WorkOS. Both are cached; a lookup that fails or is slow leaves the fallback, never an error page.
 */
export function pageIdentity(deps: PageIdentityDeps): RequestHandler {
  return async (req, res, next) => {
    // Service calls and JSON answers show no page: no lookups for them.
    if (req.path.startsWith("/api/") || !req.accepts("html")) return next();
    const organizationId = req.auth?.organizationId;
    const [profile, organizationName] = await Promise.all([
      deps.appProfile.current(),
      organizationId ? deps.organizationNames.nameOf(organizationId) : null,
    ]);
    res.locals.appName = profile.name;
    res.locals.appPageUrl = profile.pageUrl;
    // For the settings page's permissions notice: from the same cached answer, no call of its own.
    res.locals.appPermissions = profile.permissions;
    const currentUser = res.locals.currentUser as CurrentUserView | null | undefined;
    if (currentUser) currentUser.organizationName = organizationName;
    next();
  };
}

/** The App's name for text built outside a template (flashes, view models). */
export function appNameOf(res: Response): string {
  const name: unknown = res.locals.appName;
  return typeof name === "string" && name ? name : DEFAULT_APP_NAME;
}

/** The live App's permissions as the cached `GET /app` last said; null while GitHub has not answered. */
export function appPermissionsOf(res: Response): Record<string, string> | null {
  const permissions: unknown = res.locals.appPermissions;
  return typeof permissions === "object" && permissions !== null ? (permissions as Record<string, string>) : null;
}
