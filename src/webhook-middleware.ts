import type { IncomingMessage, ServerResponse } from "node:http";
import { createNodeMiddleware } from "@octokit/webhooks";
import type { ApplicationFunction, Probot } from "probot";
import type { Logger } from "pino";
import { firstError } from "./error-details.js";

type NextFunction = (error?: unknown) => void;
export type WebhookMiddleware = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => Promise<unknown>;

const SIGNATURE_MISMATCH = "Error: [@octokit/webhooks] signature does not match event payload and secret";

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Probot's webhook middleware with two changes. Its log goes through pino (the default is the
 * console). And the signature is checked before Probot sees the delivery: Probot's own error
 * handler logs every forged request at error level with its payload, which would page an
 * operator for what is only a refusal.
 */
export function createWebhookMiddleware(probot: Probot, appFn: ApplicationFunction, path: string, log: Logger): WebhookMiddleware {
  void probot.load(appFn);
  const webhookLog = log.child({ name: "webhooks", path });
  const octokitMiddleware = createNodeMiddleware(probot.webhooks, {
    path,
    log: {
      debug: (message: string) => webhookLog.debug(message),
      info: (message: string) => webhookLog.info(message),
      warn: (message: string) => webhookLog.warn(message),
      error: (error: unknown) => {
        const { status = 500, message: reason } = firstError(error);
        if (status < 500) webhookLog.warn({ status, reason }, "webhook refused");
        else webhookLog.error({ status, err: error }, "webhook failed");
      },
    },
  });

  return async (req, res, next) => {
    const signature = req.headers["x-hub-signature-256"];
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    const json = (req.headers["content-type"] ?? "").startsWith("application/json");
    // Everything but a signed JSON POST to our path is Probot's to answer (404, 415, missing headers).
    if (pathname !== path || req.method !== "POST" || !json || typeof signature !== "string" || !req.headers["x-github-event"] || !req.headers["x-github-delivery"]) {
      return octokitMiddleware(req, res, next);
    }
    const body = await readBody(req);
    if (!(await probot.webhooks.verify(body, signature).catch(() => false))) {
      webhookLog.warn({ status: 400, deliveryId: req.headers["x-github-delivery"], event: req.headers["x-github-event"] }, "webhook refused: signature does not match");
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: SIGNATURE_MISMATCH }));
      return true;
    }
    // Probot reads an already-read body from req.body; the signature is checked again there.
    (req as IncomingMessage & { body?: string }).body = body;
    return octokitMiddleware(req, res, next);
  };
}
