import { exchangeWebFlowCode } from "@octokit/oauth-methods";
import type { ProbotOctokit } from "probot";
import type { GitHubConfig } from "../config/env.js";
import { statusOf } from "../lib/error-details.js";
import { readInstallationSnapshot, type InstallationSnapshot } from "./installation-snapshot.js";
import { isObject } from "./payload.js";
import { BadVerificationCodeError, GitHubUnavailableError } from "../connect/connect-errors.js";
import { AppOctokit } from "./probot-factory.js";
import { cappedPages, GitHubLimitError, MAX_PAGES, withGitHubLimits } from "./request-limits.js";

/**
 * Verifies an installer with GitHub's OAuth (rule 1): the setup URL's installation_id can be
 * spoofed, so the code GitHub returns to our callback is exchanged for a user token, and
 * `GET /user/installations` must list the installation. The token lives only inside these
 * functions: it is never returned, stored or logged, and no length is assumed.
 */
export interface InstallationAccess {
  /** Whether the user's token lists the installation. */
  visible: boolean;
  /** The entry listed (same shape as a webhook's `installation`), read as webhooks are. */
  installation: InstallationSnapshot | null;
  /** GitHub requests made, the token exchange included. */
  apiCalls: number;
}

export interface GitHubUserAuth {
  checkInstallationAccess(code: string, installationId: number): Promise<InstallationAccess>;
  /** Who the code belongs to (`GET /user`): how a request to an owner is matched to its installation later. */
  identifyUser(code: string): Promise<{ id: number; login: string }>;
}

export interface GitHubUserAuthDeps {
  github: Pick<GitHubConfig, "webUrl" | "apiUrl" | "clientId" | "clientSecret">;
  /** Must equal the redirect_uri sent to the authorize step. */
  redirectUri: string;
  /** The Octokit class (retries and throttling as the App's); tests pass one with retries off. */
  Octokit?: typeof ProbotOctokit;
}

/** The listed installation, read as a webhook's is (one reader for a user's, an organization's or an enterprise's account). */
function readListedInstallation(entry: Record<string, unknown>): InstallationSnapshot {
  try {
    return readInstallationSnapshot({ installation: entry });
  } catch (error) {
    throw new GitHubUnavailableError(
      `GET /user/installations returned an installation we cannot read: ${(error as Error).message}`,
    );
  }
}

/** What went wrong in words, never the token (Octokit's errors carry the request's headers). */
function unavailable(what: string, error: unknown): GitHubUnavailableError {
  const status = statusOf(error);
  return new GitHubUnavailableError(
    status ? `${what} answered ${status}` : `${what} failed: ${(error as Error).message}`,
    { cause: error },
  );
}

export function createGitHubUserAuth(deps: GitHubUserAuthDeps): GitHubUserAuth {
  const { github } = deps;
  // The user token goes to GitHub's API only, whatever a Link header says (src/github/request-limits.ts).
  const Octokit = withGitHubLimits(deps.Octokit ?? AppOctokit);
  // The code exchange alone is on GitHub's web host (`<web>/login/oauth/access_token`).
  const ExchangeOctokit = withGitHubLimits(deps.Octokit ?? AppOctokit, { alsoAllowed: [github.webUrl] });

  function userOctokit(token: string): InstanceType<typeof ProbotOctokit> {
    return new Octokit({ auth: { token }, baseUrl: github.apiUrl });
  }

  async function exchangeCode(code: string): Promise<string> {
    const { clientId, clientSecret } = github;
    if (!clientId || !clientSecret)
      throw new GitHubUnavailableError("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are needed to verify installers");
    try {
      const { authentication } = await exchangeWebFlowCode({
        clientType: "github-app",
        clientId,
        clientSecret,
        code,
        redirectUrl: deps.redirectUri,
        // Throttling off for this one POST: its write limiter spaces writes a second apart, which
        // would keep every admin waiting on the OAuth callback. Retries stay on.
        request: new ExchangeOctokit({ baseUrl: github.apiUrl, throttle: { enabled: false } }).request,
      });
      return authentication.token;
    } catch (error) {
      // GitHub reports a bad code with 200 and an `error` field; oauth-methods turns it into a 400.
      const data = (error as { response?: { data?: unknown } }).response?.data;
      if (isObject(data) && data.error === "bad_verification_code") throw new BadVerificationCodeError();
      if (isObject(data) && typeof data.error === "string")
        throw new GitHubUnavailableError(`OAuth token exchange refused: ${data.error}`);
      throw unavailable("OAuth token exchange", error);
    }
  }

  return {
    async checkInstallationAccess(code, installationId) {
      const octokit = userOctokit(await exchangeCode(code));
      let apiCalls = 1;
      try {
        const pages = octokit.paginate.iterator("GET /user/installations", { per_page: 100 });
        for await (const page of cappedPages(pages, "GET /user/installations", MAX_PAGES)) {
          apiCalls++;
          if (!Array.isArray(page.data))
            throw new GitHubUnavailableError("GET /user/installations answered without an installations list");
          for (const entry of page.data as unknown[]) {
            if (isObject(entry) && entry.id === installationId)
              return { visible: true, installation: readListedInstallation(entry), apiCalls };
          }
        }
      } catch (error) {
        if (error instanceof GitHubUnavailableError) throw error;
        if (error instanceof GitHubLimitError) throw new GitHubUnavailableError(error.message, { cause: error });
        throw unavailable("GET /user/installations", error);
      }
      return { visible: false, installation: null, apiCalls };
    },

    async identifyUser(code) {
      const octokit = userOctokit(await exchangeCode(code));
      try {
        const { data } = await octokit.request("GET /user");
        return { id: data.id, login: data.login };
      } catch (error) {
        throw unavailable("GET /user", error);
      }
    },
  };
}
