import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";
import { isPublicHost } from "../../src/config/network.js";
import { createLambdaAssembly } from "../../src/lambda/container.js";
import { productionEnv, testEnv } from "../helpers/test-config.js";

describe("WEBHOOK_PROXY_URL (a smee.io channel GitHub can reach, forwarded here)", () => {
  test("unset: none; SMEE_URL defaults to smee.io", () => {
    expect(loadConfig(testEnv()).webhookProxy).toEqual({ url: undefined, smeeUrl: "https://smee.io" });
  });

  test("a channel URL, on smee.io or a self-hosted smee", () => {
    expect(loadConfig(testEnv({ WEBHOOK_PROXY_URL: "https://smee.io/AbC123_x-Y" })).webhookProxy.url).toBe(
      "https://smee.io/AbC123_x-Y",
    );
    const own = loadConfig(
      testEnv({ WEBHOOK_PROXY_URL: "http://127.0.0.1:7000/chan", SMEE_URL: "http://127.0.0.1:7000/" }),
    ).webhookProxy;
    expect(own).toEqual({ url: "http://127.0.0.1:7000/chan", smeeUrl: "http://127.0.0.1:7000" });
  });

  test.each([
    "smee.io/AbC123",
    "https://smee.io",
    "https://smee.io/",
    "https://smee.io/a b",
    "https://smee.io/abc?x=1",
    "ftp://smee.io/abc",
    "https://user:pw@smee.io/abc",
  ])("%s is refused with a line saying where to get one", (raw) => {
    expect(() => loadConfig(testEnv({ WEBHOOK_PROXY_URL: raw }))).toThrow(ConfigError);
    expect(() => loadConfig(testEnv({ WEBHOOK_PROXY_URL: raw }))).toThrow(
      /^WEBHOOK_PROXY_URL must be a smee\.io channel URL .*https:\/\/smee\.io\/new/,
    );
  });

  test("on Lambda it is refused: GitHub reaches the function itself, and nothing there would forward it", () => {
    expect(() =>
      createLambdaAssembly(productionEnv({ LOG_LEVEL: "silent", WEBHOOK_PROXY_URL: "https://smee.io/AbC123" })),
    ).toThrow(
      new ConfigError(
        "WEBHOOK_PROXY_URL does not apply on Lambda: GitHub delivers to the webhooks function's own URL; unset it",
      ),
    );
  });

  test("a SMEE_URL that is no http(s) address is named", () => {
    expect(() => loadConfig(testEnv({ SMEE_URL: "smee" }))).toThrow(/^SMEE_URL must be/);
  });
});

describe("a host GitHub can reach", () => {
  test.each([
    "localhost",
    "app.localhost",
    "127.0.0.1",
    "127.8.9.1",
    "[::1]",
    "::1",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.20",
    "169.254.1.1",
    "100.64.0.1",
    "0.0.0.0",
    "fd12::1",
    "fe80::1",
    "::ffff:192.168.1.1",
    "myhost",
    "box.local",
    "db.internal",
  ])("%s is not public", (host) => expect(isPublicHost(host)).toBe(false));

  test.each(["connect.example.com", "203.0.113.9", "172.32.0.1", "8.8.8.8", "2001:db8::1", "abc.ngrok-free.app"])(
    "%s is public",
    (host) => expect(isPublicHost(host)).toBe(true),
  );
});
