import type { WebhookProxyConfig } from "../config/env.js";
import { isPublicHost } from "../config/network.js";
import { createSmeeChannel } from "./smee-channel.js";

/** Where the registered App's webhooks will go, and why. */
export type ManifestWebhook =
  /** BASE_URL is public: GitHub posts to this server itself. */
  | { kind: "direct"; url: string }
  /** A smee channel GitHub posts to, forwarded here: WEBHOOK_PROXY_URL, or one just created. */
  | { kind: "proxy"; url: string; created: boolean }
  /** BASE_URL is not public and no channel could be created: GitHub would refuse `url`. */
  | { kind: "unreachable"; url: string; problem: string };

export type ManifestWebhookResolver = (directUrl: string) => Promise<ManifestWebhook>;

/**
 * GitHub refuses an App whose webhook URL is not on the public Internet. As Probot's setup does,
 * a server on localhost or a private address gets a smee channel instead: created once per
 * process (a failure, such as being offline, is tried again on the next call).
 */
export function manifestWebhookResolver(webhookProxy: WebhookProxyConfig): ManifestWebhookResolver {
  let channel: Promise<string> | undefined;
  return async (directUrl) => {
    if (webhookProxy.url) return { kind: "proxy", url: webhookProxy.url, created: false };
    if (isPublicHost(new URL(directUrl).hostname)) return { kind: "direct", url: directUrl };
    channel ??= createSmeeChannel(webhookProxy.smeeUrl).catch((error: unknown) => {
      channel = undefined;
      throw error;
    });
    try {
      return { kind: "proxy", url: await channel, created: true };
    } catch (error) {
      return { kind: "unreachable", url: directUrl, problem: (error as Error).message };
    }
  };
}
