import { readFileSync } from "node:fs";

/*
 * GitHub at the network edge, in its real response shapes: each answer starts from a JSON file
 * under test/fixtures/github/ (GitHub's documented examples, set in one scenario: the App
 * "github-connect-test" installed on the organization "acme-corp") and changes only ids and names.
 * test/contract/github-fixtures.test.ts checks every file against GitHub's REST description.
 */

/** Every file in test/fixtures/github/, without `.json` (a contract test keeps this list equal to the directory). */
export const GITHUB_FIXTURES = [
  "app",
  "app-installation",
  "app-manifest-conversion",
  "hook-deliveries",
  "installation-access-token",
  "installation-access-token-permissions-refused",
  "installation-access-token-repositories-refused",
  "installation-access-token-suspended",
  "installation-repositories",
  "marketplace-account",
  "marketplace-listing-plans",
  "oauth-access-token",
  "oauth-bad-verification-code",
  "repository",
  "repository-create-forbidden",
  "repository-create-name-exists",
  "repository-created",
  "user",
  "user-installations",
] as const;

export type GitHubFixture = (typeof GITHUB_FIXTURES)[number];

export type Json = Record<string, unknown>;

/** A fresh copy of test/fixtures/github/<name>.json. */
export function githubFixture<T = Json>(name: GitHubFixture): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/github/${name}.json`, import.meta.url), "utf8")) as T;
}

export interface AccountSpec {
  id: number;
  login: string;
  type?: "Organization" | "User";
}

/** An enterprise account as GitHub's `enterprise` schema has it: a slug and a name, no login and no type. */
export interface EnterpriseSpec {
  id: number;
  slug: string;
  name: string;
}

export const OCTO_BUSINESS: EnterpriseSpec = { id: 42, slug: "octo-business", name: "Octo Business" };

/** The organization every fixture is set in. */
export const ACME: AccountSpec = { id: 90001, login: "acme-corp", type: "Organization" };

/** The user token GitHub answers the OAuth exchange with (longer than 40 characters, as they now are). */
export const USER_TOKEN = githubFixture<{ access_token: string }>("oauth-access-token").access_token;
/** The installation token GitHub mints for the App (stateless format, longer than 40 characters). */
export const INSTALLATION_TOKEN = githubFixture<{ token: string }>("installation-access-token").token;
