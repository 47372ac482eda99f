import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { isDuplicateKeyError } from "./duplicate-key.js";
import type { Models } from "../models/index.js";

/** The lease was renewed too late (another run took it) or it vanished: stop without touching it. */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
}

export interface HeldLease {
  readonly acquired: true;
  readonly holder: string;
  /** Pushes expiresAt a full term ahead; throws LeaseLostError when it is no longer ours. */
  renew(): Promise<void>;
  /** Renews when a third of the term has passed since the last renewal. */
  renewIfDue(): Promise<void>;
  /** Ends it now (only ours: another run's lease is never removed). */
  release(): Promise<void>;
}

export interface LeaseHeldElsewhere {
  readonly acquired: false;
  readonly heldBy: string;
  readonly expiresAt: Date;
}

export interface LeaseOptions {
  name: string;
  ttlMs: number;
  now: () => Date;
  /** Names this run; by default host, pid and a random part. */
  holder?: string;
}

export const newHolderId = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * Takes the job's lease, or says who holds it. Taking is an insert that the unique index on
 * `name` lets only one run win (a duplicate key means another run holds it). An expired lease
 * (its holder crashed) is deleted by _id and the insert tried once more. Not a conditional
 * findOneAndUpdate upsert over an expired lease: FerretDB 1.x serves findAndModify as a query
 * and then a separate write by _id (internal/handler/msg_findandmodify.go), so two runs taking
 * the same expired lease could both succeed; two inserts cannot.
 */
export async function acquireLease(
  models: Pick<Models, "JobLease">,
  options: LeaseOptions,
): Promise<HeldLease | LeaseHeldElsewhere> {
  const { name, ttlMs, now } = options;
  const holder = options.holder ?? newHolderId();
  const { JobLease } = models;
  for (let attempt = 0; attempt < 3; attempt++) {
    const at = now();
    try {
      await JobLease.create({ name, holder, acquiredAt: at, expiresAt: new Date(at.getTime() + ttlMs) });
      return heldLease(models, options, holder, at);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const current = await JobLease.findOne({ name }).lean();
    if (!current) continue; // released between our insert and this read
    if (current.expiresAt > at) return { acquired: false, heldBy: current.holder, expiresAt: current.expiresAt };
    // Only that expired lease: a run that took it meanwhile inserted a new document (new _id).
    await JobLease.deleteOne({ _id: current._id, holder: current.holder, expiresAt: current.expiresAt });
  }
  const current = await JobLease.findOne({ name }).lean();
  return { acquired: false, heldBy: current?.holder ?? "unknown", expiresAt: current?.expiresAt ?? now() };
}

function heldLease(
  models: Pick<Models, "JobLease">,
  options: LeaseOptions,
  holder: string,
  acquiredAt: Date,
): HeldLease {
  const { name, ttlMs, now } = options;
  let renewedAt = acquiredAt;
  const renew = async () => {
    const at = now();
    // Past its own term the lease may already be another run's: do not stretch it.
    if (at.getTime() - renewedAt.getTime() >= ttlMs)
      throw new LeaseLostError(`the ${name} lease expired before it was renewed`);
    const result = await models.JobLease.updateOne(
      { name, holder },
      { $set: { expiresAt: new Date(at.getTime() + ttlMs) } },
    );
    if (result.matchedCount === 0) throw new LeaseLostError(`the ${name} lease is no longer held by this run`);
    renewedAt = at;
  };
  return {
    acquired: true,
    holder,
    renew,
    async renewIfDue() {
      if (now().getTime() - renewedAt.getTime() >= ttlMs / 3) await renew();
    },
    async release() {
      await models.JobLease.deleteOne({ name, holder });
    },
  };
}
