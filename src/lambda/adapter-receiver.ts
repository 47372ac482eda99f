import { createLambdaFunction } from "@probot/adapter-aws-lambda-serverless";
import type { APIGatewayProxyEvent, Context as LambdaContext } from "aws-lambda";
import { type LoadReceiver, type VerifiedDelivery, WEBHOOK_PATHS } from "../webhooks/intake.js";

/** What the adapter's lambda-function.js reads of an event; it reads nothing else. */
export type AdapterEvent = Pick<APIGatewayProxyEvent, "httpMethod" | "path" | "headers" | "body" | "isBase64Encoded">;

/**
 * The event @probot/adapter-aws-lambda-serverless 4 is given, once the intake has refused what it
 * would mishandle. It answers `GET /probot` with its HTML page, lower-cases the header names, and
 * passes `body` as it is to Probot's verifyAndReceive, which HMACs that string with whichever
 * header it finds (X-Hub-Signature-256, else SHA-1's X-Hub-Signature) and JSON.parses it; whatever
 * throws escapes the function, which Lambda answers 500. Hence:
 * - POST to the webhook path: never its page;
 * - the body as text, decoded: it ignores isBase64Encoded, so it would verify and parse the base64;
 *   the intake refused bytes that are not UTF-8, so this text encodes back to the bytes it verified;
 * - the three headers it reads, lower-cased, the signature as X-Hub-Signature-256 only: it can
 *   never fall back to SHA-1.
 * Its check is then a second HMAC, same secret, same bytes: it agrees with the intake's.
 */
export function adapterEvent(delivery: VerifiedDelivery): AdapterEvent {
  return {
    httpMethod: "POST",
    path: WEBHOOK_PATHS[delivery.source],
    headers: {
      "x-github-delivery": delivery.deliveryId,
      "x-github-event": delivery.event,
      "x-hub-signature-256": delivery.signature,
    },
    body: delivery.body.toString("utf8"),
    isBase64Encoded: false,
  };
}

// lambda-function.js never reads its context argument; the invocation's is not carried through the intake for it.
const UNREAD_CONTEXT = {} as LambdaContext;

/**
 * The Lambda function's receiver: the adapter's createLambdaFunction loads the app into the
 * endpoint's Probot (once per container) and dispatches each delivery the intake let through.
 * The intake answers for the handlers' errors (4xx, 503, 500), which the adapter lets escape.
 */
export const adapterReceiver: LoadReceiver = async (probot, app) => {
  // createLambdaFunction does not await probot.load: createApp registers its handlers synchronously.
  const dispatch = createLambdaFunction(app, { probot });
  return async (delivery) => {
    const answer = await dispatch(adapterEvent(delivery) as APIGatewayProxyEvent, UNREAD_CONTEXT);
    // Its one other answer is its page, for GET /probot, which adapterEvent never asks for.
    if (typeof answer === "string" || answer.statusCode !== 200) {
      throw new Error(`The Lambda adapter answered ${typeof answer === "string" ? answer : answer.statusCode}`);
    }
  };
};
