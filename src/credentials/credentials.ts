import type { Logger } from "pino";
import type { Probot, ProbotOctokit } from "probot";
import type { ServiceAccessConfig } from "../config/service-access.js";
import type { GitHubInstallationDoc } from "../models/github-installation.js";
import type { Models } from "../models/index.js";
import { findGitHubConnection } from "../installations/organization-connection.js";
import {
  GitHubNotConnectedError,
  InstallationDeletedError,
  InstallationSuspendedError,
  LegacyTokenNotScopableError,
  PermissionNotGrantedError,
  RepositoryNotReachableError,
} from "./credential-errors.js";
import { createInstallationTokenMinter, type MintInstallationToken } from "./installation-tokens.js";
import { singleFlight } from "../lib/single-flight.js";
import { isScoped, parseTokenScope, permissionsBeyond, type TokenScope } from "./token-scope.js";
import { withGitHubLimits } from "../github/request-limits.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Which credential an organization gets: its live installation, or (listed tenants only) the legacy personal token. */
export type CredentialSource = { kind: "installation"; installation: GitHubInstallationDoc } | { kind: "legacy" };

export interface IssuedToken {
  source: "installation" | "legacy";
  token: string;
  /** ISO 8601; null for the legacy token (GitHub does not say when a personal token expires). */
  expiresAt: string | null;
  installationId: number | null;
  accountLogin: string | null;
  /** What the token may do, as GitHub granted it; null for the legacy token. */
  permissions: Record<string, string> | null;
  repositorySelection: "all" | "selected" | null;
  /** The repositories it is narrowed to, when asked. */
  repositoryIds?: number[];
}

export interface Credentials {
  /** The credential an organization would be given now; throws the same errors as issueToken. */
  resolve(organizationId: string): Promise<CredentialSource>;
  /** An Octokit for the organization: its installation's (tokens from the App's cache), or the legacy token's. */
  octokit(organizationId: string): Promise<Octokit>;
  /**
   * The organization's live installation (from the database: no GitHub call yet), and a way to an
   * Octokit acting as it. Never the legacy token: for what only an installation does, such as
   * creating a repository it is then granted. Throws the same connection errors as issueToken.
   */
  installation(organizationId: string): Promise<InstallationClient>;
  /** A token for the organization, narrowed to `scope` when given; a scope beyond what the installation has is refused. */
  issueToken(organizationId: string, scope?: TokenScope): Promise<IssuedToken>;
}

export interface InstallationClient {
  installation: GitHubInstallationDoc;
  /** Mints the installation's token first (shared, cached), so GitHub's refusal arrives as a typed error, then the Octokit reading that cache. */
  octokit(): Promise<Octokit>;
}

export interface CredentialsDeps {
  models: Models;
  /** The App's Probot: its auth-app cache is the one webhooks use. */
  probot: Probot;
  legacyGitHub: ServiceAccessConfig["legacyGitHub"];
  /** The Octokit class the legacy token's client is built from (the App's, so retries and throttling match). */
  Octokit: typeof ProbotOctokit;
  /** GitHub's REST API URL (GHES aware). */
  apiUrl: string;
  log: Logger;
}

