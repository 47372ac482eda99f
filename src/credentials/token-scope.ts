/** What a service may ask an installation token to be narrowed to, and how it compares with what the installation has. */

export type PermissionLevel = "read" | "write" | "admin";
export type Permissions = Record<string, PermissionLevel>;

export interface TokenScope {
  /** GitHub repository ids, deduplicated and sorted; undefined: every repository the installation reaches. */
  repositoryIds?: number[];
  /** Permission name → level; undefined: every permission the installation has. */
  permissions?: Permissions;
}

/** GitHub narrows a token to at most 500 repositories (`repository_ids`). */
const MAX_REPOSITORY_IDS = 500;
/** GitHub has about 50 permission names; more than this is not a scope but a mistake. */
const MAX_PERMISSIONS = 100;
/** GitHub's permission names: lowercase words joined by underscores (`pull_requests`). New ones appear, so the shape is checked, not a list. */
const PERMISSION_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const RANK: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };

/** A scope that cannot be read; the message says what to send instead. */
export class InvalidTokenScopeError extends Error {
  override name = "InvalidTokenScopeError";
}

function isLevel(value: unknown): value is PermissionLevel {
  return value === "read" || value === "write" || value === "admin";
}

function parseRepositoryIds(raw: unknown): number[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_REPOSITORY_IDS) {
    throw new InvalidTokenScopeError(
      `repositoryIds must be an array of 1 to ${MAX_REPOSITORY_IDS} repository ids (leave it out for every repository the installation reaches)`,
    );
  }
  for (const id of raw) {
    if (!Number.isSafeInteger(id) || (id as number) <= 0)
      throw new InvalidTokenScopeError("repositoryIds must hold positive whole numbers (GitHub's repository ids)");
  }
  return [...new Set(raw as number[])].sort((a, b) => a - b);
}

function parsePermissions(raw: unknown): Permissions {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InvalidTokenScopeError('permissions must be an object such as {"contents": "read"}');
  }
  const entries = Object.entries(raw);
  if (entries.length === 0 || entries.length > MAX_PERMISSIONS) {
    throw new InvalidTokenScopeError(
      `permissions must name 1 to ${MAX_PERMISSIONS} permissions (leave it out for every permission the installation has)`,
    );
  }
  const permissions: Permissions = {};
  for (const [name, level] of entries) {
    if (!PERMISSION_NAME.test(name))
      throw new InvalidTokenScopeError(
        `permissions: "${name.slice(0, 64)}" is not a GitHub permission name (lowercase, e.g. pull_requests)`,
      );
    if (!isLevel(level)) throw new InvalidTokenScopeError(`permissions.${name} must be "read", "write" or "admin"`);
    permissions[name] = level;
  }
  return permissions;
}

/**
 * Reads a scope from a request body or a caller, refusing rather than ignoring anything it does
 * not understand: a misspelt key read as "no scope" would hand out a wider token than asked for.
 */
export function parseTokenScope(raw: unknown): TokenScope {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw))
    throw new InvalidTokenScopeError("the scope must be a JSON object: {repositoryIds?, permissions?}");
  const { repositoryIds, permissions, ...unknown } = raw as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0)
    throw new InvalidTokenScopeError(
      `unknown field "${extra[0]!.slice(0, 64)}": the scope takes only repositoryIds and permissions`,
    );
  const scope: TokenScope = {};
  if (repositoryIds !== undefined) scope.repositoryIds = parseRepositoryIds(repositoryIds);
  if (permissions !== undefined) scope.permissions = parsePermissions(permissions);
  return scope;
}

export function isScoped(scope: TokenScope): boolean {
  return scope.repositoryIds !== undefined || scope.permissions !== undefined;
}

/** What the installation cannot grant, one phrase each ("contents: write (it has read)"); empty when it can grant all. */
export function permissionsBeyond(granted: Record<string, unknown>, requested: Permissions | undefined): string[] {
  const problems: string[] = [];
  for (const [name, level] of Object.entries(requested ?? {})) {
    const has = Object.hasOwn(granted, name) ? granted[name] : undefined;
    if (!isLevel(has)) problems.push(`${name}: ${level} (it does not have this permission)`);
    else if (RANK[level] > RANK[has]) problems.push(`${name}: ${level} (it has ${has})`);
  }
  return problems;
}

export function asksForAdmin(scope: TokenScope): boolean {
  return Object.values(scope.permissions ?? {}).includes("admin");
}
