import { createWebhookAssembly, type WebhookAssembly } from "../webhook-assembly.js";
import { adapterReceiver } from "./adapter-receiver.js";
import { type Env, lambdaAssemblyOptions } from "./lambda-config.js";

/**
 * The webhooks function's parts: the Lambda checks (lambda-config.ts), nothing from the pages
 * (src/assembly.ts is not imported), and the Probot Lambda adapter dispatching what the intake
 * lets through. Its own module, so the web and reconcile bundles do not carry the adapter.
 */
export function createLambdaWebhookAssembly(env: Env, now?: () => Date): WebhookAssembly {
  return createWebhookAssembly({ ...lambdaAssemblyOptions(env, now), loadReceiver: adapterReceiver });
}
