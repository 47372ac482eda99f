import { describe, expect, test } from "vitest";
import { acquireLease, LeaseLostError } from "../../../src/db/lease.js";
import { useTestModels } from "../../helpers/use-test-server.js";

// One run of a job at a time, on MongoDB and FerretDB alike: the lease is an insert the unique
// index on the job's name lets only one taker win.
const db = useTestModels();
const T0 = new Date("2026-11-24T12:00:00Z");
const TTL = 5 * 60_000;
const at = (ms: number) => () => new Date(T0.getTime() + ms);

describe("job lease", () => {
  test("five runs taking it at once: exactly one holds it, the others are told who does", async () => {
    await db.models.JobLease.deleteMany({});
    const results = await Promise.all(
      ["a", "b", "c", "d", "e"].map((holder) =>
        acquireLease(db.models, { name: "race", ttlMs: TTL, now: at(0), holder }),
      ),
    );
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const holder = winners[0]!.holder;
    for (const loser of results.filter((r) => !r.acquired))
      expect(loser).toMatchObject({ heldBy: holder, expiresAt: new Date(T0.getTime() + TTL) });
    expect(await db.models.JobLease.countDocuments({ name: "race" })).toBe(1);
  });

  test("an expired lease (its holder crashed) is taken over; the old holder can neither renew nor release the new one", async () => {
    await db.models.JobLease.deleteMany({});
    const crashed = await acquireLease(db.models, { name: "job", ttlMs: TTL, now: at(0), holder: "crashed" });
    expect(crashed.acquired).toBe(true);
    expect(await acquireLease(db.models, { name: "job", ttlMs: TTL, now: at(TTL - 1), holder: "early" })).toMatchObject(
      { acquired: false, heldBy: "crashed" },
    );

    const next = await acquireLease(db.models, { name: "job", ttlMs: TTL, now: at(TTL + 1), holder: "next" });
    expect(next.acquired).toBe(true);
    if (!crashed.acquired) throw new Error("unreachable");
    await expect(crashed.renew()).rejects.toBeInstanceOf(LeaseLostError);
    await crashed.release();
    expect(await db.models.JobLease.findOne({ name: "job" }).lean()).toMatchObject({ holder: "next" });
  });

  test("renewing pushes the expiry a full term ahead; releasing frees it at once", async () => {
    await db.models.JobLease.deleteMany({});
    let now = T0;
    const lease = await acquireLease(db.models, { name: "job", ttlMs: TTL, now: () => now, holder: "me" });
    if (!lease.acquired) throw new Error("not acquired");
    now = new Date(T0.getTime() + 60_000);
    await lease.renewIfDue(); // a fifth of the term: not due
    expect((await db.models.JobLease.findOne({ name: "job" }).lean())?.expiresAt).toEqual(new Date(T0.getTime() + TTL));
    now = new Date(T0.getTime() + 2 * 60_000);
    await lease.renewIfDue();
    expect((await db.models.JobLease.findOne({ name: "job" }).lean())?.expiresAt).toEqual(
      new Date(now.getTime() + TTL),
    );
    await lease.release();
    expect(await acquireLease(db.models, { name: "job", ttlMs: TTL, now: () => now, holder: "other" })).toMatchObject({
      acquired: true,
      holder: "other",
    });
  });
});
