import type { APIGatewayProxyResult, Context as LambdaContext } from "aws-lambda";
import { createProbotInstance } from "../services/probot-factory.js";
import { WebhookIntake, webhookSourceFor, type WebhookAnswer } from "../webhooks/intake.js";
import { loadWebhookApps } from "../webhooks/create-webhook-intake.js";
import { loadLambdaSetup, onceUntilFailure, openDatabase, type Env, type LambdaSetup } from "./container.js";
import { jsonResult, readHttpEvent, type HttpApiEvent } from "./http-event.js";

interface Container extends LambdaSetup {
  intake: WebhookIntake;
}

function createContainer(env: Env, now: () => Date): Container {
  const setup = loadLambdaSetup(env);
  const { config, log } = setup;
  const probotLog = log.child({ name: "probot" });
  const { webhookSecret, marketplaceWebhookSecret } = config.github;
  const probots = {
    app: createProbotInstance({ github: config.github, secret: webhookSecret, log: probotLog }),
    marketplace: createProbotInstance({ github: config.github, secret: marketplaceWebhookSecret, log: probotLog }),
  };
  const intake = new WebhookIntake({
    secrets: { app: webhookSecret, marketplace: marketplaceWebhookSecret },
    // The database is opened by the first verified delivery; a failure is retried by the next.
    probots: onceUntilFailure(async () => loadWebhookApps(probots, { models: (await openDatabase(setup.mongodbUri, log)).models, now })),
    log: log.child({ name: "webhooks" }),
  });
  return { ...setup, intake };
}

const toResult = ({ status, body, headers }: WebhookAnswer): APIGatewayProxyResult => jsonResult(status, body, headers);

export interface WebhooksHandlerOptions {
  /** Read on the first invocation (not at import), once per container. */
  env?: Env;
  now?: () => Date;
}

/**
 * The webhooks function: POST /api/github/webhooks (the App's secret) and
 * POST /api/github/marketplace (the listing's secret), through the same intake as the Node server.
 * Not @probot/adapter-aws-lambda-serverless: it reads only payload 1.0 text bodies, verifies with
 * whichever algorithm the header names (SHA-1 included), throws a 500 on a bad signature and
 * verifies a second time after ours; the intake does each step once, for both payload versions.
 */
export function createWebhooksHandler(options: WebhooksHandlerOptions = {}) {
  let container: Container | undefined;
  return async function handleWebhook(event: HttpApiEvent, context?: LambdaContext): Promise<APIGatewayProxyResult> {
    const request = readHttpEvent(event);
    const source = webhookSourceFor(request.path);
    if (!source) return jsonResult(404, { error: "Not found" });
    try {
      container ??= createContainer(options.env ?? process.env, options.now ?? (() => new Date()));
    } catch (error) {
      // No logger without a valid configuration; the message names the variable, never its value.
      console.error(JSON.stringify({ level: "fatal", msg: `Configuration error: ${(error as Error).message}` }));
      return jsonResult(500, { error: "The webhook endpoint is misconfigured" });
    }
    const header = (name: string) => request.headers[name];
    const log = container.log.child({ awsRequestId: context?.awsRequestId });
    const refused = container.intake.refuseBeforeBody(request.method, header);
    if (refused) return toResult(refused);
    return toResult(await container.intake.receive(source, header, request.body, log));
  };
}

export const handler = createWebhooksHandler();
