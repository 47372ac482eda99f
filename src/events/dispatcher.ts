import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import type { Logger } from "pino";
import { Webhook } from "standardwebhooks";
import type { EventDeliveryConfig } from "../config/event-delivery.js";
import { isDuplicateKeyError } from "../db/duplicate-key.js";
import type { EventDoc } from "../models/event.js";
import type { EventDeliveryDoc } from "../models/event-delivery.js";
import type { Models } from "../models/index.js";
import { recordAudit } from "./audit-log.js";
import { toPublicEvent } from "./event-feed.js";
import { onEventRecorded, recordEvent, SERVED_TO_SERVICES } from "./event-log.js";

/**
 * The wait after each failed attempt (docs/events.md "Delivery"): the first retry within a
 * minute, the last one more than 24 hours after the first attempt; after it the delivery is failed.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  30_000,
  2 * 60_000,
  10 * 60_000,
  30 * 60_000,
  60 * 60_000,
  2 * 60 * 60_000,
  4 * 60 * 60_000,
  8 * 60 * 60_000,
  8 * 60 * 60_000,
  8 * 60 * 60_000,
];

/** One attempt's time limit (connecting, sending and the answer). */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** How long a claim holds a delivery: past the attempt's timeout, so a dispatcher that crashed mid-attempt is retried. */
const CLAIM_LEASE_MS = 60_000;
/** How much of an answer is read (for the log); the rest is dropped unread. */
const ANSWER_BODY_LIMIT = 1024;
/**
 * How far back each scan looks again for events: an event's _id is made by its writer before the
 * insert lands, so one written a little earlier can become visible after a later one.
 */
const SCAN_LOOKBACK_S = 60;
const SCAN_BATCH = 500;
const DUE_BATCH = 50;
/** How many delivery records a scan inserts at once. */
const CREATE_PARALLEL = 50;

type ScannedEvent = { _id: Types.ObjectId; eventId: string; organizationId: string };
type DispatcherModels = Pick<Models, "Event" | "EventDelivery" | "EventDeliveryClaim" | "EventScanCheckpoint">;
const SCAN_CHECKPOINT = "scan";

export interface DispatcherOptions {
  models: DispatcherModels;
  config: EventDeliveryConfig;
  log: Pick<Logger, "info" | "warn">;
  /** The clock deliveries are scheduled by (tests move it); the signature's timestamp is always the real time. */
  now?: () => Date;
  retryDelaysMs?: readonly number[];
}

const newToken = () => randomBytes(12).toString("hex");

/** The answer's first bytes, for the log; never reads more. */
async function answerSnippet(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ANSWER_BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, ANSWER_BODY_LIMIT).toString("utf8");
}

/**
 * What went wrong below HTTP. fetch says only "fetch failed" for every network error; the reason
 * (ECONNREFUSED, a reset, a TLS error) is in its cause, and the operator needs it in lastError.
 */
function failureMessage(error: unknown): string {
  const { message, cause } = error as Error;
  if (!(cause instanceof Error)) return message;
  const code = (cause as NodeJS.ErrnoException).code;
  const reason = cause.message || code || cause.name;
  return `${message}: ${reason}${code && !reason.includes(code) ? ` (${code})` : ""}`;
}

/** What a batch of attempts came to: each attempt is delivered, failed (retried later or for good), or cut short. */
export interface AttemptCounts {
  attempted: number;
  delivered: number;
  failed: number;
}

type AttemptOutcome = "delivered" | "failed" | "cut-short";

export interface Dispatcher {
  /** Creates the deliveries of the events recorded since the last scan; returns how many. */
  scan(): Promise<number>;
  /**
   * Creates the deliveries of these events only (this process recorded them), without a scan: a
   * wake-up round's. What it misses (an error) the next scan creates. Returns how many.
   */
  createRecorded(eventIds: readonly string[]): Promise<number>;
  /** Sends every delivery due now that this dispatcher claims; returns how many it attempted. */
  dispatchDue(): Promise<number>;
  /** dispatchDue, counting how the attempts went. */
  dispatchDueCounted(): Promise<AttemptCounts>;
  /** When the next pending delivery is due (claimed ones: when their claim expires); null: none is pending. */
  nextDueAt(): Promise<Date | null>;
  /**
   * A first attempt of these events' deliveries, within `budgetMs` in all (the Lambda invocation
   * that recorded them, before it answers). What is unfinished then is left to the scheduled
   * dispatch: a delivery not yet created is created by its scan, an attempt cut short is retried
   * once its claim expires. Resolves within the budget, never rejects: errors are logged.
   */
  deliverRecorded(eventIds: readonly string[], budgetMs: number): Promise<AttemptCounts>;
  /** Aborts the attempts under way (their claims expire and they are retried). */
  abort(): void;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { models, config, log } = options;
  const now = options.now ?? (() => new Date());
  const retryDelays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const webhook = new Webhook(config.signingSecret);
  const aborter = new AbortController();
  let scanFrom: Types.ObjectId | undefined;
  let savedThrough: Types.ObjectId | undefined;
  let prunedAt = 0;

