import type { Probot } from "probot";
import { createApp, type AppDeps } from "../app.js";
import type { WebhookSource } from "./intake.js";

type Probots = Readonly<Record<WebhookSource, Probot>>;

/** Loads the app's handlers into each endpoint's Probot, recording which endpoint a delivery came to. */
export async function loadWebhookApps(probots: Probots, appDeps: Omit<AppDeps, "source">): Promise<Probots> {
  for (const source of ["app", "marketplace"] as const) await probots[source].load(createApp({ ...appDeps, source }));
  return probots;
}
