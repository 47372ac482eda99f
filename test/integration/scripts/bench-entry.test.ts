import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/*
 * `npm run bench` runs outside vitest and imports test helpers (the config, the webhook fixtures):
 * one of them importing vitest once broke every benchmark. Asking for a benchmark that does not
 * exist loads every module and stops before any database starts.
 */
test("npm run bench loads outside vitest: an unknown benchmark is named, with the ones that exist", async () => {
  const run = promisify(execFile)(process.execPath, ["--import", "tsx", "bench/run.ts", "no-such-benchmark"], {
    cwd: root,
    timeout: 60_000,
  });
  const failure = await run.then(
    () => null,
    (error: { code?: number; stderr?: string }) => error,
  );
  expect(failure?.code).toBe(1);
  expect(failure?.stderr).toContain(
    'unknown benchmark "no-such-benchmark"; choose from webhook-ingest, cold-start, reconnect, settings-page, event-delivery, client-token',
  );
  expect(failure?.stderr).not.toContain("Vitest");
});
