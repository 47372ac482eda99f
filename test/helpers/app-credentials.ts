import { generateKeyPairSync } from "node:crypto";

let cached: string | undefined;

/** A private key made for this test run, so none is committed; GitHub is never called with it. */
export function testPrivateKey(): string {
  cached ??= generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  return cached;
}

export const TEST_APP_ID = 424242;
export const TEST_WEBHOOK_SECRET = "test-webhook-secret-0123456789";
export const TEST_MARKETPLACE_SECRET = "test-marketplace-secret";
export const TEST_APP_SLUG = "github-connect-test";
