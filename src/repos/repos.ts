import type { Logger } from "pino";
import { repoNameProblem } from "../github/repo-name.js";
import type { Models } from "../models/index.js";
import type { RepoDoc } from "../models/repo.js";
import type { Credentials, InstallationClient } from "../credentials/credentials.js";
import type { RepoEntitlements } from "../marketplace/entitlements.js";
import { createOrgRepo, findRepo, type GitHubRepo } from "../github/repos-api.js";
import type { ManageTarget } from "../github/urls.js";
import {
  InvalidRepoNameError,
  PersonalAccountError,
  RepoCreationForbiddenError,
  RepoNotAllowedError,
  RepoNotSelectedError,
  RepoRefusedError,
} from "./repo-errors.js";
import { findStoredRepo, recordRecreatedRepo, recordRepo, type RepoVia } from "./repo-records.js";
import { reserveRepo } from "./repo-reservation.js";

/** What became of one name: a new repository, an existing one the installation reaches, or a project already stored. */
export interface RepoOutcome {
  kind: RepoVia | "existing";
  repo: RepoDoc;
}

export interface DefaultReposResult {
  outcomes: RepoOutcome[];
  /** Names refused one by one; the others were still tried. */
  refused: RepoRefusedError[];
  /** A refusal that holds for every name (the plan's limit, no right to create): the names after it were not tried. */
  stoppedBy: RepoRefusedError | null;
  notAttempted: string[];
}

export interface RepoRequestContext {
  /** "user:<id>" of the admin, for the audit log. */
  actor: string;
  /** The email of the person who acted, for the activity page. */
  actorName?: string;
  /** The request's logger (request id bound); the service's own otherwise. */
  log?: Logger;
}

export interface Repos {
  /** DEFAULT_REPOS, as configured (empty: no defaults). */
  readonly defaultNames: readonly string[];
  /** Creates `name` in the organization's connected account, or adopts it there; throws a RepoRefusedError or a connection error (credential-errors.ts). */
  create(organizationId: string, name: string, context: RepoRequestContext): Promise<RepoOutcome>;
  /**
   * A project whose repository was deleted on GitHub, created again under its last name: a new
   * repository with a new id on the same project (its slug). A project that is not deleted is
   * "existing"; an unknown slug is null.
   */
  recreate(organizationId: string, slug: string, context: RepoRequestContext): Promise<RepoOutcome | null>;
  /** Every default repository the organization does not have yet; running it again creates nothing. */
  provisionDefaults(organizationId: string, context: RepoRequestContext): Promise<DefaultReposResult>;
}

export interface ReposDeps {
  models: Models;
  credentials: Pick<Credentials, "installation">;
  entitlements: RepoEntitlements;
  defaultNames: readonly string[];
  now: () => Date;
  log: Logger;
}

function targetOf({ installation }: InstallationClient): ManageTarget {
  return {
    installationId: installation.installationId,
    accountLogin: installation.accountLogin,
    accountType: installation.accountType,
  };
}

function checkName(raw: string): string {
  const name = raw.trim();
  const problem = repoNameProblem(name);
  if (problem) throw new InvalidRepoNameError(name.slice(0, 100), problem);
  return name;
}

