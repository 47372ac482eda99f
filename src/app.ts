import type { ApplicationFunction, Context } from "probot";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "./db/database-errors.js";
import { eventHandlers } from "./handlers/index.js";
import { isObject } from "./handlers/payload.js";
import type { HandlerDeps } from "./handlers/types.js";
import { processDeliveryOnce } from "./services/delivery-log.js";

export interface AppDeps extends HandlerDeps {
  /** Which webhook this Probot instance serves, recorded with each delivery. */
  source?: "app" | "marketplace";
}

function installationIdOf(payload: unknown): number | null {
  if (!isObject(payload) || !isObject(payload.installation)) return null;
  return typeof payload.installation.id === "number" ? payload.installation.id : null;
}

/** The Probot application: records each delivery once and hands it to the handler for its event. */
export function createApp(deps: AppDeps): ApplicationFunction {
  return (app) => {
    app.onAny(async (event) => {
      // Probot hands a Context to onAny at run time; its declared type is the bare event.
      const context = event as unknown as Context;
      const payload: unknown = context.payload;
      const action = isObject(payload) && typeof payload.action === "string" ? payload.action : null;
      const installationId = installationIdOf(payload);
      const log = context.log.child({ event: context.name, action, installationId });
      const handler = eventHandlers.get(context.name);
      try {
        const outcome = await processDeliveryOnce(
          deps.models,
          deps.now,
          { deliveryId: context.id, event: context.name, action, installationId, source: deps.source ?? "app" },
          log,
          async () => (handler ? handler({ id: context.id, name: context.name, payload, log }, deps) : "ignored"),
        );
        log.info({ outcome }, "webhook handled");
      } catch (error) {
        // 503 rather than a bare 500: GitHub marks the delivery failed, to be redelivered.
        if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError(error);
        throw error;
      }
    });
  };
}
