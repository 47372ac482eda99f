import { setTimeout as sleep } from "node:timers/promises";
import { acquireLease, type HeldLease } from "../db/lease.js";
import type { RepoEntitlements } from "../marketplace/entitlements.js";
import type { Models } from "../models/index.js";
import { RepoNotAllowedError } from "./repo-errors.js";
import { releaseRepoRecord, reserveRepoRecord } from "./repo-records.js";

/** Long enough for a count and an insert; a holder that crashed blocks its organization no longer than this. */
const LEASE_TTL_MS = 10_000;
/** How long a creation waits for the others of its organization to reserve theirs. */
const WAIT_MS = 15_000;
const POLL_MS = 25;

export interface ReservationDeps {
  models: Models;
  entitlements: RepoEntitlements;
  now: () => Date;
}

export interface RepoReservation {
  /** Gives the place back: GitHub created nothing. */
  release(): Promise<void>;
}

/**
 * The plan's repo limit under concurrent creations (rule 10): the check and the place it grants
 * are one step per organization. A short lease (an insert the unique index decides, which
 * FerretDB serves as atomically as MongoDB) is held while the limit is checked and a Repo
 * document with no GitHub id is inserted; the next creation then counts that document. The
 * lease is not held while GitHub creates the repository, so creations still run side by side.
 */
export async function reserveRepo(
  deps: ReservationDeps,
  organizationId: string,
  name: string,
): Promise<RepoReservation> {
  const lease = await waitForLease(deps, `repo-creation:${organizationId}`);
  let reserved = false;
  try {
    const allowance = await deps.entitlements.mayCreateRepo(organizationId, deps.now());
    if (!allowance.allowed) throw new RepoNotAllowedError(name, allowance.reason, allowance.upgradeUrl);
    reserved = await reserveRepoRecord(deps.models, organizationId, name);
  } finally {
    await lease.release();
  }
  return {
    async release() {
      if (reserved) await releaseRepoRecord(deps.models, organizationId, name);
    },
  };
}

async function waitForLease(deps: ReservationDeps, name: string): Promise<HeldLease> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const lease = await acquireLease(deps.models, { name, ttlMs: LEASE_TTL_MS, now: deps.now });
    if (lease.acquired) return lease;
    if (Date.now() > deadline) throw new Error(`${name}: another repository creation held the lease for ${WAIT_MS} ms`);
    await sleep(POLL_MS + Math.floor(Math.random() * POLL_MS));
  }
}
