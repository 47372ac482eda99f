import { randomBytes } from "node:crypto";
import { Router } from "express";
import type { Logger } from "pino";
import { ProbotOctokit } from "probot";
import { withGitHubLimits } from "../../github/request-limits.js";
import type { AppConfig } from "../../config/env.js";
import { parseChannelUrl } from "../../config/webhook-proxy.js";
import { statusOf } from "../../lib/error-details.js";
import { loadManifest } from "../../registration/app-manifest.js";
import { manifestWebhookResolver } from "../../registration/manifest-webhook.js";
import { updateDotenvFile } from "../../registration/dotenv-file.js";
import { appPageUrl } from "../../github/urls.js";
import { HttpError } from "../http-error.js";
import { registrationWebhookView } from "./registration-webhook-view.js";
import { renderPage } from "../render.js";
import type { FlashView } from "../session/flow.js";
import { clearCookie, readCookie, setCookie } from "../session/cookies.js";
import { sameSecret } from "../session/same-secret.js";

export interface AppRegistrationDeps {
  config: AppConfig;
  manifestPath: string;
  dotenvPath: string;
}

const notAccepted = () =>
  new HttpError(
    502,
    "Registration not finished",
    "GitHub did not accept the registration code (it is single-use and expires after an hour). Start again from the setup page.",
  );

/**
 * Trades GitHub's single-use code for the new App and its credentials, through Probot's Octokit
 * unauthenticated (the code is the credential). Its debug lines are dropped: Probot's request
 * logging writes each URL there, and this one carries the code. Not throttled: one request has
 * nothing to be spaced from, and the write queue would hold it up to a second.
 */
async function convertManifest(apiUrl: string, code: string, log: Logger) {
  const octokit = new (withGitHubLimits(ProbotOctokit))({
    baseUrl: apiUrl,
    log: { debug: () => {}, info: log.info.bind(log), warn: log.warn.bind(log), error: log.error.bind(log) },
    throttle: { enabled: false },
  });
  let app;
  try {
    ({ data: app } = await octokit.request("POST /app-manifests/{code}/conversions", { code }));
  } catch (error) {
    log.warn({ status: statusOf(error) }, "manifest conversion refused");
    throw notAccepted();
  }
  // GitHub's schema leaves the slug optional; without one there is no App page to link to.
  const { slug } = app;
  if (!slug) {
    log.warn({ appId: app.id }, "manifest conversion answered without the App's slug");
    throw notAccepted();
  }
  return { ...app, slug };
}

/** The App's own pages (sign-in, settings, the connect flow): none can work before the App exists. */
const APP_PAGES = /^\/(workspace|auth|github)(\/|$)/;
/** The query that makes the setup page say why it was shown instead of the page asked for. */
const NEEDS_APP_QUERY = "needs=app";

/** Typed as the layout's flash, so a field the layout reads can't be left out. */
const NEEDS_APP_NOTICE: FlashView = {
  kind: "info",
  ariaRole: "status",
  message: "That page needs the GitHub App: register it below first, then restart npm start.",
  links: [],
};

/** Holds the manifest flow's `state` in the browser that opened the setup page. */
export const SETUP_STATE_COOKIE = "gc_setup_state";
/**
 * The smee channel the setup page put in the manifest, for /probot/setup to save as
 * WEBHOOK_PROXY_URL: kept with the browser, so a restart in between saves the same one.
 */
const SETUP_PROXY_COOKIE = "gc_setup_proxy";
/** Long enough to fill in GitHub's form; GitHub's code itself lasts an hour. */
const SETUP_STATE_MAX_AGE_SECONDS = 30 * 60;

/** The channel the setup page used, if the cookie holds one (anything else is ignored, never saved). */
function savedProxyUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return parseChannelUrl(SETUP_PROXY_COOKIE, value);
  } catch {
    return undefined;
  }
}

/**
 * Setup mode (no APP_ID yet): GitHub's manifest flow registers the App from app.yml and this
 * route saves the credentials GitHub returns into .env. Our own version of Probot's setup app,
 * because Probot's points the webhook at "<base>/" and only mounts under `probot run`.
 */
