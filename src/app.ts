import type { EmitterWebhookEvent } from "@octokit/webhooks";
import type { Logger } from "pino";
import type { ApplicationFunction } from "probot";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "./db/database-errors.js";
import { createGitHubAppClient } from "./github/app-client.js";
import { isObject } from "./github/payload.js";
import { registerEventHandlers } from "./handlers/index.js";
import type { HandlerDeps, HandlerOutcome, RegisterHandler } from "./handlers/types.js";
import { bodyDigest, processDeliveryOnce } from "./webhooks/delivery-log.js";

export interface AppDeps extends HandlerDeps {
  /** Which webhook this Probot instance serves, recorded with each delivery. */
  source?: "app" | "marketplace";
}

function installationIdOf(payload: unknown): number | null {
  if (!isObject(payload) || !isObject(payload.installation)) return null;
  return typeof payload.installation.id === "number" ? payload.installation.id : null;
}

function actionOf(payload: unknown): string | null {
  return isObject(payload) && typeof payload.action === "string" ? payload.action : null;
}

/** Records the delivery once (X-GitHub-Delivery), applies it, and turns an unreachable database into a 503. */
async function applyOnce(
  deps: AppDeps,
  event: Pick<EmitterWebhookEvent, "id" | "name" | "payload">,
  baseLog: Logger,
  apply: (log: Logger) => Promise<HandlerOutcome>,
) {
  const action = actionOf(event.payload);
  const installationId = installationIdOf(event.payload);
  const log = baseLog.child({ event: event.name, action, installationId });
  try {
    const info = {
      deliveryId: event.id,
      event: event.name,
      action,
      installationId,
      source: deps.source ?? "app",
      bodyDigest: bodyDigest(event.payload),
    } as const;
    const outcome = await processDeliveryOnce(deps.models, deps.now, info, log, () => apply(log));
    log.info({ outcome }, "webhook handled");
  } catch (error) {
    // 503 rather than a bare 500: GitHub marks the delivery failed, to be redelivered.
    if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError(error);
    throw error;
  }
}

/** The Probot application: each handled event and action to its handler, every delivery recorded once. */
export function createApp(deps: AppDeps): ApplicationFunction {
  return (app) => {
    const handled = new Set<string>();
    // The App's own calls (App JWT) go through the Probot instance serving the webhook, GHES included.
    const handlerDeps: HandlerDeps = {
      ...deps,
      getInstallation: deps.getInstallation ?? createGitHubAppClient({ probot: app }).getInstallation,
    };
    const on: RegisterHandler = (names, handler) => {
      for (const name of Array.isArray(names) ? names : [names]) handled.add(name);
      app.on(names, (context) =>
        applyOnce(deps, context, context.log, (log) =>
          handler({ id: context.id, name: context.name, payload: context.payload, log }, handlerDeps),
        ),
      );
    };
    registerEventHandlers(on);
    // Everything no handler claims is still recorded, so a redelivery of it is recognised.
    app.onAny(async (event) => {
      const action = actionOf(event.payload);
      if (handled.has(event.name) || (action !== null && handled.has(`${event.name}.${action}`))) return;
      await applyOnce(deps, event, app.log.child({ id: event.id }), async () => "ignored");
    });
  };
}
