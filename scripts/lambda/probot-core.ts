/**
 * Stands in for `probot` in the Lambda bundles only (scripts/lambda/shims-plugin.ts): the
 * two classes src/ imports from it, from the files that define them. Probot's index also loads
 * its Server (Express, body parsers, smee-client with undici), `probot run` (commander, dotenv)
 * and createNodeMiddleware, none of which a function calls; the classes are the same objects.
 */
export { Probot } from "probot/lib/probot.js";
export { ProbotOctokit } from "probot/lib/octokit/probot-octokit.js";
