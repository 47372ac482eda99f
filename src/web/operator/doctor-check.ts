import type { GitHubConfig } from "../../config/env.js";
import { accessRank, permissionShortfall } from "../../github/app-permissions.js";
import { GLOBAL_APP_EVENTS, type AppHookConfig, type LiveApp } from "../../github/live-app.js";
import type { AppManifest } from "../../registration/app-manifest.js";

/*
 * The doctor (docs/operator-console.md "Doctor"): the live App held against app.yml (with BASE_URL
 * in its URLs, as registration sends it) and this deployment's configuration. Pure: the route asks
 * GitHub, this says what differs and how to fix each on GitHub.
 */

/** What app.yml asks for, read as registration reads it (src/registration/app-manifest.ts). */
export interface ExpectedApp {
  permissions: Record<string, string>;
  events: string[];
  homepageUrl: string;
  webhookUrl: string;
  callbackUrls: string[];
  setupUrl: string;
}

const NAME = /^[a-z0-9_]{1,100}$/;

export function expectedApp(manifest: AppManifest, webhookProxyUrl: string | undefined): ExpectedApp {
  const permissions: Record<string, string> = {};
  const declared = manifest.default_permissions;
  if (typeof declared === "object" && declared !== null) {
    for (const [name, level] of Object.entries(declared)) {
      if (NAME.test(name) && typeof level === "string") permissions[name] = level;
    }
  }
  const events = Array.isArray(manifest.default_events)
    ? manifest.default_events.filter((event): event is string => typeof event === "string" && NAME.test(event))
    : [];
  return {
    permissions,
    events,
    homepageUrl: manifest.url,
    // With WEBHOOK_PROXY_URL (development) GitHub posts to the smee channel, which forwards here.
    webhookUrl: webhookProxyUrl ?? manifest.hook_attributes.url,
    callbackUrls: Array.isArray(manifest.callback_urls) ? manifest.callback_urls.map(String) : [],
    setupUrl: manifest.setup_url,
  };
}

export interface Finding {
  /** What is wrong, in one sentence. */
  problem: string;
  /** What to do on GitHub (or in the configuration). */
  fix: string;
  /** Where to do it; null when it is not a page on GitHub. */
  fixUrl: string | null;
  fixLinkText: string | null;
}

export interface Diagnosis {
  problems: Finding[];
  /** Worth knowing, nothing to fix: shown under the problems, never counted as one. */
  notes: string[];
}

/** The App's settings pages on GitHub, built from configuration, the slug and its owner's login. */
export interface AppSettingsUrls {
  general: string | null;
  permissions: string | null;
}

export function appSettingsUrls(
  github: Pick<GitHubConfig, "webUrl" | "appSlug">,
  live: Pick<LiveApp, "slug" | "owner">,
): AppSettingsUrls {
  const slug = github.appSlug ?? live.slug;
  if (!slug) return { general: null, permissions: null };
  const web = github.webUrl.replace(/\/$/, "");
  const owner = live.owner?.type === "Organization" ? `/organizations/${encodeURIComponent(live.owner.login)}` : "";
  const general = `${web}${owner}/settings/apps/${encodeURIComponent(slug)}`;
  return { general, permissions: `${general}/permissions` };
}

