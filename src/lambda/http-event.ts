import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from "aws-lambda";

/** What API Gateway sends a Lambda function: HTTP API payload format 1.0 (REST-shaped) or 2.0. */
export type HttpApiEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** The one shape the webhook handler reads, whichever payload version arrived. */
export interface HttpRequest {
  version: "1.0" | "2.0";
  method: string;
  path: string;
  /** Lower-case names (RFC 9110: header names are case-insensitive; payload 1.0 keeps the sender's case). */
  headers: Record<string, string>;
  /** The raw bytes, base64-decoded when API Gateway encoded them. */
  body: Buffer;
}

function isV2(event: HttpApiEvent): event is APIGatewayProxyEventV2 {
  return (event as { version?: unknown }).version === "2.0";
}

function lowerCaseHeaders(event: HttpApiEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  const multi = isV2(event) ? undefined : event.multiValueHeaders;
  for (const [name, values] of Object.entries(multi ?? {})) {
    if (values?.length) headers[name.toLowerCase()] = values.join(", ");
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === "string") headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** Normalises either payload version; the signature covers the raw bytes, so a base64 body is decoded, never re-serialised. */
export function readHttpEvent(event: HttpApiEvent): HttpRequest {
  const raw = event.body ?? "";
  const body = Buffer.from(raw, event.isBase64Encoded ? "base64" : "utf8");
  const headers = lowerCaseHeaders(event);
  if (isV2(event)) {
    return {
      version: "2.0",
      method: event.requestContext.http.method.toUpperCase(),
      path: event.rawPath,
      headers,
      body,
    };
  }
  return { version: "1.0", method: event.httpMethod.toUpperCase(), path: event.path, headers, body };
}

/** A JSON answer both payload versions accept. */
export function jsonResult(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    body: JSON.stringify(body),
  };
}
