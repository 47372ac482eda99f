import { describe, expect, test } from "vitest";
import { ConfigError } from "../../src/config/env.js";
import { lambdaAssemblyOptions } from "../../src/lambda/lambda-config.js";
import { productionEnv } from "../helpers/test-config.js";

/** The message the Lambda functions refuse `env` with. */
function lambdaErrorFor(env: Record<string, string | undefined>): string {
  try {
    lambdaAssemblyOptions(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
  throw new Error("expected a ConfigError");
}

// A Lambda function is a deployment, whatever NODE_ENV says (a deployment that forgot it must not serve development's defaults).
describe.each([undefined, "development", "test"])("on Lambda with NODE_ENV=%s", (nodeEnv) => {
  const lambdaEnv = (overrides: Record<string, string | undefined> = {}) =>
    productionEnv({ NODE_ENV: nodeEnv, LOG_LEVEL: "silent", ...overrides });

  test("a complete production environment loads, with production's rules", () => {
    expect(lambdaAssemblyOptions(lambdaEnv()).config).toMatchObject({
      production: true,
      baseUrl: "https://connect.example.com",
      auth: { mode: "workos" },
    });
  });

  test("AUTH_MODE=dev (anyone can pick any role) is refused", () => {
    expect(lambdaErrorFor(lambdaEnv({ AUTH_MODE: "dev" }))).toBe(
      "AUTH_MODE=dev (development sign-in, anyone can pick any role) is refused on Lambda: set AUTH_MODE=workos and the WORKOS_* variables",
    );
  });

  test.each([
    // Each of these has a development default: the local sign-in, a per-process secret, localhost, the embedded database.
    ["WORKOS_API_KEY", "WORKOS_API_KEY is required when AUTH_MODE is workos"],
    ["WORKOS_CLIENT_ID", "WORKOS_CLIENT_ID is required when AUTH_MODE is workos"],
    ["WORKOS_COOKIE_PASSWORD", "WORKOS_COOKIE_PASSWORD is required when AUTH_MODE is workos"],
    ["STATE_SECRET", "STATE_SECRET is required on Lambda"],
    ["BASE_URL", "BASE_URL is required on Lambda"],
    ["MONGODB_URI", "MONGODB_URI is required on Lambda"],
    ["APP_ID", "APP_ID is required on Lambda"],
    ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_ID is required on Lambda"],
    ["GITHUB_CLIENT_SECRET", "GITHUB_CLIENT_SECRET is required on Lambda"],
    ["APP_SLUG", "APP_SLUG is required on Lambda"],
  ])("without %s it stops with a line naming it", (name, message) => {
    expect(lambdaErrorFor(lambdaEnv({ [name]: undefined }))).toContain(message);
  });

  test("the attack's environment (no BASE_URL, no WORKOS_*) is refused, naming BASE_URL first", () => {
    const env = lambdaEnv({
      BASE_URL: undefined,
      WORKOS_API_KEY: undefined,
      WORKOS_CLIENT_ID: undefined,
      WORKOS_COOKIE_PASSWORD: undefined,
    });
    expect(lambdaErrorFor(env)).toMatch(/^BASE_URL is required on Lambda/);
  });

  // serverless.yml reads both from SSM with '' for a parameter that does not exist.
  const SECRET = `whsec_${Buffer.from("event-signing-secret-for-tests!!").toString("base64")}`;

  test("EVENT_ENDPOINTS and EVENT_SIGNING_SECRET from SSM configure delivery; both parameters missing ('') send nothing", () => {
    expect(
      lambdaAssemblyOptions(
        lambdaEnv({ EVENT_ENDPOINTS: "https://hooks.example.com/events", EVENT_SIGNING_SECRET: SECRET }),
      ).config.eventDelivery,
    ).toEqual({ endpoints: ["https://hooks.example.com/events"], signingSecret: SECRET });
    expect(
      lambdaAssemblyOptions(lambdaEnv({ EVENT_ENDPOINTS: "", EVENT_SIGNING_SECRET: "" })).config.eventDelivery,
    ).toBeNull();
  });

  test("one event parameter without the other, or an http endpoint, is refused", () => {
    expect(
      lambdaErrorFor(lambdaEnv({ EVENT_ENDPOINTS: "https://hooks.example.com", EVENT_SIGNING_SECRET: "" })),
    ).toMatch(/^EVENT_SIGNING_SECRET is required/);
    expect(lambdaErrorFor(lambdaEnv({ EVENT_ENDPOINTS: "", EVENT_SIGNING_SECRET: SECRET }))).toMatch(
      /^EVENT_ENDPOINTS is required/,
    );
    // Production's rule on Lambda, even to loopback.
    expect(
      lambdaErrorFor(lambdaEnv({ EVENT_ENDPOINTS: "http://127.0.0.1:4000", EVENT_SIGNING_SECRET: SECRET })),
    ).toMatch(/^EVENT_ENDPOINTS: "http:\/\/127.0.0.1:4000" must be https/);
  });
});
