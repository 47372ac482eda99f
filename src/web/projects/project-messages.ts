import {
  GitHubNotConnectedError,
  GitHubTokenUnavailableError,
  InstallationDeletedError,
  InstallationSuspendedError,
} from "../../credentials/credential-errors.js";
import type { GitHubUrls } from "../../github/urls.js";
import {
  InvalidRepoNameError,
  PersonalAccountError,
  RepoCreationForbiddenError,
  RepoGitHubError,
  RepoNotAllowedError,
  RepoNotSelectedError,
  type RepoRefusedError,
} from "../../repos/repo-errors.js";
import type { DefaultReposResult, RepoOutcome } from "../../repos/repos.js";
import type { FlashMessage } from "../session/types.js";

/** What the messages need beyond the outcome: GitHub's addresses and the App's name as GitHub shows it. */
export interface MessageContext {
  urls: GitHubUrls;
  appName: string;
}

/**
 * Every word an admin reads after creating projects, decided here: each outcome and each refusal
 * of the repos service becomes a flash on the settings page, its links built from configuration.
 */

const NOTHING = "Nothing was created.";

/** Said of one name: in a run of the defaults, the others may have been created. */
function notCreated(error: RepoRefusedError): string {
  return `${error.repoName} was not created.`;
}

function quoted(name: string): string {
  return `“${name}”`;
}

function repoLink(urls: GitHubUrls, fullName: string | null | undefined) {
  return fullName ? [{ text: fullName, href: urls.repoUrl(fullName) }] : [];
}

export function outcomeFlash({ urls, appName }: MessageContext, outcome: RepoOutcome): FlashMessage {
  const { repo } = outcome;
  const links = repoLink(urls, repo.fullName);
  switch (outcome.kind) {
    case "created":
      return {
        kind: "success",
        message: `Created the project ${repo.name}: a new private repository on GitHub.`,
        links,
      };
    case "adopted":
      return {
        kind: "success",
        message: `${repo.name} already existed on GitHub and ${appName} can reach it: it is now a project.`,
        links,
      };
    case "existing":
      return { kind: "info", message: `${repo.name} is already a project. Nothing was created.`, links };
  }
}

