import type { WorkOS } from "@workos-inc/node";
import type { Express, Request, Router } from "express";
import { createNodeApp } from "./create-node-app.js";
import { projectPaths } from "./project-paths.js";
import { createCredentials, type Credentials } from "./credentials/credentials.js";
import type { ReconcileStep } from "./reconcile/context.js";
import { marketplacePlanStep } from "./reconcile/marketplace-step.js";
import { runReconcile, type ReconcileResult, type ReconcileRunOptions } from "./reconcile/run-reconcile.js";
import { createEntitlements, type Entitlements, type RepoEntitlements } from "./marketplace/entitlements.js";
import { AppOctokit } from "./github/probot-factory.js";
import { createRepos, type Repos } from "./repos/repos.js";
import { createWebApp } from "./web/create-web-app.js";
import type { GitHubConnectDeps } from "./web/github-connect-deps.js";
import { createGitHubAppClient } from "./github/app-client.js";
import { createReconcileGitHub } from "./github/reconcile-api.js";
import { createGitHubUrls } from "./github/urls.js";
import { createGitHubUserAuth } from "./github/user-auth.js";
import { createStateTokens } from "./connect/state-token.js";
import { appRegistrationRoutes } from "./web/registration/registration-routes.js";
import { buildWebRouters } from "./web/web-routers.js";
import { internalApiRoutes } from "./web/internal-api/internal-api-routes.js";
import { createAppProfileSource } from "./github/app-profile.js";
import { createWorkOSOrganizationNames, noOrganizationNames } from "./web/session/organization-names.js";
import { createSignInStrategy, type SignInStrategy } from "./web/session/sign-in.js";
import { onceUntilFailure } from "./lib/once-until-failure.js";
import { type DispatchSummary, runDispatchWindow } from "./events/dispatch-window.js";
import {
  createWebhookAssembly,
  requireProbotsOf,
  type OpenDatabase,
  type WebhookAssembly,
  type WebhookAssemblyOptions,
} from "./webhook-assembly.js";

/** The webhook half's options (config, log, database, clock, Octokit), and what only the pages and jobs use. */
export interface AssemblyOptions extends WebhookAssemblyOptions {
  /** Replaces the WorkOS client built from config (tests point one at nock). */
  workos?: WorkOS;
  /**
   * Steps every reconcile run takes after its own phases (redeliveries, installations, repository
   * access) and before its summary: where "3. Checks Marketplace plans" plugs in.
   */
  reconcileSteps?: readonly ReconcileStep[];
  /** Replaces the entitlements repo creation asks (tests refuse with one). */
  entitlements?: (open: OpenDatabase) => RepoEntitlements;
}

export interface WebAppOptions {
  /** Routers mounted after the app's own (test probes). */
  extraRouters?: Router[];
  viewsDir?: string;
  publicDir?: string;
  /** An id the platform vouches for (API Gateway's on Lambda); it wins over the client's x-request-id. */
  platformRequestId?: (req: Request) => string | undefined;
  /** Setup mode: the manifest registered and the .env written. */
  manifestPath?: string;
  dotenvPath?: string;
}

/** Everything a process serves, built from one validated config: the Node server, each Lambda function, tests and benchmarks. */
export interface Assembly extends WebhookAssembly {
  readonly signIn: SignInStrategy;
  /** GitHub credentials for an organization (installation tokens from the App's cache, or the legacy token); not in setup mode. */
  credentials(): Promise<Credentials>;
  /** An organization's Marketplace plan, limits and usage at an instant, and whether it may create a repo. */
  entitlements(): Promise<Entitlements>;
  /** The repos the app creates in an organization's connected account (with its installation's token); not in setup mode. */
  repos(): Promise<Repos>;
  /** The pages and flows (or, in setup mode, the App registration flow). */
  webApp(options?: WebAppOptions): Promise<Express>;
  /** The Node server's whole surface: the webhook intake in front of the web app. */
  nodeApp(options?: WebAppOptions): Promise<Express>;
  /** One reconcile run (`npm run reconcile`, the Lambda function, RECONCILE_INTERVAL): redeliveries, drift, extra steps, summary. */
  reconcile(options?: ReconcileRunOptions): Promise<ReconcileResult>;
  /**
   * One scheduled dispatch of the event log (the Lambda `dispatch` function): rounds of scan and
   * send for up to a window (src/events/dispatch-window.ts); null without EVENT_ENDPOINTS.
   */
  dispatchEvents(options?: DispatchEventsOptions): Promise<DispatchSummary | null>;
}

export interface DispatchEventsOptions {
  /** How long after the start a round may still begin (default DISPATCH_WINDOW_MS). */
  windowMs?: number;
  /** Waits between rounds (tests record the calls). */
  sleep?: (ms: number) => Promise<void>;
}