export function appRegistrationRoutes(deps: AppRegistrationDeps): Router {
  const router = Router();
  const { github } = deps.config;
  const secure = deps.config.auth.secureCookies;
  // One per router, so one channel per process: the route is built once at start-up.
  const manifestWebhook = manifestWebhookResolver(deps.config.webhookProxy);

  router.get("/", (_req, res) => res.redirect("/probot"));
  // A bookmark or an old link to an App page: the page that comes first, not a 404.
  router.use((req, res, next) => {
    if ((req.method === "GET" || req.method === "HEAD") && APP_PAGES.test(req.path))
      return res.redirect(`/probot?${NEEDS_APP_QUERY}`);
    next();
  });

  // GitHub echoes `state` back to /probot/setup; only the browser holding the cookie can finish.
  router.get("/probot", async (req, res) => {
    const manifest = await loadManifest(deps.manifestPath, deps.config.baseUrl);
    const webhook = await manifestWebhook(manifest.hook_attributes.url);
    manifest.hook_attributes.url = webhook.url;
    if (webhook.kind === "proxy") {
      if (webhook.created)
        req.log.info({ channel: webhook.url }, `webhooks will come through the smee channel ${webhook.url}`);
      setCookie(res, SETUP_PROXY_COOKIE, webhook.url, secure, SETUP_STATE_MAX_AGE_SECONDS);
    } else {
      clearCookie(res, SETUP_PROXY_COOKIE, secure);
    }
    if (webhook.kind === "unreachable") req.log.warn(`no smee channel for the App's webhooks: ${webhook.problem}`);
    const org = process.env.GH_ORG;
    const state = randomBytes(32).toString("base64url");
    setCookie(res, SETUP_STATE_COOKIE, state, secure, SETUP_STATE_MAX_AGE_SECONDS);
    res.set("cache-control", "no-store");
    renderPage(res, "register-app", {
      title: "Register your GitHub App",
      createAppUrl: `${github.webUrl}${org ? `/organizations/${encodeURIComponent(org)}` : ""}/settings/apps/new?state=${state}`,
      manifestJson: JSON.stringify(manifest),
      manifest,
      webhook: registrationWebhookView(webhook, deps.config.baseUrl),
      flash: req.query.needs === "app" ? [NEEDS_APP_NOTICE] : [],
    });
  });

  router.get("/probot/setup", async (req, res) => {
    const code = typeof req.query.code === "string" ? req.query.code : "";
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(code)) {
      throw new HttpError(
        400,
        "Registration not finished",
        "GitHub did not send a registration code. Start again from the setup page.",
      );
    }
    // Without this, a link fired from any site would write someone else's App into .env.
    const expected = readCookie(req, SETUP_STATE_COOKIE);
    const proxyUrl = savedProxyUrl(readCookie(req, SETUP_PROXY_COOKIE));
    clearCookie(res, SETUP_STATE_COOKIE, secure);
    clearCookie(res, SETUP_PROXY_COOKIE, secure);
    if (!sameSecret(expected, req.query.state)) {
      req.log.warn(
        { hasCookie: expected !== undefined },
        "registration refused: state does not match this browser's setup page",
      );
      throw new HttpError(
        403,
        "Registration not finished",
        "This registration was not started from the setup page in this browser, or it expired, so nothing was saved. Start again from the setup page.",
      );
    }
    const app = await convertManifest(github.apiUrl, code, req.log);
    await updateDotenvFile(deps.dotenvPath, {
      APP_ID: String(app.id),
      APP_SLUG: app.slug,
      PRIVATE_KEY: app.pem,
      WEBHOOK_SECRET: app.webhook_secret ?? "",
      GITHUB_CLIENT_ID: app.client_id,
      GITHUB_CLIENT_SECRET: app.client_secret,
      ...(proxyUrl ? { WEBHOOK_PROXY_URL: proxyUrl } : {}),
    });
    req.log.info(
      { appId: app.id, slug: app.slug, webhookProxyUrl: proxyUrl },
      "GitHub App registered; credentials written to .env",
    );
    renderPage(res, "app-registered", {
      title: "GitHub App registered",
      appSlug: app.slug,
      // From configuration and the slug, not the answer's html_url (rule 9).
      appUrl: appPageUrl(github, app.slug),
      installUrl: `${appPageUrl(github, app.slug)}/installations/new`,
      proxyUrl: proxyUrl ?? null,
    });
  });

  return router;
}