  /**
   * From where the scans had read to (a restart, or a new Lambda container, picks up where the
   * last one stopped); before any checkpoint, from the newest event that has deliveries; else from start-up.
   */
  async function initialScanFrom(): Promise<Types.ObjectId> {
    const checkpoint = await models.EventScanCheckpoint.findOne({ name: SCAN_CHECKPOINT }).lean();
    const latest = checkpoint
      ? null
      : await models.EventDelivery.findOne({}, { eventObjectId: 1 }).sort({ eventObjectId: -1 }).lean();
    const through = checkpoint?.scannedThrough ?? latest?.eventObjectId;
    const from = through ? through.getTimestamp().getTime() : Date.now();
    return Types.ObjectId.createFromTime(Math.floor(from / 1000) - SCAN_LOOKBACK_S);
  }

  /** Moves the checkpoint forward, never back (a slower dispatcher's older position is ignored). */
  async function saveScanPosition(through: Types.ObjectId) {
    try {
      await models.EventScanCheckpoint.updateOne(
        { name: SCAN_CHECKPOINT },
        { $max: { scannedThrough: through }, $set: { updatedAt: now() } },
        { upsert: true },
      );
    } catch (error) {
      // Two first scans upserting at once: the other one created it; the next scan moves it on.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async function createDeliveries(events: ScannedEvent[]) {
    const existing = await models.EventDelivery.find(
      { eventId: { $in: events.map((event) => event.eventId) } },
      { eventId: 1, endpoint: 1 },
    ).lean();
    const have = new Set(existing.map((delivery) => `${delivery.eventId} ${delivery.endpoint}`));
    const missing = events.flatMap((event) =>
      config.endpoints
        .filter((endpoint) => !have.has(`${event.eventId} ${endpoint}`))
        .map((endpoint) => ({ event, endpoint })),
    );
    let created = 0;
    // Not one after the other: a burst's deliveries would wait on each other's round trip.
    for (let i = 0; i < missing.length; i += CREATE_PARALLEL) {
      await Promise.all(
        missing.slice(i, i + CREATE_PARALLEL).map(async ({ event, endpoint }) => {
          try {
            await models.EventDelivery.create({
              eventId: event.eventId,
              eventObjectId: event._id,
              organizationId: event.organizationId,
              endpoint,
              status: "pending",
              attempts: 0,
              nextAttemptAt: now(),
              claimToken: newToken(),
              createdAt: now(),
            });
            created++;
          } catch (error) {
            // Another dispatcher created it first: the unique index on (eventId, endpoint) keeps one.
            if (!isDuplicateKeyError(error)) throw error;
          }
        }),
      );
    }
    return created;
  }

  /** The events of these ids that are sent (the scan's filter), for their deliveries. */
  async function servedEvents(eventIds: readonly string[]): Promise<ScannedEvent[]> {
    // Events of no organization, and the console's own records, are never sent.
    return models.Event.find(
      { eventId: { $in: [...eventIds] }, organizationId: { $ne: null }, ...SERVED_TO_SERVICES },
      { _id: 1, eventId: 1, organizationId: 1 },
    ).lean<ScannedEvent[]>();
  }

  async function createRecorded(eventIds: readonly string[]): Promise<number> {
    if (eventIds.length === 0) return 0;
    const events = await servedEvents(eventIds);
    return events.length === 0 ? 0 : createDeliveries(events);
  }

  /**
   * Deletes the claims whose lease has run out (a holder that died, or one from before claims were
   * deleted on settling): the same as taking them over, which claim() does anyway; at most once a lease.
   */
  async function pruneClaims() {
    if (Date.now() - prunedAt < CLAIM_LEASE_MS) return;
    prunedAt = Date.now();
    await models.EventDeliveryClaim.deleteMany({ expiresAt: { $lt: now() } });
  }

  async function scan(): Promise<number> {
    let from = scanFrom ?? (await initialScanFrom());
    const lookback = Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000) - SCAN_LOOKBACK_S);
    let created = 0;
    let newest: Types.ObjectId | undefined;
    for (;;) {
      // Events of no organization are never sent: they belong to an installation nobody has claimed.
      const events: ScannedEvent[] = await models.Event.find(
        { _id: { $gt: from }, organizationId: { $ne: null }, ...SERVED_TO_SERVICES },
        { _id: 1, eventId: 1, organizationId: 1 },
      )
        .sort({ _id: 1 })
        .limit(SCAN_BATCH)
        .lean<ScannedEvent[]>();
      created += await createDeliveries(events);
      if (events.length > 0) newest = events[events.length - 1]!._id;
      if (events.length < SCAN_BATCH) break;
      from = newest!;
    }
    // Only when it read something new: the rescan of the last minute costs no write.
    if (newest && (!savedThrough || newest.toHexString() > savedThrough.toHexString())) {
      await saveScanPosition(newest);
      savedThrough = newest;
    }
    // Hex strings of equal length compare as the ObjectIds they spell.
    scanFrom = lookback.toHexString() > from.toHexString() ? lookback : from;
    await pruneClaims();
    return created;
  }

  /**
   * Takes a delivery for one attempt. Not with findOneAndUpdate, nor an updateOne conditioned on
   * what was read: FerretDB 1.x serves both as a read then a write, so two dispatchers can both
   * succeed (the two-dispatcher test saw it). Instead an insert into EventDeliveryClaim keyed by
   * (delivery, the claimToken read): its unique index lets one dispatcher through, on every
   * backend. The token changes when the attempt is settled, so the next attempt is a new key. A
   * claim whose holder died (past expiresAt) is deleted by its _id and raced for again, the
   * unique index again picking one winner.
   *
   * A settled attempt's claim is deleted (they would pile up forever), so an insert can succeed
   * for a token already settled, by a dispatcher that read the delivery before the settle: the
   * updateOne below, on the token read, then matches nothing (a token never comes back), and that
   * claim is given up. Returns the claim's _id, or null: not this dispatcher's attempt.
   */
  async function claim(delivery: EventDeliveryDoc & { _id: Types.ObjectId }): Promise<Types.ObjectId | null> {
    const key = { deliveryId: delivery._id, claimToken: delivery.claimToken };
    for (let round = 0; round < 2; round++) {
      let claimId: Types.ObjectId;
      try {
        claimId = (
          await models.EventDeliveryClaim.create({ ...key, expiresAt: new Date(now().getTime() + CLAIM_LEASE_MS) })
        )._id;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const held = await models.EventDeliveryClaim.findOne(key).lean();
        if (held && held.expiresAt > now()) return null;
        if (held) await models.EventDeliveryClaim.deleteOne({ _id: held._id });
        continue;
      }
      // Others skip it until the lease runs out, instead of racing for it every round.
      const leased = await models.EventDelivery.updateOne(
        { _id: delivery._id, claimToken: delivery.claimToken },
        { $set: { nextAttemptAt: new Date(now().getTime() + CLAIM_LEASE_MS) } },
      );
      if (leased.matchedCount > 0) return claimId;
      await models.EventDeliveryClaim.deleteOne({ _id: claimId });
      return null;
    }
    return null;
  }

  /** The events of these deliveries, in one read. */
  async function eventsOf(deliveries: ReadonlyArray<{ eventId: string }>): Promise<Map<string, EventDoc>> {
    if (deliveries.length === 0) return new Map();
    const events = await models.Event.find({ eventId: { $in: deliveries.map((d) => d.eventId) } }).lean<EventDoc[]>();
    return new Map(events.map((event) => [event.eventId, event]));
  }

  /**
   * Claims each of these deliveries (in parallel), reads their events in one query, makes the
   * attempts, then deletes the claims of the settled ones (an attempt cut short keeps its claim
   * until the lease runs out, as it is retried then). Returns how many this dispatcher claimed.
   */
  async function attemptAll(
    deliveries: ReadonlyArray<EventDeliveryDoc & { _id: Types.ObjectId }>,
    signal: AbortSignal,
    counts: AttemptCounts,
  ): Promise<number> {
    const claimed: Array<{ delivery: EventDeliveryDoc & { _id: Types.ObjectId }; claimId: Types.ObjectId }> = [];
    // The events are read beside the claims, not after them: one round trip less before the POSTs
    // (an unclaimed one's event is read for nothing, which only happens with another dispatcher).
    const [events] = await Promise.all([
      signal.aborted ? new Map<string, EventDoc>() : eventsOf(deliveries),
      ...deliveries.map(async (delivery) => {
        if (signal.aborted) return;
        const claimId = await claim(delivery);
        if (claimId) claimed.push({ delivery, claimId });
      }),
    ]);
    if (claimed.length === 0 || signal.aborted) return claimed.length;
    const settled: Types.ObjectId[] = [];
    await Promise.all(
      claimed.map(async ({ delivery, claimId }) => {
        const outcome = await attempt(delivery, delivery.claimToken, signal, events.get(delivery.eventId));
        count(counts, outcome);
        if (outcome !== "cut-short") settled.push(claimId);
      }),
    );
    // Its token changed when settled: nobody claims it again (claim() checks the token).
    if (settled.length > 0) await models.EventDeliveryClaim.deleteMany({ _id: { $in: settled } });
    return claimed.length;
  }

  async function settle(id: Types.ObjectId, token: string, update: Partial<EventDeliveryDoc>) {
    await models.EventDelivery.updateOne(
      { _id: id, claimToken: token },
      { $set: { ...update, claimToken: newToken() } },
    );
  }

  /** One POST; null on a 2xx, else what went wrong. */
  async function send(
    endpoint: string,
    eventId: string,
    body: string,
    signal: AbortSignal,
  ): Promise<{ status: number | null; error: string | null }> {
    const signedAt = new Date();
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        headers: {
          "content-type": "application/json",
          "user-agent": "github-connect-events",
          "webhook-id": eventId,
          "webhook-timestamp": String(Math.floor(signedAt.getTime() / 1000)),
          "webhook-signature": webhook.sign(eventId, signedAt, body),
        },
        body,
      });
      if (response.status >= 200 && response.status < 300) {
        // Accepted: the body is not needed, and waiting on one that stalls would turn it into a failure.
        await response.body?.cancel().catch(() => {});
        return { status: response.status, error: null };
      }
      const snippet = await answerSnippet(response);
      return { status: response.status, error: `answered ${response.status}${snippet ? `: ${snippet}` : ""}` };
    } catch (error) {
      return { status: null, error: failureMessage(error) };
    }
  }

  async function attempt(
    delivery: EventDeliveryDoc & { _id: Types.ObjectId },
    token: string,
    signal: AbortSignal,
    event: EventDoc | undefined,
  ): Promise<AttemptOutcome> {
    if (!event) {
      await settle(delivery._id, token, {
        status: "failed",
        lastError: "the event is no longer in the log",
        lastAttemptAt: now(),
      });
      return "failed";
    }
    const outcome = await send(delivery.endpoint, delivery.eventId, JSON.stringify(toPublicEvent(event)), signal);
    // Shutting down, or out of budget: the claim expires and the attempt is made again.
    if (signal.aborted) return "cut-short";
    const attempts = delivery.attempts + 1;
    if (outcome.error === null) {
      await settle(delivery._id, token, {
        status: "delivered",
        attempts,
        lastStatus: outcome.status,
        lastError: null,
        deliveredAt: now(),
        lastAttemptAt: now(),
      });
      return "delivered";
    }
    const delay = retryDelays[attempts - 1];
    await settle(delivery._id, token, {
      status: delay === undefined ? "failed" : "pending",
      attempts,
      lastStatus: outcome.status,
      lastError: outcome.error.slice(0, ANSWER_BODY_LIMIT),
      lastAttemptAt: now(),
      ...(delay === undefined ? {} : { nextAttemptAt: new Date(now().getTime() + delay) }),
    });
    log.warn(
      { eventId: delivery.eventId, endpoint: delivery.endpoint, attempts, error: outcome.error },
      delay === undefined ? "event delivery failed for good" : "event delivery failed; retrying later",
    );
    return "failed";
  }

  const count = (counts: AttemptCounts, outcome: AttemptOutcome) => {
    counts.attempted++;
    if (outcome === "delivered") counts.delivered++;
    if (outcome === "failed") counts.failed++;
  };

  async function dispatchDueCounted(): Promise<AttemptCounts> {
    const counts: AttemptCounts = { attempted: 0, delivered: 0, failed: 0 };
    for (;;) {
      // No sort: every one of these is due, and deliveries are not held in order (docs/events.md
      // "Ordering"). MongoDB walks the (status, nextAttemptAt) index in order anyway; FerretDB 1.x
      // sorts after decoding every pending delivery, which made a backlog of 2,000 ten times slower to drain.
      const due = await models.EventDelivery.find({ status: "pending", nextAttemptAt: { $lte: now() } })
        .limit(DUE_BATCH)
        .lean();
      const claimed = await attemptAll(due, aborter.signal, counts);
      if (due.length < DUE_BATCH || claimed === 0 || aborter.signal.aborted) return counts;
    }
  }

  async function nextDueAt(): Promise<Date | null> {
    const next = await models.EventDelivery.findOne({ status: "pending" }, { nextAttemptAt: 1 })
      .sort({ nextAttemptAt: 1 })
      .lean();
    return next?.nextAttemptAt ?? null;
  }

  async function deliverRecorded(eventIds: readonly string[], budgetMs: number): Promise<AttemptCounts> {
    const counts: AttemptCounts = { attempted: 0, delivered: 0, failed: 0 };
    if (eventIds.length === 0) return counts;
    const signal = AbortSignal.any([aborter.signal, AbortSignal.timeout(budgetMs)]);
    const ids = [...eventIds];
    const work = async () => {
      await createRecorded(ids);
      if (signal.aborted) return;
      const due = await models.EventDelivery.find({
        eventId: { $in: ids },
        status: "pending",
        nextAttemptAt: { $lte: now() },
      }).lean();
      // Another dispatcher may have taken some since: the claim decides, as in dispatchDue.
      await attemptAll(due, signal, counts);
    };
    const done = work().catch((error: unknown) => {
      log.warn({ err: error }, "first delivery attempt failed; the scheduled dispatch retries");
    });
    // The budget bounds the whole of it, the database included: whatever is still under way when it
    // ends is abandoned (a frozen Lambda container resumes it harmlessly, its attempts cut short).
    const outOfBudget = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await Promise.race([done, outOfBudget]);
    return { ...counts };
  }

  return {
    scan,
    createRecorded,
    dispatchDue: async () => (await dispatchDueCounted()).attempted,
    dispatchDueCounted,
    nextDueAt,
    deliverRecorded,
    abort: () => aborter.abort(),
  };
}

