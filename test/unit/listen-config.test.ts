import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";
import { createLambdaAssembly } from "../../src/lambda/container.js";
import { workosEnv } from "../helpers/auth.js";
import { configErrorFor as errorFor, productionEnv, testEnv } from "../helpers/test-config.js";

describe("HOST (where the Node server listens)", () => {
  test("outside production the server listens on loopback only: development sign-in and setup mode", () => {
    expect(loadConfig(testEnv()).host).toBe("127.0.0.1");
    expect(loadConfig({ NODE_ENV: "development" })).toMatchObject({ setupMode: true, host: "127.0.0.1" });
    expect(loadConfig(testEnv(workosEnv())).host).toBe("127.0.0.1");
  });

  test("production keeps listening on every interface", () => {
    expect(loadConfig(productionEnv()).host).toBe("0.0.0.0");
  });

  test("HOST chooses otherwise, where no development sign-in is served", () => {
    expect(loadConfig({ NODE_ENV: "development", HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(loadConfig(testEnv(workosEnv({ HOST: "[::]" }))).host).toBe("::");
    expect(loadConfig(productionEnv({ HOST: "10.0.0.5" })).host).toBe("10.0.0.5");
  });

  test("a HOST that is no address is named", () => {
    expect(errorFor(testEnv({ HOST: "http://0.0.0.0" }))).toBe(
      'HOST must be an IP address or host name to listen on, such as 127.0.0.1 or 0.0.0.0, got "http://0.0.0.0"',
    );
  });
});

describe("TRUST_PROXY (whose X-Forwarded-For to believe)", () => {
  test("unset, no proxy is trusted", () => {
    expect(loadConfig(testEnv()).trustProxy).toBe(false);
    expect(loadConfig(productionEnv()).trustProxy).toBe(false);
  });

  test("a hop count, or addresses and subnets as Express takes them", () => {
    expect(loadConfig(testEnv({ TRUST_PROXY: "1" })).trustProxy).toBe(1);
    expect(
      loadConfig(testEnv({ TRUST_PROXY: "loopback, 10.0.0.0/8,fd00::/8, 192.168.1.1/255.255.255.0, 203.0.113.7" }))
        .trustProxy,
    ).toEqual(["loopback", "10.0.0.0/8", "fd00::/8", "192.168.1.1/255.255.255.0", "203.0.113.7"]);
  });

  test.each(["true", "everyone", "10.0.0.0/33", "10.0.0.1,,nope", "1.5"])(
    "%s is refused, naming TRUST_PROXY",
    (value) => {
      expect(errorFor(testEnv({ TRUST_PROXY: value }))).toMatch(
        /^TRUST_PROXY must be the number of proxies in front of the server \(e\.g\. 1\) or their comma-separated addresses\/subnets/,
      );
    },
  );

  test("on Lambda it is refused: the client's IP comes from API Gateway", () => {
    const lambdaEnv = (overrides: Record<string, string | undefined>) =>
      productionEnv({ LOG_LEVEL: "silent", ...overrides });
    expect(createLambdaAssembly(lambdaEnv({})).config.trustProxy).toBe(false);
    expect(() => createLambdaAssembly(lambdaEnv({ TRUST_PROXY: "1" }))).toThrow(
      new ConfigError(
        "TRUST_PROXY does not apply on Lambda: the client's IP comes from API Gateway's requestContext; unset it",
      ),
    );
  });

  test("true says why it is refused", () => {
    expect(errorFor(testEnv({ TRUST_PROXY: "true" }))).toContain(
      "true would let any client choose its own IP with X-Forwarded-For",
    );
  });
});