function scopeKey(installationId: number, scope: TokenScope): string {
  const permissions = Object.entries(scope.permissions ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([installationId, scope.repositoryIds ?? [], permissions]);
}

export function createCredentials(deps: CredentialsDeps): Credentials {
  const { models, legacyGitHub } = deps;
  const legacyOrganizations = new Set(legacyGitHub?.organizationIds ?? []);
  const mint = createInstallationTokenMinter(deps.probot);
  const sharedMint = singleFlight<Awaited<ReturnType<MintInstallationToken>>>();
  let legacyOctokit: Octokit | undefined;

  async function resolve(
    organizationId: string,
    options: { legacy: boolean } = { legacy: true },
  ): Promise<CredentialSource> {
    const { state, installation } = await findGitHubConnection(models, organizationId);
    if (state === "connected" && installation) return { kind: "installation", installation };
    // A suspension is the account owner saying stop: the personal token does not route around it.
    if (state === "suspended" && installation)
      throw new InstallationSuspendedError(organizationId, installation.installationId, installation.accountLogin);
    if (options.legacy && legacyOrganizations.has(organizationId)) return { kind: "legacy" };
    if (state === "deleted" && installation)
      throw new InstallationDeletedError(organizationId, installation.installationId, installation.accountLogin);
    throw new GitHubNotConnectedError(organizationId);
  }

  /** Refuses locally what we know the installation cannot grant, before GitHub is asked. */
  async function checkScope(
    organizationId: string,
    installation: GitHubInstallationDoc,
    scope: TokenScope,
  ): Promise<void> {
    const { installationId, accountLogin } = installation;
    const beyond = permissionsBeyond((installation.permissions ?? {}) as Record<string, unknown>, scope.permissions);
    if (beyond.length > 0) throw new PermissionNotGrantedError(installationId, accountLogin, beyond);
    // With "selected", the installation_repositories webhooks keep `accessible` on our repos;
    // ids we do not store are GitHub's to judge (a 422, mapped in installation-tokens.ts).
    if (scope.repositoryIds && installation.repositorySelection === "selected") {
      const unreachable = await models.Repo.find(
        { organizationId, githubRepoId: { $in: scope.repositoryIds }, accessible: false },
        { githubRepoId: 1 },
      ).lean();
      if (unreachable.length > 0) {
        const ids = unreachable.map((repo) => repo.githubRepoId as number).sort((a, b) => a - b);
        throw new RepositoryNotReachableError(installationId, accountLogin, ids, true);
      }
    }
  }

  function legacyToken(): string {
    if (!legacyGitHub) throw new Error("no legacy token is configured");
    return legacyGitHub.token;
  }

  return {
    resolve: (organizationId) => resolve(organizationId),

    async octokit(organizationId) {
      const source = await resolve(organizationId);
      if (source.kind === "installation") return deps.probot.auth(source.installation.installationId);
      legacyOctokit ??= new (withGitHubLimits(deps.Octokit))({
        auth: { token: legacyToken() },
        baseUrl: deps.apiUrl,
        log: deps.log.child({ name: "github-legacy" }),
      });
      return legacyOctokit;
    },

    async installation(organizationId) {
      const source = await resolve(organizationId, { legacy: false });
      if (source.kind !== "installation") throw new GitHubNotConnectedError(organizationId);
      const { installation } = source;
      const ref = {
        organizationId,
        installationId: installation.installationId,
        accountLogin: installation.accountLogin,
      };
      return {
        installation,
        async octokit() {
          // Fills auth-app's cache, which probot.auth's Octokit reads: one mint, its refusal typed.
          await sharedMint(scopeKey(ref.installationId, {}), () => mint(ref, {}));
          return deps.probot.auth(ref.installationId);
        },
      };
    },

    async issueToken(organizationId, rawScope) {
      // Parsed again here: callers in this process reach this without the HTTP layer.
      const scope = parseTokenScope(rawScope);
      const source = await resolve(organizationId);
      if (source.kind === "legacy") {
        if (isScoped(scope)) throw new LegacyTokenNotScopableError(organizationId);
        return {
          source: "legacy",
          token: legacyToken(),
          expiresAt: null,
          installationId: null,
          accountLogin: null,
          permissions: null,
          repositorySelection: null,
        };
      }
      const { installation } = source;
      await checkScope(organizationId, installation, scope);
      const ref = {
        organizationId,
        installationId: installation.installationId,
        accountLogin: installation.accountLogin,
      };
      const token = await sharedMint(scopeKey(ref.installationId, scope), () => mint(ref, scope));
      return {
        source: "installation",
        token: token.token,
        expiresAt: token.expiresAt,
        installationId: ref.installationId,
        accountLogin: ref.accountLogin,
        permissions: token.permissions,
        repositorySelection: token.repositorySelection,
        ...(scope.repositoryIds ? { repositoryIds: scope.repositoryIds } : {}),
      };
    },
  };
}
