import type { Connection } from "mongoose";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { connectTestDatabase, dropAndClose } from "./database.js";
import { startTestServer, type TestServer } from "./test-server.js";

/**
 * A real server and a clean database for one webhook test file; collections are emptied
 * before each test so every test states its own starting point.
 */
export function useWebhookServer(): { readonly server: TestServer } {
  let connection: Connection;
  const holder = {} as { server: TestServer };
  beforeAll(async () => {
    connection = await connectTestDatabase();
    holder.server = await startTestServer({ connection });
  });
  beforeEach(async () => {
    await Promise.all(Object.values(holder.server.models).map((model) => (model as { deleteMany(f: object): Promise<unknown> }).deleteMany({})));
  });
  afterAll(async () => {
    await holder.server?.close();
    await dropAndClose(connection);
  });
  return holder;
}
