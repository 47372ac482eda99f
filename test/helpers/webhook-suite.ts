import { useTestServer, type TestServerHolder } from "./use-test-server.js";

/** A real server and a clean database for one webhook test file, emptied before each test. */
export function useWebhookServer(): TestServerHolder {
  return useTestServer(undefined, { emptyBetweenTests: true });
}
