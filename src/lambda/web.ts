import type { APIGatewayProxyResult, Context as LambdaContext } from "aws-lambda";
import ejs from "ejs";
import type { Request } from "express";
import serverless from "serverless-http";
import type { Assembly } from "../assembly.js";
import { onceUntilFailure } from "../lib/once-until-failure.js";
import { createLambdaAssembly } from "./container.js";
import { logConfigError, type Env } from "./lambda-config.js";
import type { HttpApiEvent } from "./http-event.js";
import { FIRST_DELIVERY_BUDGET_MS, withFirstDelivery } from "./first-delivery.js";

/** Sent as base64 (API Gateway passes everything else through as text). */
const BINARY_TYPES = ["image/*", "font/*", "application/octet-stream", "application/pdf"];

const UNAVAILABLE_PAGE =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>Unavailable · GitHub Connect</title>' +
  "<p>GitHub Connect cannot reach its database right now. Try again in a minute.</p></html>";

/** serverless-http hangs the event's requestContext on the request it builds. */
function apiGatewayRequestId(req: Request): string | undefined {
  const id = (req as Request & { requestContext?: { requestId?: unknown } }).requestContext?.requestId;
  return typeof id === "string" ? id : undefined;
}

type WebResult = APIGatewayProxyResult & { cookies?: string[] };
type WebHandler = (event: HttpApiEvent, context?: LambdaContext) => Promise<WebResult>;

/**
 * serverless-http leaves a lone Set-Cookie in `headers` (only several go to `cookies` or
 * multiValueHeaders); put every cookie where each payload version documents it, so the answer
 * has one shape however many cookies a page sets.
 */
function cookiesWhereDocumented(event: HttpApiEvent, result: WebResult): WebResult {
  const lone = result.headers?.["set-cookie"];
  if (lone === undefined) return result;
  const headers = { ...result.headers };
  delete headers["set-cookie"];
  if ((event as { version?: unknown }).version === "2.0")
    return { ...result, headers, cookies: [...(result.cookies ?? []), String(lone)] };
  const multi = result.multiValueHeaders ?? {};
  return {
    ...result,
    headers,
    multiValueHeaders: { ...multi, "set-cookie": [...(multi["set-cookie"] ?? []), String(lone)] },
  };
}

async function buildHandler(assembly: Assembly): Promise<WebHandler> {
  // No viewsDir/publicDir: the bundle ships them beside index.mjs, where projectPaths looks first.
  const app = await assembly.webApp({
    // API Gateway's request id names the request, so a page's log lines match its access log.
    platformRequestId: apiGatewayRequestId,
  });
  // Express loads view engines with a dynamic require(), which a bundle cannot follow.
  app.engine("ejs", (path, data, callback) => ejs.renderFile(path, data as ejs.Data, callback));
  // No `requestId` option: serverless-http would let a client's x-request-id win over API Gateway's.
  const handle = serverless(app, { binary: BINARY_TYPES });
  return async (event, context) => cookiesWhereDocumented(event, (await handle(event, context ?? {})) as WebResult);
}

export interface WebHandlerOptions {
  /** Read on the first invocation (not at import), once per container. */
  env?: Env;
  now?: () => Date;
  /** How long the events a page recorded (a link, a repo created) may hold up its answer (FIRST_DELIVERY_BUDGET_MS). */
  firstDeliveryBudgetMs?: number;
}

/** The web function: every path but the webhooks, served by the same Express app as the Node server. */
export function createWebHandler(options: WebHandlerOptions = {}) {
  let assembly: Assembly | undefined;
  let ready: (() => Promise<WebHandler>) | undefined;
  return async function handleWeb(event: HttpApiEvent, context?: LambdaContext): Promise<WebResult> {
    try {
      assembly ??= createLambdaAssembly(options.env ?? process.env, options.now);
    } catch (error) {
      logConfigError(error);
      return {
        statusCode: 500,
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: "GitHub Connect is misconfigured; see its logs.",
      };
    }
    const current = assembly;
    ready ??= onceUntilFailure(() => buildHandler(current));
    let handle: WebHandler;
    try {
      handle = await ready();
    } catch (error) {
      current.log.error(
        { err: error, awsRequestId: context?.awsRequestId },
        "web function could not start: database unavailable",
      );
      return {
        statusCode: 503,
        headers: { "content-type": "text/html; charset=utf-8", "retry-after": "30", "cache-control": "no-store" },
        body: UNAVAILABLE_PAGE,
      };
    }
    return withFirstDelivery(
      current,
      current.log.child({ awsRequestId: context?.awsRequestId }),
      () => handle(event, context),
      {
        budgetMs: options.firstDeliveryBudgetMs ?? FIRST_DELIVERY_BUDGET_MS,
        timeLeft: context && (() => context.getRemainingTimeInMillis()),
      },
    );
  };
}

export const handler = createWebHandler();
