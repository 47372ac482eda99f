import { Router } from "express";
import { GitHubTimeoutError } from "../../github/app-client.js";
import { accessRank, permissionShortfall, shortfallText } from "../../github/app-permissions.js";
import type { AppHookConfig, LiveApp } from "../../github/live-app.js";
import { GLOBAL_APP_EVENTS } from "../../github/live-app.js";
import { describeGitHubFailure, gitHubFailure } from "../../github/request-failure.js";
import { findInstallationsBehind } from "../../installations/permission-lag.js";
import { messageOf } from "../../lib/error-details.js";
import { projectPaths } from "../../project-paths.js";
import { loadManifest } from "../../registration/app-manifest.js";
import type { GitHubConnectDeps } from "../github-connect-deps.js";
import { requestedPage } from "../pagination.js";
import { consolePagination, pageLink, plural } from "./console-format.js";
import { OPERATOR_PAGE_SIZE, OPERATOR_PAGES } from "./operator-paths.js";
import { renderOperatorPage } from "./operator-view.js";
import { diagnose, expectedApp, type ExpectedApp, type Finding } from "./doctor-check.js";

/** Why a GitHub call gave no answer, in words for the page (never a stack). */
function whyNot(error: unknown): string {
  if (error instanceof GitHubTimeoutError)
    return `${error.request}: GitHub did not answer within ${error.timeoutMs / 1000} s.`;
  const failure = gitHubFailure(error);
  return failure ? `${describeGitHubFailure(failure)}.` : messageOf(error);
}

interface ComparedRow {
  item: string;
  expected: string;
  live: string;
  ok: boolean | null;
}

function comparedRows(expected: ExpectedApp, live: LiveApp, hook: AppHookConfig | null): ComparedRow[] {
  const rows: ComparedRow[] = Object.entries(expected.permissions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, level]) => ({
      item: `Permission: ${name}`,
      expected: level,
      live: live.permissions[name] ?? "not asked",
      ok: accessRank(live.permissions[name]) >= Math.max(0, accessRank(level)),
    }));
  for (const event of expected.events) {
    const global = GLOBAL_APP_EVENTS.has(event);
    rows.push({
      item: `Event: ${event}`,
      expected: "subscribed",
      live: global ? "not reported by GitHub" : live.events.includes(event) ? "subscribed" : "not subscribed",
      ok: global ? null : live.events.includes(event),
    });
  }
  rows.push({
    item: "Webhook URL",
    expected: expected.webhookUrl,
    live: hook ? (hook.url ?? "none") : "unknown",
    ok: hook ? hook.url !== null && safeHref(hook.url) === safeHref(expected.webhookUrl) : null,
  });
  for (const url of expected.callbackUrls)
    rows.push({ item: "Callback URL", expected: url, live: "not reported by GitHub", ok: null });
  rows.push({ item: "Setup URL", expected: expected.setupUrl, live: "not reported by GitHub", ok: null });
  return rows;
}

function safeHref(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

const STATUS = {
  true: { text: "matches", className: "status-ok" },
  false: { text: "differs", className: "status-warn" },
  null: { text: "check by hand", className: "status-muted" },
} as const;

/** Doctor (docs/operator-console.md): the live App against app.yml and BASE_URL, and the installations behind. */
export function doctorRoutes(deps: GitHubConnectDeps): Router {
  const router = Router();
  router.get(OPERATOR_PAGES.doctor, async (req, res) => {
    const manifestPath = projectPaths.appManifest;
    let expected: ExpectedApp;
    try {
      expected = expectedApp(await loadManifest(manifestPath, deps.config.baseUrl), deps.config.webhookProxy.url);
    } catch (error) {
      // A deployment built without app.yml beside the views: nothing to hold the App against.
      renderOperatorPage(res, "doctor", "operator-doctor", {
        title: "Doctor",
        githubError: `Could not read app.yml (${manifestPath}), so there is nothing to hold the App against: ${messageOf(error)}`,
      });
      return;
    }
    const [app, hook] = await Promise.allSettled([deps.appClient.getApp(), deps.appClient.getAppHookConfig()]);
    const base = { title: "Doctor", expectedWebhookUrl: expected.webhookUrl };
    if (app.status === "rejected") {
      req.log.warn(
        { githubStatus: gitHubFailure(app.reason)?.status },
        `doctor: GET /app failed: ${whyNot(app.reason)}`,
      );
      renderOperatorPage(res, "doctor", "operator-doctor", {
        ...base,
        githubError: `Could not ask GitHub about the App, so nothing was checked. ${whyNot(app.reason)} If it persists, check this deployment's APP_ID and private key.`,
      });
      return;
    }
    const live = app.value;
    const hookConfig = hook.status === "fulfilled" ? hook.value : null;
    const diagnosis = diagnose({ expected, live, hook: hookConfig, github: deps.config.github });
    const behind = await findInstallationsBehind(
      deps.models,
      live.permissions,
      requestedPage(req.query.page),
      OPERATOR_PAGE_SIZE,
    );
    renderOperatorPage(res, "doctor", "operator-doctor", {
      ...base,
      githubError: null,
      liveAppName: live.name ?? deps.config.github.appSlug ?? "the App",
      hookError:
        hook.status === "rejected"
          ? `Could not read the App's webhook configuration (GET /app/hook/config), so the webhook URL was not checked. ${whyNot(hook.reason)}`
          : null,
      problems: diagnosis.problems satisfies Finding[],
      notes: diagnosis.notes,
      summaryText:
        diagnosis.problems.length === 0
          ? hook.status === "fulfilled"
            ? "Nothing to fix: the live App matches app.yml and BASE_URL."
            : "Nothing to fix in what GitHub answered."
          : `${plural(diagnosis.problems.length, "thing", "things")} to fix on the live App.`,
      compared: comparedRows(expected, live, hookConfig).map((row) => ({
        ...row,
        status: STATUS[String(row.ok) as "true"],
      })),
      behind: {
        totalText:
          behind.total === 0
            ? "Every installation has accepted the App's current permissions."
            : `${plural(behind.total, "installation has", "installations have")} not accepted the App's current permissions. GitHub asks an owner of each account to accept them on the installation's page; until then it keeps the old ones.`,
        rows: behind.installations.map((installation) => ({
          installationId: installation.installationId,
          account: installation.accountLogin,
          accountType: installation.accountType,
          organizationId: installation.organizationId,
          missing: permissionShortfall(live.permissions, installation.permissions as Record<string, unknown>).map(
            shortfallText,
          ),
          acceptUrl: deps.urls.manageUrl({
            installationId: installation.installationId,
            accountLogin: installation.accountLogin,
            accountType: installation.accountType,
          }),
        })),
        pagination: consolePagination(
          behind.page,
          behind.installations.length,
          behind.total,
          ["installation", "installations"],
          pageLink(OPERATOR_PAGES.doctor),
        ),
      },
    });
  });
  return router;
}
