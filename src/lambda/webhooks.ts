import adapter from "@probot/adapter-aws-lambda-serverless";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context as LambdaContext } from "aws-lambda";
import type { Logger } from "pino";
import type { ApplicationFunction, Probot } from "probot";
import { createApp } from "../app.js";
import { MARKETPLACE_WEBHOOK_PATH, WEBHOOK_PATH } from "../create-node-app.js";
import { createProbotInstance } from "../services/probot-factory.js";
import { firstError } from "../error-details.js";
import { isDatabaseUnavailable, loadLambdaSetup, onceUntilFailure, openDatabase, type Env, type LambdaSetup } from "./container.js";
import { jsonResult, readHttpEvent, type HttpApiEvent, type HttpRequest } from "./http-event.js";

type Source = "app" | "marketplace";

/** The adapter's handler reads only these fields of a payload 1.0 event (lambda-function.js). */
type AdapterEvent = Pick<APIGatewayProxyEvent, "httpMethod" | "path" | "headers" | "body">;
type AdapterFunction = (event: AdapterEvent, context?: LambdaContext) => Promise<APIGatewayProxyResult>;

const REQUIRED_HEADERS = ["x-github-event", "x-hub-signature-256", "x-github-delivery"] as const;

/** The Marketplace path is checked first; an HTTP API stage name may prefix either. */
function sourceFor(path: string): Source | null {
  if (path === MARKETPLACE_WEBHOOK_PATH || path.endsWith(MARKETPLACE_WEBHOOK_PATH)) return "marketplace";
  if (path === WEBHOOK_PATH || path.endsWith(WEBHOOK_PATH)) return "app";
  return null;
}

/** The same refusals, statuses and messages as the Node server's webhook middleware. */
function refuseMalformed(request: HttpRequest): APIGatewayProxyResult | null {
  if (!(request.headers["content-type"] ?? "").startsWith("application/json")) {
    return jsonResult(415, { error: 'Unsupported "Content-Type" header value. Must be "application/json"' }, { accept: "application/json" });
  }
  const missing = REQUIRED_HEADERS.filter((name) => !request.headers[name]);
  if (missing.length > 0) return jsonResult(400, { error: `Required headers missing: ${missing.join(", ")}` });
  return null;
}

/**
 * The adapter calls `probot.load(app)` without awaiting it; capture what the app function
 * returns and await that, so a failing load is an answered error, not an unhandled rejection.
 */
async function loadWithAdapter(probot: Probot, appFn: ApplicationFunction): Promise<AdapterFunction> {
  let loading: unknown;
  const handler = adapter.createLambdaFunction((app, options) => (loading = appFn(app, options)), { probot });
  await loading;
  return handler as unknown as AdapterFunction;
}

interface Container extends LambdaSetup {
  probots: Record<Source, Probot>;
  receivers: () => Promise<Record<Source, AdapterFunction>>;
}

function createContainer(env: Env, now: () => Date): Container {
  const setup = loadLambdaSetup(env);
  const { config, log } = setup;
  const probotLog = log.child({ name: "probot" });
  const probots: Record<Source, Probot> = {
    app: createProbotInstance({ github: config.github, secret: config.github.webhookSecret, log: probotLog }),
    marketplace: createProbotInstance({ github: config.github, secret: config.github.marketplaceWebhookSecret, log: probotLog }),
  };
  const receivers = onceUntilFailure(async () => {
    const { models } = await openDatabase(setup.mongodbUri);
    return {
      app: await loadWithAdapter(probots.app, createApp({ models, now, source: "app" })),
      marketplace: await loadWithAdapter(probots.marketplace, createApp({ models, now, source: "marketplace" })),
    };
  });
  return { ...setup, probots, receivers };
}

/** 4xx for what a redelivery cannot fix (bad JSON, malformed payload); 5xx otherwise, so GitHub marks it failed. */
function failure(error: unknown, log: Logger): APIGatewayProxyResult {
  const first = firstError(error);
  if (first.status !== undefined && first.status >= 400 && first.status < 500) {
    log.warn({ status: first.status, reason: first.message }, "webhook refused");
    return jsonResult(first.status, { error: `${first.name}: ${first.message}` });
  }
  if (isDatabaseUnavailable(error)) {
    log.error({ err: error }, "webhook failed: the database is unavailable");
    return jsonResult(503, { error: "The database is unavailable; redeliver this delivery later" }, { "retry-after": "60" });
  }
  log.error({ err: error }, "webhook failed");
  return jsonResult(500, { error: "The delivery could not be processed; redeliver it later" });
}

export interface WebhooksHandlerOptions {
  /** Read on the first invocation (not at import), once per container. */
  env?: Env;
  now?: () => Date;
}

/**
 * The webhooks function: POST /api/github/webhooks (the App's secret) and
 * POST /api/github/marketplace (the listing's secret), through Probot's Lambda adapter and
 * `webhooks.verifyAndReceive`, with what the adapter lacks: payload 2.0, base64 bodies,
 * 4xx for bad requests and 5xx for outages instead of a thrown error.
 */
export function createWebhooksHandler(options: WebhooksHandlerOptions = {}) {
  let container: Container | undefined;
  return async function handleWebhook(event: HttpApiEvent, context?: LambdaContext): Promise<APIGatewayProxyResult> {
    const request = readHttpEvent(event);
    const source = sourceFor(request.path);
    if (!source) return jsonResult(404, { error: "Not found" });
    if (request.method !== "POST") return jsonResult(405, { error: "Method not allowed" }, { allow: "POST" });
    const refused = refuseMalformed(request);
    if (refused) return refused;

    try {
      container ??= createContainer(options.env ?? process.env, options.now ?? (() => new Date()));
    } catch (error) {
      // No logger without a valid configuration; the message names the variable, never its value.
      console.error(JSON.stringify({ level: "fatal", msg: `Configuration error: ${(error as Error).message}` }));
      return jsonResult(500, { error: "The webhook endpoint is misconfigured" });
    }
    const { headers } = request;
    const log = container.log.child({
      deliveryId: headers["x-github-delivery"],
      event: headers["x-github-event"],
      source,
      awsRequestId: context?.awsRequestId,
    });

    // Checked before the database is touched, so forged requests cost no connection.
    const verified = await container.probots[source].webhooks.verify(request.body, headers["x-hub-signature-256"] ?? "").catch(() => false);
    if (!verified) {
      log.warn({ status: 400 }, "webhook refused: signature does not match");
      return jsonResult(400, { error: "Error: [@octokit/webhooks] signature does not match event payload and secret" });
    }

    try {
      const receive = (await container.receivers())[source];
      const result = await receive({ httpMethod: "POST", path: request.path, headers, body: request.body }, context);
      return { ...result, headers: { "content-type": "application/json; charset=utf-8", ...result.headers } };
    } catch (error) {
      return failure(error, log);
    }
  };
}

export const handler = createWebhooksHandler();
