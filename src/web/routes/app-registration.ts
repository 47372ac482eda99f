import { Router } from "express";
import type { AppConfig } from "../../config/env.js";
import { loadManifest } from "../../services/app-manifest.js";
import { updateDotenvFile } from "../../services/dotenv-file.js";
import { HttpError } from "../http-error.js";
import { renderPage } from "../render.js";

export interface AppRegistrationDeps {
  config: AppConfig;
  manifestPath: string;
  dotenvPath: string;
  /** GitHub's REST API, replaced in tests at the network edge only. */
  fetch?: typeof fetch;
}

interface ManifestConversion {
  id: number;
  slug: string;
  html_url: string;
  client_id: string;
  client_secret: string;
  webhook_secret: string | null;
  pem: string;
}

/**
 * Setup mode (no APP_ID yet): GitHub's manifest flow registers the App from app.yml and this
 * route saves the credentials GitHub returns into .env. Our own version of Probot's setup app,
 * because Probot's points the webhook at "<base>/" and only mounts under `probot run`.
 */
export function appRegistrationRoutes(deps: AppRegistrationDeps): Router {
  const router = Router();
  const { github } = deps.config;
  const doFetch = deps.fetch ?? fetch;

  router.get("/", (_req, res) => res.redirect("/probot"));

  router.get("/probot", async (_req, res) => {
    const manifest = await loadManifest(deps.manifestPath, deps.config.baseUrl);
    const org = process.env.GH_ORG;
    renderPage(res, "register-app", {
      title: "Register your GitHub App",
      createAppUrl: `${github.webUrl}${org ? `/organizations/${encodeURIComponent(org)}` : ""}/settings/apps/new`,
      manifestJson: JSON.stringify(manifest),
      manifest,
    });
  });

  router.get("/probot/setup", async (req, res) => {
    const code = typeof req.query.code === "string" ? req.query.code : "";
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(code)) {
      throw new HttpError(400, "Registration not finished", "GitHub did not send a registration code. Start again from the setup page.");
    }
    const response = await doFetch(`${github.apiUrl}/app-manifests/${code}/conversions`, {
      method: "POST",
      headers: { accept: "application/vnd.github+json", "user-agent": "github-connect" },
    });
    if (!response.ok) {
      req.log.warn({ status: response.status }, "manifest conversion refused");
      throw new HttpError(502, "Registration not finished", "GitHub did not accept the registration code (it is single-use and expires after an hour). Start again from the setup page.");
    }
    const app = (await response.json()) as ManifestConversion;
    await updateDotenvFile(deps.dotenvPath, {
      APP_ID: String(app.id),
      APP_SLUG: app.slug,
      PRIVATE_KEY: app.pem,
      WEBHOOK_SECRET: app.webhook_secret ?? "",
      GITHUB_CLIENT_ID: app.client_id,
      GITHUB_CLIENT_SECRET: app.client_secret,
    });
    req.log.info({ appId: app.id, slug: app.slug }, "GitHub App registered; credentials written to .env");
    renderPage(res, "app-registered", {
      title: "GitHub App registered",
      appSlug: app.slug,
      appUrl: app.html_url,
      installUrl: `${app.html_url}/installations/new`,
    });
  });

  return router;
}