/** The same URL, however GitHub spells it (host case, a default port, an empty path). */
function sameUrl(a: string | null, b: string): boolean {
  if (!a) return false;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

const title = (name: string) => name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
const LEVEL_NAMES: Record<string, string> = { read: "Read-only", write: "Read and write", admin: "Admin" };

export function diagnose(input: {
  expected: ExpectedApp;
  live: LiveApp;
  /** Null when GitHub did not say (the route reports why). */
  hook: AppHookConfig | null;
  github: Pick<GitHubConfig, "webUrl" | "appSlug">;
}): Diagnosis {
  const { expected, live, hook, github } = input;
  const urls = appSettingsUrls(github, live);
  const problems: Finding[] = [];
  const notes: string[] = [];
  const onGeneral = (fix: string): Pick<Finding, "fix" | "fixUrl" | "fixLinkText"> => ({
    fix,
    fixUrl: urls.general,
    fixLinkText: urls.general ? "Open the App's settings on GitHub" : null,
  });

  if (github.appSlug && live.slug && github.appSlug !== live.slug) {
    problems.push({
      problem: `APP_SLUG is “${github.appSlug}” but GitHub calls this App “${live.slug}”: install links lead to another App.`,
      fix: `Set APP_SLUG=${live.slug} in this deployment's configuration and restart.`,
      fixUrl: null,
      fixLinkText: null,
    });
  }

  for (const lack of permissionShortfall(expected.permissions, live.permissions)) {
    problems.push({
      problem: lack.granted
        ? `The App asks for ${lack.name}: ${lack.granted}, app.yml needs ${lack.name}: ${lack.required}.`
        : `The App does not ask for ${lack.name} (app.yml needs ${lack.name}: ${lack.required}).`,
      fix: `On GitHub, under Permissions & events, set ${title(lack.name)} to “${LEVEL_NAMES[lack.required] ?? lack.required}” and save. Each installation then has to accept the new permissions (listed below once they are live).`,
      fixUrl: urls.permissions,
      fixLinkText: urls.permissions ? "Open the App's permissions on GitHub" : null,
    });
  }
  const extra = Object.entries(live.permissions)
    .filter(([name]) => accessRank(expected.permissions[name]) < 0)
    .map(([name, level]) => `${name}: ${level}`)
    .sort();
  if (extra.length > 0)
    notes.push(
      `The App also asks for ${extra.join(", ")}, which app.yml does not: installations must grant it though nothing here uses it.`,
    );

  const subscribed = new Set(live.events);
  for (const event of expected.events) {
    if (GLOBAL_APP_EVENTS.has(event)) continue;
    if (subscribed.has(event)) continue;
    problems.push({
      problem: `The App is not subscribed to ${event} events (app.yml subscribes to it).`,
      fix: `On GitHub, under Permissions & events → Subscribe to events, tick “${title(event)}” and save.`,
      fixUrl: urls.permissions,
      fixLinkText: urls.permissions ? "Open the App's permissions on GitHub" : null,
    });
  }
  const unreported = expected.events.filter((event) => GLOBAL_APP_EVENTS.has(event));
  if (unreported.length > 0)
    notes.push(
      `GitHub does not report ${unreported.join(", ")} in GET /app (global events): check by hand that ${unreported.length === 1 ? "it is" : "they are"} ticked under Subscribe to events.`,
    );

  if (hook) {
    if (!hook.url) {
      problems.push({
        problem: "GitHub has no webhook URL for the App: no webhook reaches this deployment.",
        ...onGeneral(`On GitHub, under Webhook, tick Active and set the Webhook URL to ${expected.webhookUrl}.`),
      });
    } else if (!sameUrl(hook.url, expected.webhookUrl)) {
      problems.push({
        problem: `GitHub sends the App's webhooks to ${hook.url}, but this deployment receives them at ${expected.webhookUrl}.`,
        ...onGeneral(`On GitHub, under Webhook, set the Webhook URL to ${expected.webhookUrl} and save.`),
      });
    }
    if (hook.contentType && hook.contentType !== "json") {
      problems.push({
        problem: `GitHub sends the webhooks as “${hook.contentType}”; this deployment reads JSON.`,
        ...onGeneral("On GitHub, open Advanced → the webhook's settings and set Content type to application/json."),
      });
    }
    if (hook.insecureSsl === "1") {
      problems.push({
        problem: "GitHub does not verify this deployment's TLS certificate when it sends webhooks.",
        ...onGeneral("On GitHub, under the webhook's SSL verification, choose Enable SSL verification."),
      });
    }
  }

  if (live.externalUrl && !sameUrl(live.externalUrl, expected.homepageUrl))
    notes.push(
      `The App's homepage URL is ${live.externalUrl}, not ${expected.homepageUrl} (BASE_URL): only GitHub's App page links to it.`,
    );
  return { problems, notes };
}
