import type { Probot } from "probot";
import { createApp, type AppDeps } from "../app.js";
import type { DeliveryReceiver, LoadReceiver, WebhookSource } from "./intake.js";

/** Loads the app's handlers into each endpoint's Probot, recording which endpoint a delivery came to. */
export async function loadWebhookApps(
  probots: Readonly<Record<WebhookSource, Probot>>,
  appDeps: Omit<AppDeps, "source">,
  loadReceiver: LoadReceiver,
): Promise<Record<WebhookSource, DeliveryReceiver>> {
  return {
    app: await loadReceiver(probots.app, createApp({ ...appDeps, source: "app" })),
    marketplace: await loadReceiver(probots.marketplace, createApp({ ...appDeps, source: "marketplace" })),
  };
}
