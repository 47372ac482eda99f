import { describe, expect, test } from "vitest";
import { configErrorFor, productionEnv, testConfig, testEnv } from "../helpers/test-config.js";

// EVENT_ENDPOINTS and EVENT_SIGNING_SECRET (docs/configuration.md), validated once at start-up.
const SECRET = `whsec_${Buffer.from("event-signing-secret-for-tests!!").toString("base64")}`;

describe("EVENT_ENDPOINTS and EVENT_SIGNING_SECRET", () => {
  test("neither set: nothing is sent", () => {
    expect(testConfig().eventDelivery).toBeNull();
  });

  test("comma-separated https URLs, and loopback http outside production", () => {
    const config = testConfig({
      EVENT_ENDPOINTS: " https://hooks.example.com/a , http://127.0.0.1:4000/events,http://localhost/x",
      EVENT_SIGNING_SECRET: SECRET,
    });
    expect(config.eventDelivery).toEqual({
      endpoints: ["https://hooks.example.com/a", "http://127.0.0.1:4000/events", "http://localhost/x"],
      signingSecret: SECRET,
    });
  });

  test("one without the other is refused, naming the missing one", () => {
    expect(configErrorFor(testEnv({ EVENT_ENDPOINTS: "https://hooks.example.com" }))).toMatch(
      /^EVENT_SIGNING_SECRET is required/,
    );
    expect(configErrorFor(testEnv({ EVENT_SIGNING_SECRET: SECRET }))).toMatch(/^EVENT_ENDPOINTS is required/);
  });

  test("http to another host, or any http in production, is refused", () => {
    expect(
      configErrorFor(testEnv({ EVENT_ENDPOINTS: "http://hooks.example.com", EVENT_SIGNING_SECRET: SECRET })),
    ).toMatch(/^EVENT_ENDPOINTS: "http:\/\/hooks.example.com" must be https/);
    expect(
      configErrorFor(productionEnv({ EVENT_ENDPOINTS: "http://127.0.0.1:4000", EVENT_SIGNING_SECRET: SECRET })),
    ).toMatch(/^EVENT_ENDPOINTS: .* must be https in production/);
    expect(configErrorFor(testEnv({ EVENT_ENDPOINTS: "not a url", EVENT_SIGNING_SECRET: SECRET }))).toMatch(
      /^EVENT_ENDPOINTS: "not a url" is not an absolute URL/,
    );
    expect(
      configErrorFor(testEnv({ EVENT_ENDPOINTS: "https://u:p@hooks.example.com", EVENT_SIGNING_SECRET: SECRET })),
    ).toMatch(/^EVENT_ENDPOINTS: .* must not carry credentials/);
  });

  test("a secret that is not whsec_ and base64 of at least 24 bytes is refused", () => {
    for (const secret of ["plain-secret", "whsec_", "whsec_c2hvcnQ=", "whsec_not base64!"]) {
      expect(
        configErrorFor(testEnv({ EVENT_ENDPOINTS: "https://hooks.example.com", EVENT_SIGNING_SECRET: secret })),
      ).toMatch(/^EVENT_SIGNING_SECRET must be a Standard Webhooks secret/);
    }
  });

  test("production accepts https endpoints", () => {
    const env = productionEnv({ EVENT_ENDPOINTS: "https://hooks.example.com/events", EVENT_SIGNING_SECRET: SECRET });
    expect(testConfig(env).eventDelivery?.endpoints).toEqual(["https://hooks.example.com/events"]);
  });
});
