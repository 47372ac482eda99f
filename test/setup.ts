import nock from "nock";
import { afterEach, beforeAll } from "vitest";

// Only GitHub and WorkOS are replaced; our own server and database on loopback are real.
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
});

// Every recorded GitHub/WorkOS call a test set up must have been made.
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0)
    throw new Error(`GitHub/WorkOS calls the test expected were not made:\n  ${pending.join("\n  ")}`);
});
