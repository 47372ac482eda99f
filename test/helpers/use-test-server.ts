import type { Connection } from "mongoose";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { toPublicEvent } from "../../src/events/event-feed.js";
import { eventSchemaErrors, eventValidators } from "./event-schemas.js";
import { connectTestDatabase, dropAndClose } from "./database.js";
import { createIndexes, createModels, type Models } from "../../src/models/index.js";
import { startTestServer, type TestServer } from "./test-server.js";

const validators = eventValidators();

/** Every event this test left in the database conforms to its schema in docs/events.md. */
export async function expectDocumentedEvents(models: Pick<Models, "Event"> | undefined): Promise<void> {
  if (!models) return;
  const events = await models.Event.find({}).lean();
  expect(events.flatMap((event) => eventSchemaErrors(validators, toPublicEvent(event)))).toEqual([]);
}

export interface TestServerHolder {
  readonly server: TestServer;
}

/**
 * One real server on this test file's own clean database, started before the file's tests and
 * closed after them. `emptyBetweenTests` empties every collection before each test, so every
 * test states its own starting point. Hooks the file registers after this one run after it.
 */
export function useTestServer(
  start: (connection: Connection) => Promise<TestServer> = (connection) => startTestServer({ connection }),
  options: { emptyBetweenTests?: boolean } = {},
): TestServerHolder {
  let connection: Connection;
  const holder = {} as { server: TestServer };
  beforeAll(async () => {
    connection = await connectTestDatabase();
    holder.server = await start(connection);
  });
  afterEach(() => expectDocumentedEvents(holder.server?.models));
  if (options.emptyBetweenTests) {
    beforeEach(async () => {
      await Promise.all(
        Object.values(holder.server.models).map((model) =>
          (model as { deleteMany(f: object): Promise<unknown> }).deleteMany({}),
        ),
      );
    });
  }
  afterAll(async () => {
    await holder.server?.close();
    await dropAndClose(connection);
  });
  return holder;
}

export interface TestModelsHolder {
  readonly models: Models;
}

/** Every model bound to this test file's own clean database, indexes built as at start-up. */
export function useTestModels(): TestModelsHolder {
  let connection: Connection;
  const holder = {} as { models: Models };
  beforeAll(async () => {
    connection = await connectTestDatabase();
    holder.models = createModels(connection);
    await createIndexes(holder.models);
  });
  afterEach(() => expectDocumentedEvents(holder.models));
  afterAll(() => dropAndClose(connection));
  return holder;
}
