import type { APIGatewayProxyResult, Context as LambdaContext } from "aws-lambda";
import type { WebhookAssembly } from "../webhook-assembly.js";
import { webhookSourceFor, type WebhookAnswer } from "../webhooks/intake.js";
import { logConfigError, type Env } from "./lambda-config.js";
// webhooks-container.ts, not container.ts: this function must not reach src/assembly.ts and the pages.
import { createLambdaWebhookAssembly } from "./webhooks-container.js";
import { jsonResult, readHttpEvent, type HttpApiEvent } from "./http-event.js";
import { FIRST_DELIVERY_BUDGET_MS, withFirstDelivery } from "./first-delivery.js";

const toResult = ({ status, body, headers }: WebhookAnswer): APIGatewayProxyResult => jsonResult(status, body, headers);

export interface WebhooksHandlerOptions {
  /** Read on the first invocation (not at import), once per container. */
  env?: Env;
  now?: () => Date;
  /** How long the events a delivery recorded may hold up its answer (FIRST_DELIVERY_BUDGET_MS). */
  firstDeliveryBudgetMs?: number;
}

/**
 * The webhooks function: POST /api/github/webhooks (the App's secret) and
 * POST /api/github/marketplace (the listing's secret), through the same intake as the Node server.
 * The intake makes every refusal first (either payload version, base64 decoded, SHA-256 only, a bad
 * signature as 400); what it lets through, @probot/adapter-aws-lambda-serverless dispatches to the
 * app's handlers (src/lambda/adapter-receiver.ts says what it is given and why). The events the
 * delivery recorded get a first delivery attempt before the answer (src/lambda/first-delivery.ts).
 */
export function createWebhooksHandler(options: WebhooksHandlerOptions = {}) {
  let assembly: WebhookAssembly | undefined;
  return async function handleWebhook(event: HttpApiEvent, context?: LambdaContext): Promise<APIGatewayProxyResult> {
    const request = readHttpEvent(event);
    const source = webhookSourceFor(request.path);
    if (!source) return jsonResult(404, { error: "Not found" });
    try {
      assembly ??= createLambdaWebhookAssembly(options.env ?? process.env, options.now);
    } catch (error) {
      logConfigError(error);
      return jsonResult(500, { error: "The webhook endpoint is misconfigured" });
    }
    const header = (name: string) => request.headers[name];
    const intake = assembly.webhookIntake();
    const refused = intake.refuseBeforeBody(request.method, header, source);
    if (refused) return toResult(refused);
    const log = assembly.log.child({ awsRequestId: context?.awsRequestId });
    return toResult(
      await withFirstDelivery(assembly, log, () => intake.receive(source, header, request.body, log), {
        budgetMs: options.firstDeliveryBudgetMs ?? FIRST_DELIVERY_BUDGET_MS,
        timeLeft: context && (() => context.getRemainingTimeInMillis()),
      }),
    );
  };
}

export const handler = createWebhooksHandler();
