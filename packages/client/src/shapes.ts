/**
 * The client's API types written out as values, which test/contract/client-types.test.ts holds against
 * docs/internal-api.openapi.yaml. Each is `satisfies Shape<T>`: TypeScript refuses one whose
 * properties, optionality, nullability or enum values differ from the type's, and the test refuses one
 * that differs from the description. So a field added, removed or renamed on either side fails one or
 * the other. Not exported from the package's index.
 */
import type { ApiErrorAnswer, ApiErrorCode } from "./errors.js";
import type {
  ConnectEvent,
  ConnectionInstallation,
  ConnectionRepo,
  ConnectionState,
  EventListOptions,
  EventPage,
  IssuedToken,
  PermissionLevel,
  RepoStatus,
  TokenScope,
} from "./types.js";

/** A string union's members as `{ member: true }`: a member missing or one too many is a type error. */
export type EnumOf<T extends string> = { readonly [Member in T]: true };

type Nullable<T> = null extends T ? { readonly nullable: true } : { readonly nullable?: false };
type Optional<T, Key extends keyof T> =
  Pick<T, Key> extends Required<Pick<T, Key>> ? { readonly optional?: false } : { readonly optional: true };

type ShapeOf<T> = [T] extends [readonly (infer Item)[]]
  ? { readonly type: "array"; readonly items: Shape<Item> }
  : [T] extends [string]
    ? string extends T
      ? { readonly type: "string" }
      : { readonly type: "string"; readonly enum: EnumOf<T> }
    : [T] extends [number]
      ? // TypeScript has no integer: the value says which the description must say.
        { readonly type: "integer" | "number" }
      : [T] extends [boolean]
        ? { readonly type: "boolean" }
        : [T] extends [object]
          ? string extends keyof T
            ? { readonly type: "object"; readonly values: Shape<T[string]> }
            : {
                readonly type: "object";
                readonly properties: { readonly [Key in keyof T]-?: Shape<T[Key]> & Optional<T, Key> };
              }
          : never;

/** A JSON value of type T as the test compares it: `unknown` is `any` (the description leaves it open). */
export type Shape<T> = unknown extends T ? { readonly type: "any" } : Nullable<T> & ShapeOf<NonNullable<T>>;

const PERMISSION_LEVEL = {
  type: "string",
  enum: { read: true, write: true, admin: true },
} as const satisfies Shape<PermissionLevel>;

const REPO_STATUS = {
  type: "string",
  enum: {
    reachable: true,
    not_selected: true,
    deleted: true,
    transferred: true,
    archived: true,
    not_created: true,
    paused: true,
  },
} as const satisfies Shape<RepoStatus>;

const TOKEN_SCOPE = {
  type: "object",
  properties: {
    repositoryIds: { type: "array", items: { type: "integer" }, optional: true },
    permissions: { type: "object", values: PERMISSION_LEVEL, optional: true },
  },
} as const satisfies Shape<TokenScope>;

const ISSUED_TOKEN = {
  type: "object",
  properties: {
    token: { type: "string" },
    expiresAt: { type: "string", nullable: true },
    installationId: { type: "integer", nullable: true },
    accountLogin: { type: "string", nullable: true },
    permissions: { type: "object", values: PERMISSION_LEVEL, nullable: true },
    repositorySelection: { type: "string", enum: { all: true, selected: true }, nullable: true },
    source: { type: "string", enum: { installation: true, legacy: true } },
    repositoryIds: { type: "array", items: { type: "integer" }, optional: true },
  },
} as const satisfies Shape<IssuedToken>;

const INSTALLATION = {
  type: "object",
  properties: {
    installationId: { type: "integer" },
    accountLogin: { type: "string" },
    accountType: { type: "string" },
    repositorySelection: { type: "string", enum: { all: true, selected: true } },
    permissions: { type: "object", values: PERMISSION_LEVEL },
    suspendedAt: { type: "string", nullable: true },
    deletedAt: { type: "string", nullable: true },
  },
} as const satisfies Shape<ConnectionInstallation>;

const REPO = {
  type: "object",
  properties: {
    slug: { type: "string" },
    name: { type: "string" },
    fullName: { type: "string", nullable: true },
    githubRepoId: { type: "integer", nullable: true },
    reachable: { type: "boolean" },
    status: REPO_STATUS,
  },
} as const satisfies Shape<ConnectionRepo>;

const CONNECTION_STATE = {
  type: "object",
  properties: {
    organizationId: { type: "string" },
    state: { type: "string", enum: { connected: true, suspended: true, deleted: true, not_connected: true } },
    credential: { type: "string", enum: { installation: true, legacy: true, none: true } },
    installation: { ...INSTALLATION, nullable: true },
    repos: { type: "array", items: REPO },
  },
} as const satisfies Shape<ConnectionState>;

const CONNECT_EVENT = {
  type: "object",
  properties: {
    id: { type: "string" },
    type: { type: "string" },
    timestamp: { type: "string" },
    organizationId: { type: "string" },
    seq: { type: "integer" },
    data: { type: "object", values: { type: "any" } },
  },
} as const satisfies Shape<ConnectEvent>;

const EVENT_PAGE = {
  type: "object",
  properties: {
    events: { type: "array", items: CONNECT_EVENT },
    next: { type: "string", nullable: true },
  },
} as const satisfies Shape<EventPage>;

const ERROR_CODE = {
  type: "string",
  enum: {
    invalid_organization_id: true,
    invalid_scope: true,
    invalid_cursor: true,
    invalid_limit: true,
    invalid_json: true,
    invalid_body: true,
    unauthorized: true,
    not_connected: true,
    not_found: true,
    installation_suspended: true,
    installation_deleted: true,
    body_too_large: true,
    unsupported_media_type: true,
    permission_not_granted: true,
    repository_not_reachable: true,
    legacy_token_not_scopable: true,
    too_many_attempts: true,
    github_unavailable: true,
    internal_api_disabled: true,
    database_unavailable: true,
    internal_error: true,
  },
} as const satisfies Shape<ApiErrorCode>;

const ERROR_ANSWER = {
  type: "object",
  properties: { error: ERROR_CODE, message: { type: "string" } },
} as const satisfies Shape<ApiErrorAnswer>;

/** `events.list()`'s options, each a query parameter of GET /api/internal/events (`after: null` is none sent). */
const EVENT_LIST_OPTIONS = {
  type: "object",
  properties: {
    after: { type: "string", nullable: true, optional: true },
    limit: { type: "integer", optional: true },
    organizationId: { type: "string", optional: true },
  },
} as const satisfies Shape<EventListOptions>;

/** Each type by the description's name for it (components.schemas). */
export const SCHEMA_SHAPES = {
  PermissionLevel: PERMISSION_LEVEL,
  RepoStatus: REPO_STATUS,
  TokenScope: TOKEN_SCOPE,
  IssuedToken: ISSUED_TOKEN,
  ConnectionState: CONNECTION_STATE,
  Installation: INSTALLATION,
  Repo: REPO,
  Event: CONNECT_EVENT,
  EventPage: EVENT_PAGE,
  ErrorCode: ERROR_CODE,
  Error: ERROR_ANSWER,
} as const;

/** What each operation the client calls sends and gets (by operationId): a 2xx's body, the request body, the query. */
export const OPERATION_SHAPES = {
  issueGitHubToken: { request: TOKEN_SCOPE, answer: ISSUED_TOKEN },
  getGitHubConnection: { answer: CONNECTION_STATE },
  listEvents: { query: EVENT_LIST_OPTIONS, answer: EVENT_PAGE },
} as const;
