import { accountDisplayName } from "../../github/account.js";
import { MAX_REPO_NAME_LENGTH } from "../../github/repo-name.js";
import type { GitHubConnection } from "../../installations/organization-connection.js";

/** What views/partials/project-form.ejs shows: admins of a connected organization only. */
export interface ProjectFormView {
  createAction: string;
  intro: string;
  /** For a personal or enterprise account: why the app cannot create there, and what to do instead. */
  note: string | null;
  nameMaxLength: number;
  nameHint: string;
  defaults: { action: string; text: string } | null;
}

export interface ProjectFormInput {
  canManage: boolean;
  connection: GitHubConnection;
  defaultRepoNames: readonly string[];
  appName: string;
}

function list(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

const NAME_HINT = `Letters, digits, hyphens (-), underscores (_) and periods (.); at most ${MAX_REPO_NAME_LENGTH} characters.`;

/** An enterprise account has no repositories of its own, and GitHub gives an App installed there none of its organizations'. */
function enterpriseForm(name: string, appName: string): ProjectFormView {
  return {
    createAction: "/workspace/projects",
    intro: `${name} is an enterprise account: it has no repositories of its own, and GitHub gives an App installed on an enterprise none of its organizations' repositories.`,
    note: `To create projects, install ${appName} on one of ${name}'s organizations and connect that organization instead.`,
    nameMaxLength: MAX_REPO_NAME_LENGTH,
    nameHint: NAME_HINT,
    defaults: null,
  };
}

export function projectFormView(input: ProjectFormInput): ProjectFormView | null {
  const { installation } = input.connection;
  if (!input.canManage || input.connection.state !== "connected" || !installation) return null;
  const login = installation.accountLogin;
  const personal = installation.accountType !== "Organization";
  const { appName } = input;
  if (installation.accountType === "Enterprise") return enterpriseForm(accountDisplayName(installation), appName);
  return {
    createAction: "/workspace/projects",
    intro: personal
      ? `Adds a repository of ${login} that ${appName} can reach as a project.`
      : `Creates a private repository in ${login} on GitHub, with a first commit so it is ready to clone. If ${login} already has a repository of that name that ${appName} can reach, it becomes the project.`,
    note: personal
      ? `${login} is a personal account, where GitHub lets no App create repositories. Create the repository on GitHub, add it to ${appName}'s repositories (Manage on GitHub), then enter its name here to adopt it. Or connect a GitHub organization instead.`
      : null,
    nameMaxLength: MAX_REPO_NAME_LENGTH,
    nameHint: NAME_HINT,
    defaults:
      input.defaultRepoNames.length === 0
        ? null
        : {
            action: "/workspace/projects/defaults",
            text: `Your organization's default repositories: ${list(input.defaultRepoNames)}. Those that are already projects are left as they are.`,
          },
  };
}
