export { type ConnectEvents, GitHubConnect, type ConnectOctokit, type GitHubConnectOptions } from "./client.js";
export * from "./errors.js";
export {
  REMEMBERED_IDS,
  TIMESTAMP_TOLERANCE_SECONDS,
  type WebhookErrorCode,
  type WebhookHeaders,
  type WebhookVerifier,
  WebhookVerificationError,
} from "./events.js";
export type * from "./types.js";