/** The flash for a refusal of the repos service or a connection error; null for anything else (the error page's business). */
export function refusalFlash({ urls, appName }: MessageContext, error: unknown): FlashMessage | null {
  if (error instanceof GitHubNotConnectedError) {
    return {
      kind: "error",
      message: `GitHub is not connected. Connect GitHub first: projects are created in the GitHub account your organization connects. ${NOTHING}`,
    };
  }
  if (error instanceof InstallationSuspendedError) {
    return {
      kind: "error",
      message: `${appName} is suspended on ${error.accountLogin}, so it cannot create repositories there. An owner of ${error.accountLogin} can unsuspend it (Manage on GitHub, below). ${NOTHING}`,
    };
  }
  if (error instanceof InstallationDeletedError) {
    return {
      kind: "error",
      message: `${appName} was uninstalled from ${error.accountLogin}. Reconnect GitHub to create projects. ${NOTHING}`,
    };
  }
  if (error instanceof GitHubTokenUnavailableError) {
    return {
      kind: "error",
      message: `GitHub did not let ${appName} act on your account just now. ${NOTHING} Try again in a minute.`,
    };
  }
  if (error instanceof InvalidRepoNameError) {
    if (error.problem.rule === "empty") return { kind: "error", message: "Enter a name for the project." };
    return {
      kind: "error",
      message: `${quoted(error.repoName)} cannot be a GitHub repository name: ${error.problem.text}. ${NOTHING}`,
    };
  }
  if (error instanceof PersonalAccountError && error.installation.accountType === "Enterprise") {
    const { accountLogin } = error.installation;
    return {
      kind: "error",
      message: `${appName} is connected to the enterprise account ${accountLogin}, which has no repositories of its own. Install ${appName} on one of its organizations and connect that organization instead. ${notCreated(error)}`,
      links: [{ text: "Manage on GitHub", href: urls.manageUrl(error.installation) }],
    };
  }
  if (error instanceof PersonalAccountError) {
    const { accountLogin } = error.installation;
    return {
      kind: "error",
      message:
        `${appName} is connected to ${accountLogin}, a personal account, where GitHub lets no App create repositories. ` +
        `Create ${error.repoName} on GitHub yourself and add it to ${appName}'s repositories (Manage on GitHub), then create the project here again: it is adopted. ` +
        `Or connect a GitHub organization instead. ${notCreated(error)}`,
      links: [{ text: "Manage on GitHub", href: urls.manageUrl(error.installation) }],
    };
  }
  if (error instanceof RepoNotAllowedError) {
    return {
      kind: "error",
      message: `${error.reason} ${notCreated(error)}`,
      links: error.upgradeUrl ? [{ text: "Upgrade your plan", href: error.upgradeUrl }] : [],
    };
  }
  if (error instanceof RepoNotSelectedError) {
    const { accountLogin } = error.installation;
    return {
      kind: "error",
      message:
        `A repository named ${error.repoName} already exists in ${accountLogin} on GitHub, but it is not selected for ${appName}. ` +
        `An owner of ${accountLogin} can add it to the App's repositories (Manage on GitHub, Repository access), then create the project here again to adopt it. ${notCreated(error)}`,
      links: [{ text: "Manage on GitHub", href: urls.manageUrl(error.installation) }],
    };
  }
  if (error instanceof RepoCreationForbiddenError) {
    const { accountLogin } = error.installation;
    return {
      kind: "error",
      message: `GitHub did not let ${appName} create repositories in ${accountLogin}: the App needs the Administration (read and write) permission there. An owner of ${accountLogin} can review the App's permissions on GitHub. ${notCreated(error)}`,
      links: [{ text: "Manage on GitHub", href: urls.manageUrl(error.installation) }],
    };
  }
  if (error instanceof RepoGitHubError) {
    return {
      kind: "error",
      message: `GitHub did not create ${error.repoName}${error.status ? ` (HTTP ${error.status})` : ""}. ${notCreated(error)} Try again in a minute.`,
    };
  }
  return null;
}

function list(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** The flashes for one run of the default repositories: what was created or adopted (with links), what was there, and each refusal. */
export function defaultsFlashes(context: MessageContext, result: DefaultReposResult): FlashMessage[] {
  const { urls } = context;
  const flashes: FlashMessage[] = [];
  const made = result.outcomes.filter((o) => o.kind !== "existing");
  const existing = result.outcomes.filter((o) => o.kind === "existing").map((o) => o.repo.name);
  const created = made.filter((o) => o.kind === "created").map((o) => o.repo.name);
  const adopted = made.filter((o) => o.kind === "adopted").map((o) => o.repo.name);
  if (made.length > 0) {
    const parts = [
      created.length > 0 ? `created ${list(created)}` : null,
      adopted.length > 0 ? `adopted ${list(adopted)} (already on GitHub)` : null,
    ];
    flashes.push({
      kind: "success",
      message: `Default repositories: ${parts.filter(Boolean).join("; ")}.`,
      links: made.flatMap((o) => repoLink(urls, o.repo.fullName)),
    });
  }
  if (existing.length > 0) {
    const all = made.length === 0 && result.refused.length === 0 && !result.stoppedBy;
    flashes.push({
      kind: "info",
      message: all
        ? `Every default repository is already a project (${list(existing)}). Nothing was created.`
        : `Already projects: ${list(existing)}.`,
    });
  }
  for (const refusal of [...result.refused, ...(result.stoppedBy ? [result.stoppedBy] : [])]) {
    const flash = refusalFlash(context, refusal);
    if (flash) flashes.push(flash);
  }
  if (result.notAttempted.length > 0)
    flashes.push({ kind: "info", message: `Not tried: ${list(result.notAttempted)}.` });
  return flashes;
}
