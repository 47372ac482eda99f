import { repoNameProblem, repoSlug } from "../github/repo-name.js";
import { ConfigError } from "./config-error.js";
import { read, type Env } from "./read-env.js";

/**
 * DEFAULT_REPOS: the repositories every organization is offered in one action on the settings
 * page, comma-separated, each held to GitHub's name rules here so a typo stops start-up rather
 * than an admin's click. Unset or empty: no defaults (the button is not shown).
 */
export function loadDefaultRepos(env: Env): string[] {
  const raw = read(env, "DEFAULT_REPOS");
  if (raw === undefined) return [];
  const names = raw.split(",").map((entry) => entry.trim());
  const seen = new Map<string, string>();
  names.forEach((name, index) => {
    const which = `DEFAULT_REPOS entry ${index + 1} of ${names.length}`;
    if (name === "") throw new ConfigError(`${which} is empty (comma-separated repository names, no trailing comma)`);
    const problem = repoNameProblem(name);
    if (problem)
      throw new ConfigError(`${which} ("${name.slice(0, 100)}") is not a GitHub repository name: ${problem.text}`);
    const earlier = seen.get(repoSlug(name));
    if (earlier !== undefined)
      throw new ConfigError(
        `DEFAULT_REPOS names "${earlier}" and "${name}": GitHub treats them as the same repository`,
      );
    seen.set(repoSlug(name), name);
  });
  return names;
}