export const DISPATCH_POLL_INTERVAL_MS = 1000;

export interface RunningDispatcher {
  /** No more rounds; stops listening, aborts the attempts under way and waits for the round to end. */
  stop(): Promise<void>;
}

export interface StartDispatcherOptions extends DispatcherOptions {
  pollIntervalMs?: number;
  /** false: no round on recordEvent, only the poll (the benchmark's baseline). Default true. */
  wakeOnRecord?: boolean;
}

/**
 * The Node server's in-process dispatcher: a round as soon as this process records an event (the
 * deliveries of the events it was told of, then send what is due), and every second after the
 * last round a full one (scan the log, then send) for events other processes wrote, retries, and
 * anything a wake-up round missed; a full scan at least once a second in a long burst too. Rounds
 * never overlap: an event recorded during a round queues one more round behind it, however many
 * arrive. It runs beside the request handlers and never holds one up.
 */
export function startDispatcher(options: StartDispatcherOptions): RunningDispatcher {
  const dispatcher = createDispatcher(options);
  const interval = options.pollIntervalMs ?? DISPATCH_POLL_INTERVAL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let queued = false;
  /** The events this process recorded since the last round took them. */
  const recorded = new Set<string>();
  let scannedAt = Number.NEGATIVE_INFINITY;

  const runRound = async () => {
    const eventIds = [...recorded];
    recorded.clear();
    try {
      // A full scan once an interval (the poll; in a long burst too): events other processes wrote,
      // and the safety net for a wake-up round that failed. Between, a wake-up round reads only the
      // events it was told of, instead of the whole last minute of the log each time.
      if (Date.now() - scannedAt >= interval) {
        scannedAt = Date.now();
        await dispatcher.scan();
      } else {
        await dispatcher.createRecorded(eventIds);
      }
      await dispatcher.dispatchDue();
    } catch (error) {
      options.log.warn({ err: error }, "event dispatch round failed; the next round retries");
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(startRound, interval);
    timer.unref();
  };
  /** A round now, or (one is running) one more right after it. */
  function startRound() {
    if (stopped) return;
    if (running) {
      queued = true;
      return;
    }
    clearTimeout(timer);
    running = (async () => {
      do {
        queued = false;
        await runRound();
      } while (queued && !stopped);
    })().finally(() => {
      running = null;
      schedule();
    });
  }

  const unsubscribe =
    options.wakeOnRecord === false
      ? () => {}
      : onEventRecorded((event) => {
          // Events of no organization are never sent: no round for them.
          if (event.organizationId === null) return;
          recorded.add(event.eventId);
          startRound();
        });
  startRound();

  return {
    stop: async () => {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      dispatcher.abort();
      await running;
    },
  };
}

export type RetryOutcome =
  | { outcome: "retried"; eventId: string; eventType: string; organizationId: string; endpoint: string }
  | { outcome: "not-found" }
  /** Only a failed delivery is retried: a pending one is still on its schedule, a delivered one arrived. */
  | { outcome: "not-failed"; status: "pending" | "delivered" }
  /** The event was pruned from the log (kept 30 days): there is nothing to send. */
  | { outcome: "event-gone"; eventId: string }
  /** The endpoint is no longer in EVENT_ENDPOINTS: sending there would reach a service nobody configured. */
  | { outcome: "endpoint-gone"; endpoint: string };

/**
 * An operator's Retry (docs/events.md "Delivery"): one failed delivery becomes pending, due now,
 * with a fresh claimToken and its attempts back at 0, so the next dispatcher round sends it
 * (same event, same webhook-id) and, should that fail too, it gets the whole retry schedule again:
 * an operator retries after fixing the consumer, and a blip in the first minute must not fail it
 * for good. Recorded as operator.event_delivery_retried (operators only) and in the organization's
 * Activity, in the same step.
 */
export async function retryFailedDelivery(
  models: Models,
  deliveryId: Types.ObjectId,
  at: Date,
  by: { actor: string; actorName: string; endpoints: readonly string[] },
): Promise<RetryOutcome> {
  const delivery = await models.EventDelivery.findById(deliveryId).lean();
  if (!delivery) return { outcome: "not-found" };
  if (delivery.status !== "failed") return { outcome: "not-failed", status: delivery.status };
  if (!by.endpoints.includes(delivery.endpoint)) return { outcome: "endpoint-gone", endpoint: delivery.endpoint };
  const event = await models.Event.findOne({ eventId: delivery.eventId }, { type: 1 }).lean();
  if (!event) return { outcome: "event-gone", eventId: delivery.eventId };
  const result = await models.EventDelivery.updateOne(
    { _id: delivery._id, status: "failed", claimToken: delivery.claimToken },
    { $set: { status: "pending", attempts: 0, nextAttemptAt: at, claimToken: newToken() } },
  );
  // Another operator's Retry came first (MongoDB; on FerretDB both pass, and the event is sent at least once).
  if (result.matchedCount === 0) return { outcome: "not-failed", status: "pending" };
  await recordEvent(models, at, {
    type: "operator.event_delivery_retried",
    organizationId: delivery.organizationId,
    audience: "operators",
    actor: by.actor,
    data: {
      deliveryId: delivery._id.toHexString(),
      eventId: delivery.eventId,
      eventType: event.type,
      endpoint: delivery.endpoint,
      previousAttempts: delivery.attempts,
      lastStatus: delivery.lastStatus ?? null,
      lastError: delivery.lastError ?? null,
    },
  });
  await recordAudit(models, at, {
    organizationId: delivery.organizationId,
    actor: by.actor,
    actorName: by.actorName,
    action: "operator.event_delivery_retried",
    // Not the endpoint: the organization's admins read Activity, and the services' addresses are the operator's.
    details: { eventId: delivery.eventId, eventType: event.type },
  });
  return {
    outcome: "retried",
    eventId: delivery.eventId,
    eventType: event.type,
    organizationId: delivery.organizationId,
    endpoint: delivery.endpoint,
  };
}
