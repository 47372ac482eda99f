import { describe, expect, test } from "vitest";
import { testConfig, testEnv, configErrorFor } from "../helpers/test-config.js";

const MB = 1024 * 1024;

describe("WEBHOOK_BODY_MEMORY_MB (the webhook bodies the Node server holds at once)", () => {
  test("100 MB unless set; a whole number of MB from one delivery at GitHub's cap to 4096", () => {
    expect(testConfig().webhookBodyMemoryBytes).toBe(100 * MB);
    expect(testConfig({ WEBHOOK_BODY_MEMORY_MB: "25" }).webhookBodyMemoryBytes).toBe(25 * MB);
    expect(testConfig({ WEBHOOK_BODY_MEMORY_MB: "4096" }).webhookBodyMemoryBytes).toBe(4096 * MB);
  });

  test("a value a delivery at the cap cannot fit in, or no number of MB, stops start-up naming the variable", () => {
    for (const bad of ["24", "0", "4097", "100MB", "1e3", "-50", "50.5"]) {
      expect(configErrorFor(testEnv({ WEBHOOK_BODY_MEMORY_MB: bad })), bad).toBe(
        `WEBHOOK_BODY_MEMORY_MB must be a whole number of megabytes from 25 (one delivery at GitHub's 25 MB cap) to 4096, got "${bad}"`,
      );
    }
  });
});

describe("MAX_CONNECTIONS_PER_ADDRESS (the Node server's connections one client address may hold)", () => {
  test("100 unless set; from 1 to the server's cap of 1,000", () => {
    expect(testConfig().maxConnectionsPerAddress).toBe(100);
    expect(testConfig({ MAX_CONNECTIONS_PER_ADDRESS: "1" }).maxConnectionsPerAddress).toBe(1);
    expect(testConfig({ MAX_CONNECTIONS_PER_ADDRESS: "1000" }).maxConnectionsPerAddress).toBe(1000);
  });

  test("anything else stops start-up naming the variable", () => {
    for (const bad of ["0", "1001", "many", "-1", "2.5"]) {
      expect(configErrorFor(testEnv({ MAX_CONNECTIONS_PER_ADDRESS: bad })), bad).toBe(
        `MAX_CONNECTIONS_PER_ADDRESS must be a whole number from 1 to 1000 (the server's cap), got "${bad}"`,
      );
    }
  });
});
