/**
 * Stands in for probot/lib/server/server.js when probot/lib/probot.js imports it (Lambda bundles
 * only): the Probot class reads nothing from it but this default path, while the module loads
 * Express and smee-client. The value is Probot 13's; test/unit/webhooks-bundle.test.ts checks it still is.
 */
export const defaultWebhooksPath = "/api/github/webhooks";
