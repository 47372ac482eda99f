import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { configErrorFor as errorFor, productionEnv, testEnv } from "../helpers/test-config.js";

/** One line, starting with the variable's name. */
const refusal = (name: string) => new RegExp(`^${name}\\b[^\\n]*$`);

describe("production refuses weak values, each with one line naming the variable", () => {
  test("the helpers' production environment is itself acceptable", () => {
    expect(loadConfig(productionEnv()).production).toBe(true);
  });

  test.each([
    ["STATE_SECRET", "a".repeat(40)],
    ["STATE_SECRET", "abcabcabcabcabcabcabcabcabcabcabcabc"],
    ["STATE_SECRET", "passwordpasswordpasswordpassword"],
    ["WORKOS_COOKIE_PASSWORD", "x".repeat(32)],
    ["WORKOS_COOKIE_PASSWORD", "0101010101010101010101010101010101"],
    ["INTERNAL_API_TOKENS", "a".repeat(32)],
    ["INTERNAL_API_TOKENS", `svc-old-0123456789abcdef0123456789abcdef,${"b".repeat(40)}`],
  ])("%s of too few distinct characters (%s)", (name, value) => {
    const message = errorFor(productionEnv({ [name]: value }));
    expect(message).toMatch(refusal(name));
    expect(message).toMatch(/at least 8 different characters/);
    // The value itself is never echoed.
    expect(message).not.toContain(value.slice(0, 16));
  });

  test.each(["x", "short-secret", "0123456789abcdef012"])("WEBHOOK_SECRET=%s: shorter than 20 characters", (value) => {
    const message = errorFor(productionEnv({ WEBHOOK_SECRET: value }));
    expect(message).toMatch(refusal("WEBHOOK_SECRET"));
    expect(message).toMatch(/at least 20 characters/);
  });

  test("WEBHOOK_SECRET and MARKETPLACE_WEBHOOK_SECRET of one repeated character", () => {
    expect(errorFor(productionEnv({ WEBHOOK_SECRET: "z".repeat(40) }))).toMatch(refusal("WEBHOOK_SECRET"));
    expect(errorFor(productionEnv({ MARKETPLACE_WEBHOOK_SECRET: "x" }))).toMatch(refusal("MARKETPLACE_WEBHOOK_SECRET"));
  });

  test.each(["0.0.0.0/0", "::/0", "0.0.0.0/0.0.0.0", "10.0.0.1, 0.0.0.0/1", "::/3"])(
    "TRUST_PROXY=%s trusts (nearly) every address, as true would",
    (value) => {
      expect(errorFor(productionEnv({ TRUST_PROXY: value }))).toMatch(refusal("TRUST_PROXY"));
      expect(errorFor(testEnv({ TRUST_PROXY: value }))).toMatch(/as trusting as true/);
    },
  );

  test.each(["999", "6"])("TRUST_PROXY=%s hops is more than any real chain of proxies", (value) => {
    const message = errorFor(productionEnv({ TRUST_PROXY: value }));
    expect(message).toMatch(refusal("TRUST_PROXY"));
    expect(message).toMatch(/at most 5/);
  });

  test("narrower TRUST_PROXY values are still accepted", () => {
    expect(loadConfig(productionEnv({ TRUST_PROXY: "5" })).trustProxy).toBe(5);
    expect(loadConfig(productionEnv({ TRUST_PROXY: "10.0.0.0/8, fc00::/7, 0.0.0.0/8" })).trustProxy).toEqual([
      "10.0.0.0/8",
      "fc00::/7",
      "0.0.0.0/8",
    ]);
  });

  test.each(["http://connect.example.com", "http://localhost:3000", "http://127.0.0.1:3000"])(
    "BASE_URL=%s: plain http in production, where the cookies would lose Secure",
    (value) => {
      const message = errorFor(productionEnv({ BASE_URL: value }));
      expect(message).toMatch(refusal("BASE_URL"));
      expect(message).toMatch(/https:\/\//);
    },
  );

  test("outside production a plain-http BASE_URL still runs, on loopback", () => {
    expect(loadConfig(testEnv({ BASE_URL: "http://127.0.0.1:3000" })).auth.secureCookies).toBe(false);
  });

  test.each(["evil.example@ghes.corp", "user:pass@ghes.corp", "ghes.corp#frag", "ghes.corp?x=1", "ghes corp"])(
    "GHE_HOST=%s is no host name, in production or not",
    (value) => {
      expect(errorFor(productionEnv({ GHE_HOST: value }))).toMatch(refusal("GHE_HOST"));
      expect(errorFor(testEnv({ GHE_HOST: value }))).toMatch(refusal("GHE_HOST"));
    },
  );

  test("GHE_HOST as a host name, an address, with a port, is still accepted", () => {
    for (const host of ["ghes.example.com", "ghes.example.com:8443", "10.0.0.5:8080", "GHES.Example.com"])
      expect(loadConfig(productionEnv({ GHE_HOST: host })).github.enterpriseHost).toBe(host);
  });
});