/** The composition root: the one place that builds the parts. */
export function createAssembly(options: AssemblyOptions): Assembly {
  // The webhook half (probots, database, intake, Marketplace sync) is built by its own module, which the
  // webhooks Lambda function uses alone so that its bundle carries no page code; the rest builds on it.
  const webhookSide = createWebhookAssembly(options);
  const { config, log, now, probots, database, webhookIntake, marketplaceSync, refreshMarketplace } = webhookSide;
  const signIn = createSignInStrategy(config, options.workos);
  const requireProbots = () => requireProbotsOf(probots);

  const entitlements = onceUntilFailure(async () =>
    createEntitlements({ models: (await database()).models, config, log: log.child({ name: "entitlements" }) }),
  );

  const credentials = onceUntilFailure(async () =>
    createCredentials({
      models: (await database()).models,
      probot: requireProbots().app,
      legacyGitHub: config.services.legacyGitHub,
      Octokit: options.Octokit ?? AppOctokit,
      apiUrl: config.github.apiUrl,
      log: log.child({ name: "credentials" }),
    }),
  );

  const repos = onceUntilFailure(async () =>
    createRepos({
      models: (await database()).models,
      credentials: await credentials(),
      entitlements: options.entitlements ? options.entitlements(await database()) : await entitlements(),
      defaultNames: config.repos.defaultNames,
      now,
      log: log.child({ name: "repos" }),
    }),
  );

  // Per process (per Lambda container): the names pages show, cached across requests.
  const appProfile = createAppProfileSource({
    probot: probots?.app ?? null,
    github: config.github,
    now,
    log: log.child({ name: "app-profile" }),
  });
  const organizationNames =
    signIn.mode === "workos"
      ? createWorkOSOrganizationNames({ workos: signIn.workos, now, log: log.child({ name: "organizations" }) })
      : noOrganizationNames;

  const webApp = async (web: WebAppOptions = {}): Promise<Express> => {
    const { connection, models } = await database();
    const common = {
      config,
      log,
      connection,
      viewsDir: web.viewsDir,
      publicDir: web.publicDir,
      platformRequestId: web.platformRequestId,
    };
    if (!probots) {
      const registration = appRegistrationRoutes({
        config,
        manifestPath: web.manifestPath ?? projectPaths.appManifest,
        dotenvPath: web.dotenvPath ?? projectPaths.dotenv,
      });
      return createWebApp({ ...common, routers: [registration, ...(web.extraRouters ?? [])] });
    }
    const urls = createGitHubUrls({ github: config.github, baseUrl: config.baseUrl });
    const github: GitHubConnectDeps = {
      config,
      models,
      now,
      urls,
      appClient: createGitHubAppClient({ probot: probots.app }),
      hookDeliveries: createReconcileGitHub(probots.app),
      // Tests pass an Octokit with retries off.
      userAuth: createGitHubUserAuth({
        github: config.github,
        redirectUri: urls.callbackUrl,
        Octokit: options.Octokit,
      }),
      states: createStateTokens({ secret: config.github.stateSecret, now, models }),
      entitlements: await entitlements(),
      refreshMarketplace: await refreshMarketplace(),
    };
    // Before the pages' routers: service calls never meet the session or its cookies.
    const api = internalApiRoutes({
      tokens: config.services.internalApiTokens,
      credentials: await credentials(),
      models,
      now,
    });
    const pages = buildWebRouters({
      config,
      models,
      now,
      signIn,
      github,
      repos: await repos(),
      identity: { appProfile, organizationNames },
    });
    return createWebApp({ ...common, routers: [api, ...pages, ...(web.extraRouters ?? [])] });
  };

  return {
    ...webhookSide,
    signIn,
    credentials,
    entitlements,
    repos,
    webApp,
    async nodeApp(web) {
      const pages = await webApp(web);
      return probots
        ? createNodeApp({
            webhookIntake: webhookIntake(),
            webhookBodyMemoryBytes: config.webhookBodyMemoryBytes,
            webApp: pages,
          })
        : pages;
    },
    async reconcile(run = {}) {
      const { app } = requireProbots();
      const { models } = await database();
      // Plans are checked wherever there is a Marketplace (not on GitHub Enterprise Server); the step
      // itself skips an App with no listing.
      const onMarketplace = !config.github.enterpriseHost;
      const hasListing = async () =>
        config.marketplace.listingUrl !== null ||
        config.marketplace.stubbed ||
        (await models.MarketplaceAccount.exists({})) !== null;
      const extraSteps = [
        ...(onMarketplace ? [marketplacePlanStep(marketplaceSync, hasListing)] : []),
        ...(options.reconcileSteps ?? []),
      ];
      return runReconcile({ ...run, models, probot: app, now, log: run.log ?? log, extraSteps });
    },
    async dispatchEvents(run = {}) {
      const dispatcher = await webhookSide.eventDispatcher();
      if (!dispatcher) return null;
      return runDispatchWindow({ dispatcher, now, windowMs: run.windowMs, sleep: run.sleep });
    },
  };
}
