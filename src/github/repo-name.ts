/**
 * GitHub's rules for a repository name, checked before any call so a bad name is refused with
 * the rule it breaks (GitHub itself would silently replace other characters with "-").
 */

export const MAX_REPO_NAME_LENGTH = 100;

export type RepoNameRule = "empty" | "too-long" | "dots" | "characters";

export interface RepoNameProblem {
  rule: RepoNameRule;
  /** The rule, in words, for the person who chose the name (no trailing period). */
  text: string;
}

const ALLOWED = /^[A-Za-z0-9._-]+$/;
const NOT_ALLOWED = /[^A-Za-z0-9._-]/gu;

function shown(char: string): string {
  return char === " " ? "a space" : /\s/u.test(char) ? "a line break or tab" : `"${char}"`;
}

/** The first rule `name` breaks, or null when GitHub accepts it as it is. */
export function repoNameProblem(name: string): RepoNameProblem | null {
  if (name === "") return { rule: "empty", text: "a repository name cannot be empty" };
  const length = [...name].length;
  if (length > MAX_REPO_NAME_LENGTH) {
    return {
      rule: "too-long",
      text: `a repository name is at most ${MAX_REPO_NAME_LENGTH} characters, and this one has ${length}`,
    };
  }
  if (name === "." || name === "..")
    return { rule: "dots", text: `GitHub reserves "." and ".." and does not allow them as repository names` };
  if (!ALLOWED.test(name)) {
    const found = [...new Set(name.match(NOT_ALLOWED) ?? [])].slice(0, 5).map(shown);
    return {
      rule: "characters",
      text: `a repository name may contain only letters (A–Z, a–z), digits, hyphens (-), underscores (_) and periods (.), and this one contains ${found.join(", ")}`,
    };
  }
  return null;
}

/** The app's key for a repository: GitHub's names are unique per account whatever their case. */
export function repoSlug(name: string): string {
  return name.toLowerCase();
}
