import { Probot, ProbotOctokit } from "probot";
import type { Logger } from "pino";
import type { GitHubConfig } from "../config/env.js";

export interface ProbotFactoryOptions {
  github: GitHubConfig;
  secret: string;
  log: Logger;
  /** Tests pass an Octokit with retries off so a recorded 5xx answers at once. */
  Octokit?: typeof ProbotOctokit;
}

/** A Probot instance from validated config; the webhook and Marketplace endpoints each get one (own secret). */
export function createProbotInstance(options: ProbotFactoryOptions): Probot {
  const { github } = options;
  if (!github.appId || !github.privateKey) throw new Error("createProbotInstance needs APP_ID and PRIVATE_KEY");
  return new Probot({
    appId: github.appId,
    privateKey: github.privateKey,
    secret: options.secret,
    baseUrl: github.apiUrl,
    log: options.log,
    ...(options.Octokit ? { Octokit: options.Octokit } : {}),
  });
}
