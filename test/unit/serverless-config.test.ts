import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { LAMBDA_FUNCTIONS } from "../../scripts/build-lambda.js";
import { testPrivateKey } from "../helpers/app-credentials.js";
import { DISPATCH_WINDOW_MS } from "../../src/events/dispatch-window.js";
import { DISPATCH_DEADLINE_MARGIN_MS } from "../../src/lambda/dispatch.js";

// serverless.yml uses CloudFormation's short tags (!GetAtt); read them as plain markers.
const cfnTags = ["!GetAtt", "!Ref", "!Sub", "!Join"].flatMap((tag) =>
  (["scalar", "sequence"] as const).map(
    (kind) => new yaml.Type(tag, { kind, construct: (data: unknown) => ({ [tag]: data }) }),
  ),
);
const schema = yaml.DEFAULT_SCHEMA.extend(cfnTags);

interface ServerlessYml {
  provider: {
    runtime: string;
    architecture: string;
    environment: Record<string, unknown>;
    httpApi?: { payload?: string };
  };
  package: { individually: boolean };
  functions: Record<
    string,
    {
      handler: string;
      timeout: number;
      memorySize: number;
      maximumRetryAttempts?: number;
      package: { artifact: string };
      events: Array<{ httpApi?: unknown; schedule?: { rate: string } }>;
    }
  >;
}

const file = readFileSync(new URL("../../serverless.yml", import.meta.url), "utf8");
const config = yaml.load(file, { schema }) as ServerlessYml;
const SECRETS = [
  "MONGODB_URI",
  "PRIVATE_KEY",
  "WEBHOOK_SECRET",
  "MARKETPLACE_WEBHOOK_SECRET",
  "GITHUB_CLIENT_SECRET",
  "STATE_SECRET",
  "WORKOS_API_KEY",
  "WORKOS_COOKIE_PASSWORD",
];

describe("serverless.yml", () => {
  test("runs Node 22 on arm64, one artifact per function from npm run build:lambda", () => {
    expect(config.provider.runtime).toBe("nodejs22.x");
    expect(config.provider.architecture).toBe("arm64");
    expect(config.package.individually).toBe(true);
    expect(Object.keys(config.functions).sort()).toEqual(Object.keys(LAMBDA_FUNCTIONS).sort());
    for (const [name, fn] of Object.entries(config.functions)) {
      expect(fn.package.artifact).toBe(`dist/lambda/${name}.zip`);
      expect(fn.handler).toBe("index.handler");
    }
  });

  test("both webhook routes go to the webhooks function and every other path to the web function", () => {
    expect(config.functions.webhooks!.events.map((e) => e.httpApi)).toEqual([
      { method: "POST", path: "/api/github/webhooks" },
      { method: "POST", path: "/api/github/marketplace" },
    ]);
    expect(config.functions.web!.events.map((e) => e.httpApi)).toEqual(["*"]);
  });

  test("the reconcile function runs every 15 minutes, well within its own timeout, with no retries of its own", () => {
    const reconcile = config.functions.reconcile!;
    expect(reconcile.events).toEqual([{ schedule: expect.objectContaining({ rate: "rate(15 minutes)" }) }]);
    // Lambda's limit is 900 s; the run keeps DEADLINE_MARGIN_MS (20 s) of it to end cleanly.
    expect(reconcile.timeout).toBeGreaterThan(60);
    expect(reconcile.timeout).toBeLessThanOrEqual(900);
    expect(reconcile.maximumRetryAttempts).toBe(0);
  });

  test("the dispatch function runs every minute (EventBridge's shortest), its window and a last attempt within its timeout, with no retries of its own", () => {
    const dispatch = config.functions.dispatch!;
    expect(dispatch.events).toEqual([{ schedule: expect.objectContaining({ rate: "rate(1 minute)" }) }]);
    expect(dispatch.package.artifact).toBe("dist/lambda/dispatch.zip");
    expect(dispatch.timeout * 1000).toBeGreaterThanOrEqual(DISPATCH_WINDOW_MS + DISPATCH_DEADLINE_MARGIN_MS);
    expect(dispatch.maximumRetryAttempts).toBe(0);
  });

  test("the webhooks function answers within GitHub's 10 s", () => {
    expect(config.functions.webhooks!.timeout).toBeLessThan(10);
  });

  test("every secret comes from SSM Parameter Store, none is written in the file", () => {
    const environment = config.provider.environment;
    for (const name of SECRETS)
      expect(String(environment[name]), name).toMatch(/^\$\{ssm:\/github-connect\/\$\{sls:stage\}\/[a-z-]+\}$/);
  });

  test("the internal API's tokens, the legacy token, the event endpoints and signing secret and the operators come from SSM too, and stay unset when their parameter does not exist", () => {
    const environment = config.provider.environment;
    for (const name of [
      "INTERNAL_API_TOKENS",
      "LEGACY_GITHUB_TOKEN",
      "LEGACY_GITHUB_ORGANIZATIONS",
      "EVENT_ENDPOINTS",
      "EVENT_SIGNING_SECRET",
      "OPERATOR_EMAILS",
    ]) {
      expect(String(environment[name]), name).toMatch(/^\$\{ssm:\/github-connect\/\$\{sls:stage\}\/[a-z-]+, ''\}$/);
    }
  });

  /** Every ${ssm:…} replaced by a plausible value; the event parameters as given. */
  function deployedEnv(events: { EVENT_ENDPOINTS: string; EVENT_SIGNING_SECRET: string }) {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(config.provider.environment)) {
      env[name] = typeof value === "string" && !value.startsWith("${") ? value : "ssm-parameter-value-0123456789abcdef";
    }
    return Object.assign(env, {
      BASE_URL: "https://abc123.execute-api.us-east-1.amazonaws.com",
      APP_ID: "12345",
      APP_SLUG: "github-connect",
      PRIVATE_KEY: testPrivateKey(),
      MONGODB_URI: "mongodb+srv://user:pass@cluster.example.net/github-connect",
      OPERATOR_EMAILS: "ops@example.com",
      ...events,
    });
  }

  test("the environment it sets is everything production configuration requires, the event parameters optional", () => {
    // loadConfig must not ask for anything more; without the event parameters (both '') nothing is sent.
    const loaded = loadConfig(deployedEnv({ EVENT_ENDPOINTS: "", EVENT_SIGNING_SECRET: "" }));
    expect(loaded.production).toBe(true);
    expect(loaded.auth.mode).toBe("workos");
    expect(loaded.eventDelivery).toBeNull();
  });

  test("with the event parameters, every function's configuration delivers events", () => {
    const secret = `whsec_${Buffer.from("event-signing-secret-for-tests!!").toString("base64")}`;
    const loaded = loadConfig(
      deployedEnv({ EVENT_ENDPOINTS: "https://hooks.example.com/events", EVENT_SIGNING_SECRET: secret }),
    );
    expect(loaded.eventDelivery).toEqual({ endpoints: ["https://hooks.example.com/events"], signingSecret: secret });
  });
});
