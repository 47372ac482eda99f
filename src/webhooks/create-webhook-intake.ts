import type { Logger } from "pino";
import type { Probot } from "probot";
import { createApp, type AppDeps } from "../app.js";
import { WebhookIntake, type WebhookSource } from "./intake.js";

type Probots = Readonly<Record<WebhookSource, Probot>>;

/** Loads the app's handlers into each endpoint's Probot, recording which endpoint a delivery came to. */
export async function loadWebhookApps(probots: Probots, appDeps: Omit<AppDeps, "source">): Promise<Probots> {
  for (const source of ["app", "marketplace"] as const) await probots[source].load(createApp({ ...appDeps, source }));
  return probots;
}

export interface WebhookIntakeParts {
  /** One Probot per endpoint (the App's webhook, the Marketplace listing's). */
  probots: Probots;
  secrets: Readonly<Record<WebhookSource, string>>;
  appDeps: Omit<AppDeps, "source">;
  log: Logger;
}

/** The intake for a process whose database is already open (the Node server, tests). */
export async function createWebhookIntake(parts: WebhookIntakeParts): Promise<WebhookIntake> {
  const loaded = await loadWebhookApps(parts.probots, parts.appDeps);
  return new WebhookIntake({ secrets: parts.secrets, probots: async () => loaded, log: parts.log.child({ name: "webhooks" }) });
}
