import type { DeliveryStatus } from "../models/webhook-delivery.js";
import type { RedeliveryReason } from "../models/redelivery-request.js";
import type { HookDeliveryAttempt } from "../github/reconcile-api.js";

/** Every attempt GitHub made for one event (one guid, our X-GitHub-Delivery), newest first. */
export interface DeliveryGroup {
  guid: string;
  attempts: HookDeliveryAttempt[];
}

/** What our delivery log says about a guid. */
export interface LoggedDelivery {
  status: DeliveryStatus;
  receivedAt: Date;
}

export interface RedeliveryCandidate {
  guid: string;
  /** The attempt to ask GitHub to send again: the newest. */
  attemptId: number;
  reason: RedeliveryReason;
}

/** A delivery still `processing` this long after it arrived died with its worker (GitHub allows 10 s). */
export const STUCK_AFTER_MS = 5 * 60 * 1000;

const answeredOk = (attempt: HookDeliveryAttempt): boolean => attempt.status_code >= 200 && attempt.status_code < 300;

/** Attempts grouped by guid, in the order GitHub listed them (newest first). */
export function groupByGuid(attempts: HookDeliveryAttempt[]): DeliveryGroup[] {
  const groups = new Map<string, DeliveryGroup>();
  for (const attempt of attempts) {
    const group = groups.get(attempt.guid) ?? { guid: attempt.guid, attempts: [] };
    group.attempts.push(attempt);
    groups.set(attempt.guid, group);
  }
  return [...groups.values()];
}

/**
 * Whether a group needs sending again, and why. GitHub's view first: no attempt answered 2xx.
 * Our log corrects it both ways: a delivery we applied (processed/ignored) needs nothing however
 * GitHub recorded the answer (it timed out waiting, say); one GitHub saw answered but that we
 * recorded as failed, or that has been `processing` past STUCK_AFTER_MS, is sent again.
 */
export function redeliveryReason(
  group: DeliveryGroup,
  logged: LoggedDelivery | undefined,
  now: Date,
): RedeliveryReason | null {
  if (logged?.status === "processed" || logged?.status === "ignored") return null;
  if (!group.attempts.some(answeredOk)) return "failed-at-github";
  if (logged?.status === "failed") return "failed-here";
  if (logged?.status === "processing" && now.getTime() - logged.receivedAt.getTime() > STUCK_AFTER_MS)
    return "stuck-here";
  return null;
}

export function redeliveryCandidates(
  groups: DeliveryGroup[],
  log: ReadonlyMap<string, LoggedDelivery>,
  now: Date,
): RedeliveryCandidate[] {
  const candidates: RedeliveryCandidate[] = [];
  for (const group of groups) {
    const reason = redeliveryReason(group, log.get(group.guid), now);
    if (reason) candidates.push({ guid: group.guid, attemptId: group.attempts[0]!.id, reason });
  }
  return candidates;
}
