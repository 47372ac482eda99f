import { ConfigError } from "./config-error.js";
import { read, type Env } from "./read-env.js";
import { refuseFewDistinctCharacters } from "./secret-strength.js";

/** A WorkOS organization id as the app accepts it anywhere (paths, sign-in form, configuration). */
export const ORGANIZATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const MIN_SERVICE_TOKEN = 32;

/** Other services' access: the internal API's bearer tokens, and the single-tenant personal token being migrated away from. */
export interface ServiceAccessConfig {
  /** INTERNAL_API_TOKENS, in order (several while one is rotated); empty: the internal API is off. */
  internalApiTokens: string[];
  /** LEGACY_GITHUB_TOKEN, handed only to LEGACY_GITHUB_ORGANIZATIONS that have no live installation; null when unset. */
  legacyGitHub: { token: string; organizationIds: string[] } | null;
}

function list(raw: string): string[] {
  return raw.split(",").map((entry) => entry.trim());
}

function parseInternalApiTokens(raw: string | undefined, production: boolean): string[] {
  if (raw === undefined) return [];
  const tokens = list(raw);
  tokens.forEach((token, index) => {
    // Never echo a token: position and length say enough to find it.
    const which = `INTERNAL_API_TOKENS entry ${index + 1} of ${tokens.length}`;
    if (token === "") throw new ConfigError(`${which} is empty (comma-separated tokens, no trailing comma)`);
    if (/\s/.test(token)) throw new ConfigError(`${which} contains whitespace`);
    if (token.length < MIN_SERVICE_TOKEN) {
      throw new ConfigError(
        `${which} is ${token.length} characters; each must be at least ${MIN_SERVICE_TOKEN} (e.g. openssl rand -hex 32)`,
      );
    }
    if (production) refuseFewDistinctCharacters(which, token);
  });
  if (new Set(tokens).size !== tokens.length) throw new ConfigError("INTERNAL_API_TOKENS lists the same token twice");
  return tokens;
}

function parseLegacyGitHub(env: Env): ServiceAccessConfig["legacyGitHub"] {
  const token = read(env, "LEGACY_GITHUB_TOKEN");
  const organizations = read(env, "LEGACY_GITHUB_ORGANIZATIONS");
  if (!token && !organizations) return null;
  if (!organizations) {
    throw new ConfigError(
      "LEGACY_GITHUB_TOKEN is set without LEGACY_GITHUB_ORGANIZATIONS: list the WorkOS organization ids that may use it (comma-separated)",
    );
  }
  if (!token)
    throw new ConfigError(
      "LEGACY_GITHUB_ORGANIZATIONS is set without LEGACY_GITHUB_TOKEN: set the personal token they use, or unset both",
    );
  if (/\s/.test(token)) throw new ConfigError("LEGACY_GITHUB_TOKEN contains whitespace");
  const organizationIds = list(organizations);
  for (const id of organizationIds) {
    if (!ORGANIZATION_ID_PATTERN.test(id)) {
      throw new ConfigError(
        `LEGACY_GITHUB_ORGANIZATIONS must be comma-separated WorkOS organization ids (letters, digits, _ and -), got "${id}"`,
      );
    }
  }
  return { token, organizationIds: [...new Set(organizationIds)] };
}

export function loadServiceAccessConfig(env: Env, { production }: { production: boolean }): ServiceAccessConfig {
  return {
    internalApiTokens: parseInternalApiTokens(read(env, "INTERNAL_API_TOKENS"), production),
    legacyGitHub: parseLegacyGitHub(env),
  };
}
