/** The shapes GitHub Connect's internal API answers with (docs/internal-api.md). */

export type PermissionLevel = "read" | "write" | "admin";

/** What a token may be narrowed to; leave it out for everything the installation may do. */
export interface TokenScope {
  /** GitHub repository ids, 1 to 500. */
  repositoryIds?: number[];
  /** GitHub permission name → level, e.g. `{ contents: "read" }`. */
  permissions?: Record<string, PermissionLevel>;
}

/** POST /api/internal/orgs/:id/github-token. */
export interface IssuedToken {
  token: string;
  /** ISO 8601; null for the legacy token. */
  expiresAt: string | null;
  installationId: number | null;
  accountLogin: string | null;
  permissions: Record<string, PermissionLevel> | null;
  repositorySelection: "all" | "selected" | null;
  source: "installation" | "legacy";
  /** The repositories the token is narrowed to, when a scope named them. */
  repositoryIds?: number[];
}

export type ConnectionStateName = "connected" | "suspended" | "deleted" | "not_connected";

export type RepoStatus =
  | "reachable"
  | "not_selected"
  | "deleted"
  | "transferred"
  | "archived"
  | "not_created"
  | "paused";

export interface ConnectionRepo {
  slug: string;
  name: string;
  fullName: string | null;
  githubRepoId: number | null;
  /** True for `reachable` and `archived` only. */
  reachable: boolean;
  status: RepoStatus;
}

/** The installation a connection is on, suspended or deleted ones too (`suspendedAt`, `deletedAt`, ISO 8601). */
export interface ConnectionInstallation {
  installationId: number;
  accountLogin: string;
  /** GitHub's account type: `Organization`, `User`, `Enterprise`. */
  accountType: string;
  repositorySelection: "all" | "selected";
  permissions: Record<string, PermissionLevel>;
  suspendedAt: string | null;
  deletedAt: string | null;
}

/** GET /api/internal/orgs/:id/github. */
export interface ConnectionState {
  organizationId: string;
  state: ConnectionStateName;
  /** What a token request would get now. */
  credential: "installation" | "legacy" | "none";
  installation: ConnectionInstallation | null;
  repos: ConnectionRepo[];
}

/** An event as GitHub Connect sends it: `id` (`evt_…`) is the same across retries. */
export interface ConnectEvent<Data = Record<string, unknown>> {
  id: string;
  type: string;
  timestamp: string;
  organizationId: string;
  /** The organization's sequence number, from 1: a gap means an event not seen yet. */
  seq: number;
  data: Data;
}

/** One page of `GET /api/internal/events`: `next` is the cursor to ask with next time. */
export interface EventPage {
  events: ConnectEvent[];
  next: string | null;
}

export interface EventListOptions {
  /** A `next` an earlier page answered; none: from the oldest event kept. */
  after?: string | null;
  /** 1 to 500 (the API's default: 100). */
  limit?: number;
  organizationId?: string;
}
