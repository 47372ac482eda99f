import type { ManifestWebhook } from "../../registration/manifest-webhook.js";
import { WEBHOOK_PATHS } from "../../webhooks/intake.js";

/** What the registration page says about the App's webhook URL: what happens and why, or what is wrong and what to do. */
export interface RegistrationWebhookView {
  /** One or two sentences, or null when GitHub reaches BASE_URL itself. */
  note: string | null;
  /** Set when GitHub would refuse the webhook URL: the Register button is then not offered. */
  problem: string | null;
}

const hostOf = (url: string) => new URL(url).host;

export function registrationWebhookView(webhook: ManifestWebhook, baseUrl: string): RegistrationWebhookView {
  const forwarded = `this server forwards them to ${WEBHOOK_PATHS.app} while it runs`;
  switch (webhook.kind) {
    case "direct":
      return { note: null, problem: null };
    case "proxy":
      return webhook.created
        ? {
            note:
              `GitHub only delivers webhooks to an address on the public Internet, and ${baseUrl} is not one. ` +
              `So they go to a new channel on ${hostOf(webhook.url)} (${webhook.url}) and ${forwarded}; the channel is saved to .env as WEBHOOK_PROXY_URL with the App's credentials.`,
            problem: null,
          }
        : { note: `Webhooks go to WEBHOOK_PROXY_URL (${webhook.url}), and ${forwarded}.`, problem: null };
    case "unreachable":
      return {
        note: null,
        problem:
          `GitHub only delivers webhooks to an address on the public Internet, and ${baseUrl} is not one; ` +
          `the usual way round, a smee.io channel that this server forwards from, could not be created: ${webhook.problem}. ` +
          `Set WEBHOOK_PROXY_URL to a channel from https://smee.io/new (or BASE_URL to a public URL, such as a tunnel's) and restart npm start, or try again once online.`,
      };
  }
}
