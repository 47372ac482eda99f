import type { Logger } from "pino";
import type { Probot } from "probot";
import type { GitHubConfig } from "../config/env.js";
import { messageOf } from "../lib/error-details.js";
import { describeGitHubFailure, gitHubFailure } from "./request-failure.js";
import { createCachedLookup } from "../lib/cached-lookup.js";
import { appPageUrl } from "./urls.js";
import { parseLiveApp } from "./live-app.js";

/** What the pages call the App, as GitHub shows it on its install page. */
export interface AppProfile {
  name: string;
  /** The App's public page on GitHub; null when its slug is not known. */
  pageUrl: string | null;
  /**
   * The permissions the live App asks for, as GitHub last said (cached with the name): the settings
   * page holds an installation's against them without a call of its own. Null until GitHub answers.
   */
  permissions: Record<string, string> | null;
}

export interface AppProfileSource {
  /** The App's name and page from `GET /app` (cached for an hour); the fallback until GitHub answers. */
  current(): Promise<AppProfile>;
}

/** The product's own name: setup mode, and any page rendered before GitHub has named the App. */
export const DEFAULT_APP_NAME = "GitHub Connect";

const PROFILE_TTL_MS = 60 * 60_000;
const RETRY_AFTER_MS = 5 * 60_000;
/** A page waits this long for the first answer, then renders with the fallback name. */
const FIRST_WAIT_MS = 1_500;
/** The call behind the page gives up after this: a hung GitHub must not hold a refresh open. */
const CALL_TIMEOUT_MS = 10_000;

export interface AppProfileDeps {
  /** Null in setup mode: no App yet, so the fallback is the whole story. */
  probot: Probot | null;
  github: Pick<GitHubConfig, "webUrl" | "enterpriseHost" | "appSlug">;
  now: () => Date;
  log: Logger;
}

export function createAppProfileSource(deps: AppProfileDeps): AppProfileSource {
  const { github, log, probot } = deps;
  const pageOf = (slug: string | undefined) => (slug ? appPageUrl(github, slug) : null);
  const fallback: AppProfile = { name: DEFAULT_APP_NAME, pageUrl: pageOf(github.appSlug), permissions: null };
  if (!probot) return { current: async () => fallback };

  let warnedSlug = false;
  const lookup = createCachedLookup<AppProfile>({
    now: deps.now,
    ttlMs: PROFILE_TTL_MS,
    retryAfterMs: RETRY_AFTER_MS,
    waitMs: FIRST_WAIT_MS,
    maxEntries: 1,
    async load() {
      const octokit = await probot.auth();
      const { data } = await octokit.request("GET /app", {
        request: { retries: 0, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) },
      });
      const live = parseLiveApp(data);
      const name = live.name ?? "";
      const slug = live.slug ?? undefined;
      if (slug && github.appSlug && slug !== github.appSlug && !warnedSlug) {
        warnedSlug = true;
        log.warn(
          { appSlug: github.appSlug, githubSlug: slug },
          `APP_SLUG is "${github.appSlug}" but GitHub calls this App "${slug}": install links lead to another App; set APP_SLUG=${slug}`,
        );
      }
      // The link is built from configuration and a checked slug, never from the response's html_url (rule 9).
      return { name: name || DEFAULT_APP_NAME, pageUrl: pageOf(github.appSlug ?? slug), permissions: live.permissions };
    },
    onError(_key, error) {
      const failure = gitHubFailure(error);
      const why = failure ? describeGitHubFailure(failure) : messageOf(error);
      log.warn(
        { githubStatus: failure?.status },
        `could not read the App's name (GET /app), pages say "${DEFAULT_APP_NAME}" for now: ${why}`,
      );
    },
  });
  return { current: async () => (await lookup.get("app")) ?? fallback };
}
