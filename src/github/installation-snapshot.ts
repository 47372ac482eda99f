import { readAccount } from "./account.js";
import {
  MalformedPayloadError,
  isObject,
  numberAt,
  objectAt,
  optionalString,
  parseGitHubTime,
  type Json,
} from "./payload.js";

/** The installation as a webhook describes it, validated and in our field names. */
export interface InstallationSnapshot {
  installationId: number;
  accountId: number;
  /** The login, or an enterprise's slug. */
  accountLogin: string;
  /** An enterprise's name; null for users and organizations. */
  accountName: string | null;
  accountType: "Organization" | "User" | "Enterprise";
  repositorySelection: "all" | "selected";
  permissions: Record<string, string>;
  events: string[];
  htmlUrl: string | null;
  installedAt: Date | null;
  updatedAt: Date | null;
  suspendedAt: Date | null;
}

/** GitHub's permission names (`administration`, `organization_projects`) and levels (`read`, `write`, `admin`). */
const PERMISSION_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const PERMISSION_LEVEL = /^[a-z]{1,16}$/;

/**
 * The permissions as stored field names: a key with `.` or `$` (or `__proto__`) is not a
 * permission GitHub grants, and MongoDB would refuse the whole document, failing every redelivery.
 */
function permissionsOf(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const entries = Object.entries(value).filter(
    (entry): entry is [string, string] =>
      PERMISSION_NAME.test(entry[0]) && typeof entry[1] === "string" && PERMISSION_LEVEL.test(entry[1]),
  );
  return Object.fromEntries(entries);
}

export function readInstallationSnapshot(payload: Json): InstallationSnapshot {
  const installation = objectAt(payload, "installation", "payload");
  const account = readAccount(
    objectAt(installation, "account", "installation"),
    "installation.account",
    optionalString(installation, "target_type"),
  );
  const selection = installation.repository_selection ?? payload.repository_selection ?? "selected";
  if (selection !== "all" && selection !== "selected") {
    throw new MalformedPayloadError(`installation.repository_selection must be "all" or "selected"`);
  }
  const events = Array.isArray(installation.events)
    ? installation.events.filter((e): e is string => typeof e === "string" && PERMISSION_NAME.test(e)).slice(0, 200)
    : [];
  return {
    installationId: numberAt(installation, "id", "installation"),
    accountId: account.id,
    accountLogin: account.login,
    accountName: account.name,
    accountType: account.type,
    repositorySelection: selection,
    permissions: permissionsOf(installation.permissions),
    events,
    htmlUrl: optionalString(installation, "html_url"),
    installedAt: parseGitHubTime(installation.created_at),
    updatedAt: parseGitHubTime(installation.updated_at),
    suspendedAt: parseGitHubTime(installation.suspended_at),
  };
}

/** The fields an upsert writes when it first sees an installation. */
export function snapshotFields(snapshot: InstallationSnapshot) {
  return {
    accountId: snapshot.accountId,
    accountLogin: snapshot.accountLogin,
    accountName: snapshot.accountName,
    accountType: snapshot.accountType,
    repositorySelection: snapshot.repositorySelection,
    permissions: snapshot.permissions,
    events: snapshot.events,
    htmlUrl: snapshot.htmlUrl,
    installedAt: snapshot.installedAt,
  };
}
