import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config/env.js";
import {
  TEST_WORKOS_API_KEY,
  TEST_WORKOS_CLIENT_ID,
  TEST_WORKOS_COOKIE_PASSWORD,
  workosEnv,
} from "../../helpers/auth.js";
import { testEnv } from "../../helpers/test-config.js";

/** What production needs besides sign-in. */
const productionEnv = (overrides: Record<string, string | undefined>) =>
  testEnv({
    NODE_ENV: "production",
    BASE_URL: "https://connect.example.com",
    MONGODB_URI: "mongodb://db.example.com/connect",
    STATE_SECRET: "state-secret-for-the-production-tests-0123",
    ...overrides,
  });

/** Every config source file, as anyone reading the repository sees it. */
function sourceOfConfig(): string {
  const dir = new URL("../../../src/config/", import.meta.url);
  return readdirSync(dir)
    .map((name) => readFileSync(new URL(name, dir), "utf8"))
    .join("\n");
}

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("sign-in configuration", () => {
  it("defaults to dev sign-in outside production when WORKOS_API_KEY is unset, sealing with a random per-process password", () => {
    const { auth } = loadConfig(testEnv());
    expect(auth).toMatchObject({ mode: "dev", secureCookies: false });
    expect(auth.cookiePassword.length).toBeGreaterThanOrEqual(32);
    // The same for the whole process (every config seals alike), and written nowhere anyone can read it.
    expect(loadConfig(testEnv()).auth.cookiePassword).toBe(auth.cookiePassword);
    expect(sourceOfConfig()).not.toContain(auth.cookiePassword);
  });

  it.each(["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"])(
    "dev sign-in is served with BASE_URL %s",
    (baseUrl) => {
      expect(loadConfig(testEnv({ BASE_URL: baseUrl })).auth.mode).toBe("dev");
    },
  );

  it("dev sign-in with a BASE_URL that is not this machine is refused, naming AUTH_MODE and BASE_URL, whatever NODE_ENV says", () => {
    for (const NODE_ENV of ["staging", "development", "test", undefined]) {
      expect(configError(testEnv({ NODE_ENV, BASE_URL: "https://connect.example.com" })).message).toBe(
        "AUTH_MODE=dev (the default when WORKOS_API_KEY is unset outside production): development sign-in (anyone can pick any role) needs BASE_URL on localhost, " +
          'got "https://connect.example.com": set AUTH_MODE=workos and the WORKOS_* variables, or use BASE_URL=http://localhost:<port>',
      );
    }
    expect(configError(testEnv({ AUTH_MODE: "dev", BASE_URL: "http://10.0.0.5:3000" })).message).toMatch(
      /^AUTH_MODE=dev: development sign-in .* needs BASE_URL on localhost/,
    );
  });

  it("dev sign-in listening beyond loopback is refused, naming HOST", () => {
    expect(configError(testEnv({ AUTH_MODE: "dev", HOST: "0.0.0.0" })).message).toMatch(
      /^AUTH_MODE=dev: development sign-in .* needs HOST on loopback, got "0.0.0.0"/,
    );
    expect(loadConfig(testEnv({ HOST: "::1" })).host).toBe("::1");
  });

  it("defaults to workos when WORKOS_API_KEY is set", () => {
    const { auth } = loadConfig(testEnv({ ...workosEnv(), AUTH_MODE: undefined }));
    expect(auth).toEqual({
      mode: "workos",
      cookiePassword: TEST_WORKOS_COOKIE_PASSWORD,
      secureCookies: false,
      workos: { apiKey: TEST_WORKOS_API_KEY, clientId: TEST_WORKOS_CLIENT_ID },
    });
  });

  it("refuses AUTH_MODE=dev in production, naming AUTH_MODE", () => {
    const error = configError(productionEnv({ ...workosEnv(), AUTH_MODE: "dev" }));
    expect(error.message).toMatch(/^AUTH_MODE=dev .* refused in production/);
  });

  it("production without WorkOS credentials is workos mode and says which variable is missing", () => {
    expect(configError(productionEnv({})).message).toMatch(
      /^WORKOS_COOKIE_PASSWORD is required when AUTH_MODE is workos/,
    );
    expect(configError(productionEnv({ WORKOS_COOKIE_PASSWORD: TEST_WORKOS_COOKIE_PASSWORD })).message).toMatch(
      /^WORKOS_API_KEY is required/,
    );
    expect(
      configError(productionEnv({ WORKOS_COOKIE_PASSWORD: TEST_WORKOS_COOKIE_PASSWORD, WORKOS_API_KEY: "sk_live_x" }))
        .message,
    ).toMatch(/^WORKOS_CLIENT_ID is required/);
  });

  it("production with WorkOS is workos mode with Secure cookies", () => {
    const { auth } = loadConfig(productionEnv(workosEnv({ AUTH_MODE: undefined })));
    expect(auth.mode).toBe("workos");
    expect(auth.secureCookies).toBe(true);
  });

  it("refuses a WORKOS_COOKIE_PASSWORD shorter than 32 characters, in either mode", () => {
    expect(configError(testEnv(workosEnv({ WORKOS_COOKIE_PASSWORD: "short-password" }))).message).toBe(
      "WORKOS_COOKIE_PASSWORD must be at least 32 characters (it seals session cookies), got 14",
    );
    expect(configError(testEnv({ AUTH_MODE: "dev", WORKOS_COOKIE_PASSWORD: "x".repeat(31) })).message).toMatch(
      /^WORKOS_COOKIE_PASSWORD must be at least 32/,
    );
  });

  it("dev mode seals with WORKOS_COOKIE_PASSWORD when it is set", () => {
    expect(loadConfig(testEnv({ WORKOS_COOKIE_PASSWORD: "y".repeat(32) })).auth.cookiePassword).toBe("y".repeat(32));
  });

  it("refuses an unknown AUTH_MODE", () => {
    expect(configError(testEnv({ AUTH_MODE: "saml" })).message).toBe('AUTH_MODE must be "workos" or "dev", got "saml"');
  });
});