export function createRepos(deps: ReposDeps): Repos {
  const { models, now } = deps;

  /** Asks GitHub for the repository, through the installation: created, adopted, or why not. */
  async function fromGitHub(client: InstallationClient, name: string): Promise<{ via: RepoVia; repo: GitHubRepo }> {
    const target = targetOf(client);
    const owner = target.accountLogin;
    const octokit = await client.octokit();
    if (target.accountType !== "Organization") {
      // An installation token cannot create a user's repository (POST /user/repos takes a user
      // token). One the owner made and added to the installation is adopted instead.
      const existing = await findRepo(octokit, owner, name);
      if (existing) return { via: "adopted", repo: existing };
      throw new PersonalAccountError(name, target);
    }
    const created = await createOrgRepo(octokit, owner, name);
    if (created.kind === "created") return { via: "created", repo: created.repo };
    if (created.kind === "forbidden") throw new RepoCreationForbiddenError(name, target);
    // The name is taken in the account: adopt it if the installation reaches it (404 otherwise).
    const existing = await findRepo(octokit, owner, name);
    if (existing) return { via: "adopted", repo: existing };
    throw new RepoNotSelectedError(name, target);
  }

  async function createOne(
    client: InstallationClient,
    organizationId: string,
    name: string,
    context: RepoRequestContext,
  ): Promise<RepoOutcome> {
    const log = (context.log ?? deps.log).child({ organizationId, installationId: client.installation.installationId });
    const stored = await findStoredRepo(models, organizationId, name);
    if (stored?.deletedOnGitHubAt) return recreateOne(client, stored, context);
    if (stored && typeof stored.githubRepoId === "number") return { kind: "existing", repo: stored };
    const reservation = await reserveRepo(deps, organizationId, name);
    try {
      const { via, repo } = await fromGitHub(client, name);
      const saved = await recordRepo(models, now(), {
        organizationId,
        repo,
        actor: context.actor,
        actorName: context.actorName,
        via,
      });
      log.info({ githubRepoId: repo.id, fullName: repo.fullName, via }, `repository ${via}`);
      return { kind: via, repo: saved };
    } catch (error) {
      await reservation
        .release()
        .catch((releaseError: unknown) =>
          log.warn({ err: releaseError, repo: name }, "the reserved repo place was not given back"),
        );
      if (error instanceof RepoRefusedError)
        log.info({ reason: error.name, repo: name, detail: error.message }, "repository not created");
      throw error;
    }
  }

  /** The project is counted already (its document stays through the deletion): no reservation. */
  async function recreateOne(client: InstallationClient, stored: RepoDoc, context: RepoRequestContext) {
    const { organizationId, slug } = stored;
    const log = (context.log ?? deps.log).child({ organizationId, installationId: client.installation.installationId });
    const { via, repo } = await fromGitHub(client, stored.name);
    const saved = await recordRecreatedRepo(models, now(), {
      organizationId,
      slug,
      repo,
      actor: context.actor,
      actorName: context.actorName,
      via,
    });
    log.info(
      { githubRepoId: repo.id, fullName: repo.fullName, via, previousId: stored.githubRepoId },
      `repository ${via} again`,
    );
    if (!saved)
      return {
        kind: "existing" as const,
        repo: (await models.Repo.findOne({ organizationId, slug }).lean<RepoDoc>())!,
      };
    return { kind: via, repo: saved };
  }

  return {
    defaultNames: deps.defaultNames,

    async recreate(organizationId, slug, context) {
      const stored = await models.Repo.findOne({ organizationId, slug }).lean<RepoDoc>();
      if (!stored) return null;
      if (!stored.deletedOnGitHubAt) return { kind: "existing", repo: stored };
      const client = await deps.credentials.installation(organizationId);
      return recreateOne(client, stored, context);
    },

    async create(organizationId, rawName, context) {
      const name = checkName(rawName);
      const client = await deps.credentials.installation(organizationId);
      return createOne(client, organizationId, name, context);
    },

    async provisionDefaults(organizationId, context) {
      const result: DefaultReposResult = { outcomes: [], refused: [], stoppedBy: null, notAttempted: [] };
      if (deps.defaultNames.length === 0) return result;
      const client = await deps.credentials.installation(organizationId);
      for (const [index, name] of deps.defaultNames.entries()) {
        try {
          result.outcomes.push(await createOne(client, organizationId, name, context));
        } catch (error) {
          if (!(error instanceof RepoRefusedError)) throw error;
          if (error instanceof RepoNotAllowedError || error instanceof RepoCreationForbiddenError) {
            result.stoppedBy = error;
            result.notAttempted = deps.defaultNames.slice(index + 1);
            break;
          }
          result.refused.push(error);
        }
      }
      return result;
    },
  };
}
