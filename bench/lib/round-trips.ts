/**
 * Database round trips per delivery: each lifecycle event delivered once through the real
 * server (in this process, on a connection with command monitoring) in its common case, and a
 * redelivery of one already processed. Same scenarios as test/integration/webhooks/round-trips.test.ts.
 */
import mongoose from "mongoose";
import { countCommands } from "../../src/db/command-counter.js";
import {
  measureDuplicate,
  measureScenario,
  ROUND_TRIP_SCENARIOS,
  type RoundTripResult,
} from "../../test/helpers/round-trips.js";
import { startTestServer } from "../../test/helpers/test-server.js";
import type { BenchDatabase } from "./database.js";

export async function measureRoundTrips(db: BenchDatabase): Promise<RoundTripResult[]> {
  const dbName = `bench_round_trips_${Date.now()}`;
  const connection = await mongoose
    .createConnection(db.uriFor(dbName), { serverSelectionTimeoutMS: 5000, monitorCommands: true })
    .asPromise();
  const server = await startTestServer({ connection });
  const counter = countCommands(connection);
  try {
    const target = { url: server.url, models: server.models, counter };
    const results: RoundTripResult[] = [];
    for (const scenario of ROUND_TRIP_SCENARIOS) results.push(await measureScenario(scenario, target));
    results.push(await measureDuplicate(target));
    const failed = results.find((r) => r.status !== 200);
    if (failed) throw new Error(`round trips: ${failed.name} answered ${failed.status}`);
    return results;
  } finally {
    counter.stop();
    await server.close();
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
}
