import { randomUUID } from "node:crypto";
import { sign } from "@octokit/webhooks-methods";
import examples from "@octokit/webhooks-examples";
import { readFileSync } from "node:fs";
import { TEST_MARKETPLACE_SECRET, TEST_WEBHOOK_SECRET } from "./app-credentials.js";
import { formatSchemaErrors, validateWebhook, type WebhookSchemaError } from "./contract/webhook-schemas.js";

export interface DeliveryOptions {
  event: string;
  payload?: unknown;
  /** Send these bytes instead of JSON.stringify(payload) (e.g. truncated JSON). */
  body?: string;
  deliveryId?: string;
  /** The secret to sign with; null sends no signature header. */
  secret?: string | null;
  /** "marketplace" posts to the Marketplace endpoint, signed with its secret by default. */
  endpoint?: "app" | "marketplace";
  /**
   * Why this delivery is not a payload GitHub could send (a 422 case, truncated JSON, an event we
   * invent). Every other delivery is checked against @octokit/webhooks-schemas before it is sent.
   */
  offSchema?: string;
}

export interface DeliveryResult {
  status: number;
  body: string;
  deliveryId: string;
}

export interface SignedDelivery {
  /** The endpoint's path: /api/github/webhooks or /api/github/marketplace. */
  path: string;
  body: string;
  deliveryId: string;
  /** The X-Hub-Signature-256 value, or null when the delivery is sent unsigned. */
  signature: string | null;
}

function schemaErrors(event: string, body: string): WebhookSchemaError[] {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return [{ instancePath: "", message: "the body is not JSON" }];
  }
  return validateWebhook(event, payload);
}

/** Throws unless the delivery is GitHub's shape for its event and action, or says why it is not (and is not). */
export function checkDeliverySchema(options: DeliveryOptions, body: string): void {
  const errors = schemaErrors(options.event, body);
  if (options.offSchema === undefined && errors.length > 0) {
    throw new Error(
      `this ${options.event} delivery is not a payload GitHub sends (pass offSchema: "<why>" if that is the point):\n${formatSchemaErrors(errors)}`,
    );
  }
  if (options.offSchema !== undefined && errors.length === 0) {
    throw new Error(
      `this ${options.event} delivery says offSchema ("${options.offSchema}") but conforms to GitHub's schema: drop offSchema`,
    );
  }
}

/** The bytes, id and HMAC-SHA256 signature of a delivery, signed with the endpoint's own secret unless told otherwise. */
export async function signDelivery(options: DeliveryOptions): Promise<SignedDelivery> {
  const endpoint = options.endpoint ?? "app";
  const body = options.body ?? JSON.stringify(options.payload);
  checkDeliverySchema(options, body);
  const secret =
    options.secret === undefined
      ? endpoint === "marketplace"
        ? TEST_MARKETPLACE_SECRET
        : TEST_WEBHOOK_SECRET
      : options.secret;
  return {
    path: `/api/github/${endpoint === "marketplace" ? "marketplace" : "webhooks"}`,
    body,
    deliveryId: options.deliveryId ?? randomUUID(),
    signature: secret === null ? null : await sign(secret, body),
  };
}

/** Posts a webhook the way GitHub does: raw JSON body, event and delivery headers, HMAC-SHA256 signature. */
export async function deliverWebhook(baseUrl: string, options: DeliveryOptions): Promise<DeliveryResult> {
  const { path, body, deliveryId, signature } = await signDelivery(options);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/test",
    "x-github-event": options.event,
    "x-github-delivery": deliveryId,
  };
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  const response = await fetch(`${baseUrl}${path}`, { method: "POST", headers, body });
  return { status: response.status, body: await response.text(), deliveryId };
}

type Example = { action?: string } & Record<string, unknown>;

/** Every example payload @octokit/webhooks-examples has for an event (GitHub's documented shapes). */
export function webhookExamples(event: string): Example[] {
  const entry = (examples as unknown as Array<{ name: string; examples: Example[] }>).find((e) => e.name === event);
  if (!entry) throw new Error(`@octokit/webhooks-examples has no "${event}" event`);
  return structuredClone(entry.examples);
}

/**
 * The examples of @octokit/webhooks-examples that its own schemas reject (older shapes), by
 * "<event>.<action>#<1-based index>"; test/contract/webhook-fixtures.test.ts holds this list to the package.
 */
export const UPSTREAM_EXAMPLE_GAPS: Readonly<Record<string, string>> = {
  "installation.deleted#1": "GitHub's example: installation lacks suspended_at and suspended_by",
  "installation_repositories.added#1":
    "GitHub's example: no requester; installation lacks suspended_at and suspended_by",
  "repository.publicized#1":
    "GitHub's example: repository lacks is_template, web_commit_signoff_required, topics, visibility and custom_properties",
  "meta.deleted#1":
    "GitHub's example: repository lacks is_template, web_commit_signoff_required, topics, visibility and custom_properties",
};

/** Why webhookExamples(event)[index] is off GitHub's schema, for DeliveryOptions.offSchema; undefined if it conforms. */
export function upstreamExampleGap(event: string, index: number, action: string | undefined): string | undefined {
  return UPSTREAM_EXAMPLE_GAPS[`${event}.${action}#${index + 1}`];
}

/** The first example of `event` with `action` that GitHub's schema accepts (skipping UPSTREAM_EXAMPLE_GAPS). */
export function webhookExample(event: string, action: string): Example {
  const example = webhookExamples(event).find(
    (e, index) => e.action === action && !upstreamExampleGap(event, index, action),
  );
  if (!example) throw new Error(`@octokit/webhooks-examples has no ${event}.${action} example that its schema accepts`);
  return example;
}

/** A user as webhook payloads carry one (the examples' sender, every URL field), with this login and id. */
export function webhookUser(login: string, id: number): Record<string, unknown> {
  const sender = webhookExample("installation", "created").sender as Record<string, unknown>;
  const user = Object.fromEntries(
    Object.entries(sender).map(([key, value]) => [
      key,
      typeof value === "string" ? value.replaceAll(String(sender.login), login) : value,
    ]),
  );
  return {
    ...user,
    id,
    node_id: Buffer.from(`04:User${id}`).toString("base64"),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
  };
}

/** The files of test/fixtures/webhooks/, <event>.<action>[.<variant>].json (a test holds this list to the directory). */
export const WEBHOOK_FIXTURES = [
  "installation.created.organization",
  "installation_target.renamed",
  "marketplace_purchase.pending_change",
  "marketplace_purchase.pending_change_cancelled",
  "meta.deleted",
] as const;

export type WebhookFixtureName = (typeof WEBHOOK_FIXTURES)[number];

/** A payload from test/fixtures/webhooks/<name>.json (ours, for what the examples lack). */
export function webhookFixture(name: WebhookFixtureName): Example {
  return JSON.parse(readFileSync(new URL(`../fixtures/webhooks/${name}.json`, import.meta.url), "utf8")) as Example;
}
