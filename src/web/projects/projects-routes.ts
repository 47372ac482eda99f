import { Router, type Request, type Response } from "express";
import type { GitHubUrls } from "../../github/urls.js";
import type { Repos } from "../../repos/repos.js";
import { appNameOf } from "../middleware/page-identity.js";
import { defaultsFlashes, outcomeFlash, refusalFlash, type MessageContext } from "./project-messages.js";
import { addFlash } from "../session/flow.js";
import { requireAdminTo } from "../session/guards.js";
import type { FlashMessage } from "../session/types.js";
import { SETTINGS_PATH } from "../settings/settings-routes.js";
import { RECREATE_PATH } from "./projects-view-model.js";

const PROJECTS_PATH = "/workspace/projects";
const DEFAULT_PROJECTS_PATH = "/workspace/projects/defaults";

export interface ProjectsRouteDeps {
  repos: Repos;
  urls: GitHubUrls;
}

function flash(req: Request, message: FlashMessage): void {
  addFlash(req, message.kind, message.message, message.links);
}

/**
 * Admins create a project (a repository in the connected GitHub account) from the settings page,
 * or every default one at once. Each answer is a 303 back to the settings page with flashes
 * saying what happened; a refusal the admin can act on is a flash too, anything else the error page.
 */
export function projectsRoutes(deps: ProjectsRouteDeps): Router {
  const router = Router();
  const adminOnly = requireAdminTo("create projects");

  /** Runs `action`, turning the repos service's refusals into a flash; other errors go on to the error handler. */
  async function flashRefusals(
    req: Request,
    res: Response,
    action: (context: MessageContext) => Promise<FlashMessage[]>,
  ): Promise<void> {
    const context: MessageContext = { urls: deps.urls, appName: appNameOf(res) };
    try {
      for (const message of await action(context)) flash(req, message);
    } catch (error) {
      const message = refusalFlash(context, error);
      if (!message) throw error;
      flash(req, message);
    }
  }

  router.post(PROJECTS_PATH, adminOnly, async (req, res) => {
    const { organizationId, userId } = req.auth!;
    const body = req.body as Record<string, unknown> | undefined;
    const name = typeof body?.name === "string" ? body.name : "";
    await flashRefusals(req, res, async (context) => [
      outcomeFlash(
        context,
        await deps.repos.create(organizationId!, name, {
          actor: `user:${userId}`,
          actorName: req.auth!.email,
          log: req.log,
        }),
      ),
    ]);
    res.redirect(303, SETTINGS_PATH);
  });

  // Create again: a project whose repository was deleted on GitHub gets a new one, by its slug.
  router.post(RECREATE_PATH, adminOnly, async (req, res) => {
    const { organizationId, userId } = req.auth!;
    const body = req.body as Record<string, unknown> | undefined;
    const slug = typeof body?.slug === "string" ? body.slug : "";
    await flashRefusals(req, res, async (context) => {
      const outcome = await deps.repos.recreate(organizationId!, slug, {
        actor: `user:${userId}`,
        actorName: req.auth!.email,
        log: req.log,
      });
      return [outcome ? outcomeFlash(context, outcome) : { kind: "error", message: "There is no such project." }];
    });
    res.redirect(303, SETTINGS_PATH);
  });

  router.post(DEFAULT_PROJECTS_PATH, adminOnly, async (req, res) => {
    const { organizationId, userId } = req.auth!;
    if (deps.repos.defaultNames.length === 0) {
      addFlash(req, "info", "This deployment has no default repositories. Nothing was created.");
      return res.redirect(303, SETTINGS_PATH);
    }
    await flashRefusals(req, res, async (context) =>
      defaultsFlashes(
        context,
        await deps.repos.provisionDefaults(organizationId!, {
          actor: `user:${userId}`,
          actorName: req.auth!.email,
          log: req.log,
        }),
      ),
    );
    res.redirect(303, SETTINGS_PATH);
  });

  return router;
}
