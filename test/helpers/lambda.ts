import { randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, Context } from "aws-lambda";
import { buildLambda, type BuiltFunction, type LambdaFunctionName } from "../../scripts/build-lambda.js";
import { workosEnv } from "./auth.js";
import { productionEnv } from "./test-config.js";
import { signDelivery, type DeliveryOptions } from "./webhooks.js";

export type PayloadVersion = "1.0" | "2.0";
export type LambdaEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
/** What either function answers: payload 2.0 answers may carry `cookies`. */
export type LambdaResult = APIGatewayProxyResult & { cookies?: string[] };
export type LambdaHandler = (event: LambdaEvent, context: Context) => Promise<LambdaResult>;

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/lambda/${name}.json`, import.meta.url), "utf8"));

export interface LambdaRequest {
  method?: string;
  path: string;
  /** Raw query string, without "?". */
  query?: string;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  /** Send the body base64-encoded with isBase64Encoded, as API Gateway does for binary media types. */
  base64?: boolean;
  /** The HTTP API route that matched, e.g. "POST /api/github/webhooks" (default "$default"). */
  routeKey?: string;
}

/**
 * An HTTP API event as API Gateway builds it, from AWS's documented example for the payload
 * version (test/fixtures/lambda/). Payload 2.0 lower-cases header names and moves cookies to
 * `cookies`; payload 1.0 is given the names as sent, to exercise case-insensitive lookup.
 */
export function httpApiEvent(version: PayloadVersion, request: LambdaRequest): LambdaEvent {
  const method = request.method ?? "GET";
  const routeKey = request.routeKey ?? "$default";
  const body =
    request.body === undefined
      ? null
      : request.base64
        ? Buffer.from(request.body, "utf8").toString("base64")
        : request.body;
  const params = new URLSearchParams(request.query ?? "");
  const headers = { ...request.headers };
  if (version === "2.0") {
    const event = structuredClone(fixture("http-api-v2")) as APIGatewayProxyEventV2;
    event.routeKey = routeKey;
    event.rawPath = request.path;
    event.rawQueryString = request.query ?? "";
    event.headers = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    if (request.cookies?.length) event.cookies = request.cookies;
    else delete event.cookies;
    event.queryStringParameters = params.size
      ? Object.fromEntries([...params.keys()].map((k) => [k, params.getAll(k).join(",")]))
      : undefined;
    event.pathParameters = undefined;
    event.stageVariables = undefined;
    event.requestContext = {
      ...event.requestContext,
      routeKey,
      requestId: randomUUID(),
      http: { ...event.requestContext.http, method, path: request.path },
    };
    event.body = body ?? undefined;
    event.isBase64Encoded = Boolean(request.base64);
    return event;
  }
  const event = structuredClone(fixture("http-api-v1")) as APIGatewayProxyEvent;
  if (request.cookies?.length) headers.Cookie = request.cookies.join("; ");
  event.resource = routeKey === "$default" ? "$default" : routeKey.replace(/^\S+\s+/, "");
  event.path = request.path;
  event.httpMethod = method;
  event.headers = headers;
  event.multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
  event.queryStringParameters = params.size
    ? Object.fromEntries([...params.keys()].map((k) => [k, params.getAll(k).at(-1)!]))
    : null;
  event.multiValueQueryStringParameters = params.size
    ? Object.fromEntries([...params.keys()].map((k) => [k, params.getAll(k)]))
    : null;
  event.requestContext = {
    ...event.requestContext,
    httpMethod: method,
    path: request.path,
    resourcePath: event.resource,
    requestId: randomUUID(),
  };
  event.body = body;
  event.isBase64Encoded = Boolean(request.base64);
  return event;
}

export interface WebhookEventOptions extends DeliveryOptions {
  base64?: boolean;
}

/** A GitHub delivery (headers as GitHub sends them, HMAC-SHA256 over the raw body) as an HTTP API event. */
export async function webhookEvent(
  version: PayloadVersion,
  options: WebhookEventOptions,
): Promise<{ event: LambdaEvent; deliveryId: string }> {
  const { path, body, deliveryId, signature } = await signDelivery(options);
  const headers: Record<string, string> = {
    Accept: "*/*",
    "Content-Type": "application/json",
    "User-Agent": "GitHub-Hookshot/test",
    "X-GitHub-Event": options.event,
    "X-GitHub-Delivery": deliveryId,
    "X-GitHub-Hook-ID": "123456",
  };
  if (signature !== null) headers["X-Hub-Signature-256"] = signature;
  return {
    event: httpApiEvent(version, {
      method: "POST",
      path,
      routeKey: `POST ${path}`,
      headers,
      body,
      base64: options.base64,
    }),
    deliveryId,
  };
}

/** The Set-Cookie values of an answer: `cookies` (payload 2.0) or multiValueHeaders (payload 1.0). */
export function responseCookies(result: LambdaResult): string[] {
  if (result.cookies) return result.cookies;
  const multi = Object.entries(result.multiValueHeaders ?? {}).find(
    ([name]) => name.toLowerCase() === "set-cookie",
  )?.[1];
  return (multi ?? []).map(String);
}

/** A response header by name, whichever map it is in. */
export function responseHeader(result: LambdaResult, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const single = Object.entries(result.headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
  if (single !== undefined) return String(single);
  const multi = Object.entries(result.multiValueHeaders ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
  return multi?.map(String).join(", ");
}

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/11/24/[$LATEST]test",
    getRemainingTimeInMillis: () => 9000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Node's own loader, as the Lambda runtime uses it. A plain `import()` in a test file is rewritten
 * by vitest, which would transform the bundle (slowly) and run it in its module runner; Node 22
 * can require() an ES module that has no top-level await, which the bundles do not.
 */
const requireNatively = createRequire(import.meta.url);

export interface BuiltBundles {
  functions: Record<LambdaFunctionName, BuiltFunction>;
  /**
   * Imports a function's built handler with Node's own loader. Each
   * `container` name is a fresh module instance: a new Lambda container with its own connection.
   */
  handler(name: LambdaFunctionName, container: string): Promise<LambdaHandler>;
  remove(): void;
}

/** `npm run build:lambda` into a temporary directory of this test file's own (no zips). */
export async function buildBundles(functions: LambdaFunctionName[]): Promise<BuiltBundles> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), "github-connect-lambda-"));
  const built = await buildLambda({ outDir, functions, zip: false });
  const byName = Object.fromEntries(built.map((fn) => [fn.name, fn])) as Record<LambdaFunctionName, BuiltFunction>;
  return {
    functions: byName,
    async handler(name, container) {
      const fn = byName[name];
      if (!fn) throw new Error(`${name} was not built`);
      // A module is evaluated once per file: a copy beside the original (so ./views/ still
      // resolves) is a fresh module, as a new container is.
      const copy = path.join(fn.dir, `index.${container.replace(/[^a-z0-9-]/gi, "_")}.mjs`);
      copyFileSync(fn.entry, copy);
      const mod = requireNatively(copy) as { handler: LambdaHandler };
      return mod.handler;
    },
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}

/**
 * What a deployment gives the functions: production's (Lambda refuses development's defaults
 * whatever NODE_ENV says), with the WorkOS credentials the nock helpers expect.
 */
export function lambdaEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return productionEnv(workosEnv(overrides));
}

/** Sets environment variables (undefined deletes) and returns what puts them back. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = new Map(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Map<string, string | undefined>) => {
    for (const [name, value] of values) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(new Map(Object.entries(vars)));
  return () => apply(saved);
}
