import { randomBytes } from "node:crypto";
import { Router } from "express";
import type { AppConfig } from "../../config/env.js";
import { loadManifest } from "../../services/app-manifest.js";
import { updateDotenvFile } from "../../services/dotenv-file.js";
import { HttpError } from "../http-error.js";
import { renderPage } from "../render.js";
import { clearCookie, readCookie, setCookie } from "../session/cookies.js";
import { sameSecret } from "../session/same-secret.js";

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

/** Holds the manifest flow's `state` in the browser that opened the setup page. */
export const SETUP_STATE_COOKIE = "gc_setup_state";
/** Long enough to fill in GitHub's form; GitHub's code itself lasts an hour. */
const SETUP_STATE_MAX_AGE_SECONDS = 30 * 60;

/**
 * Setup mode (no APP_ID yet): GitHub's manifest flow registers the App from app.yml and this
 * route saves the credentials GitHub returns into .env. Our own version of Probot's setup app,
 * because Probot's points the webhook at "<base>/" and only mounts under `probot run`.
 */
export function appRegistrationRoutes(deps: AppRegistrationDeps): Router {
  const router = Router();
  const { github } = deps.config;
  const doFetch = deps.fetch ?? fetch;
  const secure = deps.config.auth.secureCookies;

  router.get("/", (_req, res) => res.redirect("/probot"));

  // GitHub echoes `state` back to /probot/setup; only the browser holding the cookie can finish.
  router.get("/probot", async (_req, res) => {
    const manifest = await loadManifest(deps.manifestPath, deps.config.baseUrl);
    const org = process.env.GH_ORG;
    const state = randomBytes(32).toString("base64url");
    setCookie(res, SETUP_STATE_COOKIE, state, secure, SETUP_STATE_MAX_AGE_SECONDS);
    res.set("cache-control", "no-store");
    renderPage(res, "register-app", {
      title: "Register your GitHub App",
      createAppUrl: `${github.webUrl}${org ? `/organizations/${encodeURIComponent(org)}` : ""}/settings/apps/new?state=${state}`,
      manifestJson: JSON.stringify(manifest),
      manifest,
    });
  });

  router.get("/probot/setup", async (req, res) => {
    const code = typeof req.query.code === "string" ? req.query.code : "";
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(code)) {
      throw new HttpError(400, "Registration not finished", "GitHub did not send a registration code. Start again from the setup page.");
    }
    // Without this, a link fired from any site would write someone else's App into .env.
    const expected = readCookie(req, SETUP_STATE_COOKIE);
    clearCookie(res, SETUP_STATE_COOKIE, secure);
    if (!sameSecret(expected, req.query.state)) {
      req.log.warn({ hasCookie: expected !== undefined }, "registration refused: state does not match this browser's setup page");
      throw new HttpError(
        403,
        "Registration not finished",
        "This registration was not started from the setup page in this browser, or it expired, so nothing was saved. Start again from the setup page.",
      );
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
