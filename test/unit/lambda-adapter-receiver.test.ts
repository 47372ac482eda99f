import { createHmac } from "node:crypto";
import { Probot } from "probot";
import { expect, test } from "vitest";
import { adapterEvent, adapterReceiver } from "../../src/lambda/adapter-receiver.js";
import { firstError } from "../../src/lib/error-details.js";
import type { VerifiedDelivery } from "../../src/webhooks/intake.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testPrivateKey } from "../helpers/app-credentials.js";
import { captureLogger } from "../helpers/test-logger.js";
import { webhookFixture } from "../helpers/webhooks.js";

// The Lambda function's receiver on a real Probot: what src/webhooks/intake.ts hands it once a
// delivery has passed every refusal, dispatched by @probot/adapter-aws-lambda-serverless.

const probotWith = (secret: string) =>
  new Probot({ appId: TEST_APP_ID, privateKey: testPrivateKey(), secret, log: captureLogger("silent").log });

function verified(deliveryId: string): VerifiedDelivery {
  const payload = webhookFixture("installation.created.organization") as Record<string, unknown>;
  const body = Buffer.from(JSON.stringify(payload));
  const signature = `sha256=${createHmac("sha256", TEST_WEBHOOK_SECRET).update(body).digest("hex")}`;
  return { source: "app", deliveryId, event: "installation", signature, body, payload };
}

test("a verified delivery reaches the app's handlers through createLambdaFunction", async () => {
  const seen: string[] = [];
  const receive = await adapterReceiver(probotWith(TEST_WEBHOOK_SECRET), (app) => {
    app.on("installation.created", async (context) => {
      seen.push(`${context.id} ${context.name}.${context.payload.action}`);
    });
  });
  await receive(verified("adapter-1"));
  expect(seen).toEqual(["adapter-1 installation.created"]);
});

test("the adapter is what dispatches: it checks the signature again, with its Probot's secret", async () => {
  // Probot's plain receive would run the handler; the adapter's verifyAndReceive refuses first.
  const seen: string[] = [];
  const receive = await adapterReceiver(probotWith("another-secret-0123456789"), (app) => {
    app.on("installation", async (context) => void seen.push(context.id));
  });
  const error = await receive(verified("adapter-2")).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(firstError(error)).toMatchObject({
    status: 400,
    message: "[@octokit/webhooks] signature does not match event payload and secret",
  });
  expect(seen).toEqual([]);
});

test("a handler's error escapes with its status, for the intake to answer (the adapter alone would be Lambda's 500)", async () => {
  const receive = await adapterReceiver(probotWith(TEST_WEBHOOK_SECRET), (app) => {
    app.on("installation", async () => {
      throw Object.assign(new Error("installation.id must be a whole number"), {
        name: "MalformedPayloadError",
        status: 422,
      });
    });
  });
  const error = await receive(verified("adapter-3")).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(firstError(error)).toMatchObject({ name: "MalformedPayloadError", status: 422 });
});

test("the adapter is given POST to the webhook path, the decoded text, and the delivery headers with SHA-256 only", () => {
  const delivery = verified("adapter-4");
  expect(adapterEvent(delivery)).toEqual({
    httpMethod: "POST",
    path: "/api/github/webhooks",
    headers: {
      "x-github-delivery": "adapter-4",
      "x-github-event": "installation",
      "x-hub-signature-256": delivery.signature,
    },
    body: delivery.body.toString("utf8"),
    isBase64Encoded: false,
  });
  expect(adapterEvent({ ...delivery, source: "marketplace" }).path).toBe("/api/github/marketplace");
});
