import { createNodeMiddleware } from "@octokit/webhooks";
import type { ApplicationFunction, Probot } from "probot";
import type { Logger } from "pino";

type NodeMiddleware = ReturnType<typeof createNodeMiddleware>;

function statusOf(error: unknown): number {
  const first = error && typeof error === "object" && Symbol.iterator in error ? [...(error as Iterable<unknown>)][0] : error;
  const status = (first as { status?: unknown } | undefined)?.status;
  return typeof status === "number" ? status : 500;
}

/**
 * Probot's createNodeMiddleware, but logging through pino: its default logger is the console,
 * which would print unstructured stacks for every forged signature.
 */
export function createWebhookMiddleware(probot: Probot, appFn: ApplicationFunction, path: string, log: Logger): NodeMiddleware {
  void probot.load(appFn);
  const webhookLog = log.child({ name: "webhooks", path });
  return createNodeMiddleware(probot.webhooks, {
    path,
    log: {
      debug: (message: string) => webhookLog.debug(message),
      info: (message: string) => webhookLog.info(message),
      warn: (message: string) => webhookLog.warn(message),
      error: (error: unknown) => {
        const status = statusOf(error);
        const reason = error instanceof Error ? error.message || String([...(error as unknown as Iterable<Error>)][0]?.message) : String(error);
        if (status < 500) webhookLog.warn({ status, reason }, "webhook refused");
        else webhookLog.error({ status, err: error }, "webhook failed");
      },
    },
  });
}
