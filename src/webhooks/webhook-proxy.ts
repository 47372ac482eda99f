import { SmeeClient } from "smee-client";
import type { Logger } from "pino";

export interface WebhookProxy {
  close(): Promise<void>;
}

export interface WebhookProxyOptions {
  /** WEBHOOK_PROXY_URL: the smee channel GitHub posts to. */
  source: string;
  /** This server's webhook endpoint. */
  target: string;
  log: Logger;
}

const messageOf = (value: unknown) =>
  value instanceof Error || (typeof value === "object" && value !== null && "message" in value)
    ? String((value as { message: unknown }).message)
    : String(value);

/**
 * Probot's local-development webhook path: smee-client reads the channel's event stream and
 * POSTs each event, with GitHub's headers and signature, to the webhook endpoint, where it is
 * verified like any delivery. While the channel cannot be reached (offline) the stream retries
 * every few seconds; that is said once, not on every retry.
 */
export function startWebhookProxy(options: WebhookProxyOptions): WebhookProxy {
  const log = options.log.child({ name: "webhook-proxy" });
  let failing = false;
  const client = new SmeeClient({
    source: options.source,
    target: options.target,
    // The query of a delivery is smee's to pass on; GitHub sends none.
    queryForwarding: false,
    logger: {
      info: (message: unknown) => {
        const text = String(message);
        const posted = /^POST \S+ - (\d+)$/.exec(text);
        if (posted) {
          const status = Number(posted[1]);
          return status < 400
            ? log.info(`delivery forwarded to ${options.target}: ${status}`)
            : log.warn(`delivery forwarded to ${options.target} was refused: ${status}`);
        }
        if (!text.startsWith("Connected to")) return log.debug(text);
        log.info(
          `${failing ? "reconnected" : "connected"} to ${options.source}: forwarding webhooks to ${options.target}`,
        );
        failing = false;
      },
      error: (message: unknown, detail?: unknown) => {
        if (message === "Connection closed") {
          return log.warn(
            `${options.source} closed the stream: no more webhooks until npm start is restarted (check WEBHOOK_PROXY_URL)`,
          );
        }
        // smee-client says "Error in connection" with the stream's error event: its message is the reason.
        const reason = messageOf(detail ?? message).replace(/^TypeError: /, "");
        if (failing) return log.debug(reason);
        failing = true;
        log.warn(
          `cannot reach ${options.source} (${reason}); retrying. Webhooks GitHub sends meanwhile are not forwarded: redeliver them from the App's settings on GitHub (Advanced)`,
        );
      },
    },
  });
  // start() rejects if the first attempt fails; the logger has said so and the stream retries.
  client.start().catch(() => undefined);
  return { close: () => client.stop() };
}
