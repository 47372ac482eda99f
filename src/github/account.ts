import { MalformedPayloadError, numberAt, optionalString, stringAt, type Json } from "./payload.js";

/**
 * The account an installation is on, whichever of GitHub's three kinds it is. A user or an
 * organization has a `login` and a `type`; an enterprise (GitHub's `enterprise` schema) has a
 * `slug` and a `name` and neither of those, and its installation's `target_type` says "Enterprise".
 */
export interface GitHubAccount {
  id: number;
  /** The login, or an enterprise's slug: the key the installation is stored, linked and renamed under. */
  login: string;
  /** An enterprise's name, which people are shown; null for users and organizations (shown by login). */
  name: string | null;
  type: "Organization" | "User" | "Enterprise";
}

function isEnterprise(account: Json, targetType: string | null): boolean {
  if (targetType === "Enterprise" || account.type === "Enterprise") return true;
  // GitHub's enterprise object: a slug and no login (a listing that left target_type out).
  return account.login === undefined && typeof account.slug === "string";
}

function userOrOrganization(raw: string | null, where: string): "Organization" | "User" {
  if (raw === "Organization") return raw;
  // A Bot installs as a user; GitHub's older payloads leave the type out for users.
  if (raw === null || raw === "User" || raw === "Bot") return "User";
  throw new MalformedPayloadError(`${where}.type "${raw}" is not Organization, User or Enterprise`);
}

/**
 * The one reader of an installation's account (webhooks, `GET /app/installations`, `GET
 * /user/installations`): `where` names it in a 422's message, `targetType` is the installation's
 * `target_type`, which says what the account is when the account does not.
 */
export function readAccount(account: Json, where: string, targetType: string | null): GitHubAccount {
  const id = numberAt(account, "id", where);
  if (isEnterprise(account, targetType)) {
    const slug = stringAt(account, "slug", where);
    return { id, login: slug, name: optionalString(account, "name") ?? slug, type: "Enterprise" };
  }
  return {
    id,
    login: stringAt(account, "login", where),
    name: null,
    type: userOrOrganization(optionalString(account, "type") ?? targetType, where),
  };
}

/** What people are shown for a stored account: an enterprise's name, else the login. */
export function accountDisplayName(account: { accountLogin: string; accountName?: string | null }): string {
  return account.accountName ?? account.accountLogin;
}
