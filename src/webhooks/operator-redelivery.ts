import type { Logger } from "pino";
import { recordAudit } from "../events/audit-log.js";
import { recordEvent } from "../events/event-log.js";
import type { ReconcileGitHub } from "../github/reconcile-api.js";
import { describeGitHubFailure, gitHubFailure } from "../github/request-failure.js";
import { GitHubLimitError } from "../github/request-limits.js";
import type { Models } from "../models/index.js";
import type { WebhookDeliveryDoc } from "../models/webhook-delivery.js";

/**
 * An operator's Redeliver (the console's webhook deliveries page): GitHub is asked to send one
 * delivery again. GitHub's redelivery names its own attempt id, not the X-GitHub-Delivery guid we
 * store, so the attempt is found the way the reconcile job finds it: `GET /app/hook/deliveries`,
 * newest first, matching the guid; then `POST /app/hook/deliveries/{id}/attempts` for the newest
 * attempt. A person is waiting: few pages, one deadline for every call, no retries.
 */

/** 1,000 attempts: hours of a busy App's deliveries; the listing stops sooner at the delivery's own time. */
export const REDELIVER_PAGES_MAX = 10;
/** The whole lookup and request, what a person waits at most before the page says GitHub did not answer. */
export const REDELIVER_TIMEOUT_MS = 15_000;
/** Our receivedAt and GitHub's delivered_at come from two clocks: read this much further back. */
const CLOCK_MARGIN_MS = 10 * 60 * 1000;

export type RedeliveryAnswer =
  /** GitHub answered 202: it will send the delivery again. */
  | { outcome: "accepted"; attemptId: number }
  /** GitHub answered 4xx to the redelivery (too old, say), in its words. */
  | { outcome: "refused"; attemptId: number; status: number; message: string }
  /** GitHub's newest attempts (back to the delivery's time, or the page cap) do not include it: it has forgotten it, or it is older than we read. */
  | { outcome: "not-listed"; pagesRead: number }
  /** Only the App's own webhook is in GitHub's list; the Marketplace listing's deliveries are not. */
  | { outcome: "not-app-webhook" }
  /** GitHub did not answer in time, answered 5xx, or refused the listing itself: nothing was asked. */
  | { outcome: "unavailable"; message: string };

export interface RedeliveryDeps {
  models: Models;
  now: () => Date;
  github: ReconcileGitHub;
  log: Logger;
  maxPages?: number;
  timeoutMs?: number;
}

export interface Operator {
  actor: string;
  actorName: string;
}

type Lookup = { found: true; attemptId: number } | { found: false; pagesRead: number };

async function findNewestAttempt(
  github: ReconcileGitHub,
  delivery: Pick<WebhookDeliveryDoc, "deliveryId" | "receivedAt">,
  options: { maxPages: number; signal: AbortSignal },
): Promise<Lookup> {
  const cutoff = delivery.receivedAt.getTime() - CLOCK_MARGIN_MS;
  let pagesRead = 0;
  // The generator asks for a page only when the loop wants one: a break asks no further page.
  for await (const page of github.deliveryPages({ maxPages: options.maxPages, signal: options.signal })) {
    pagesRead++;
    for (const attempt of page.items) {
      // Newest first: the first attempt with the guid is the one to send again.
      if (attempt.guid === delivery.deliveryId) return { found: true, attemptId: attempt.id };
      if (new Date(attempt.delivered_at).getTime() < cutoff) return { found: false, pagesRead };
    }
    if (!page.hasNext || pagesRead >= options.maxPages) break;
  }
  return { found: false, pagesRead };
}

function unavailable(error: unknown, signal: AbortSignal, timeoutMs: number): RedeliveryAnswer {
  if (signal.aborted) return { outcome: "unavailable", message: `GitHub did not answer within ${timeoutMs / 1000} s.` };
  const failure = gitHubFailure(error);
  if (failure) return { outcome: "unavailable", message: `${describeGitHubFailure(failure)}.` };
  if (error instanceof GitHubLimitError) return { outcome: "unavailable", message: error.message };
  throw error;
}

/** Asks GitHub to send `delivery` again; records nothing (requestRedelivery does). */
export async function askGitHubToRedeliver(
  deps: Pick<RedeliveryDeps, "github" | "maxPages" | "timeoutMs">,
  delivery: Pick<WebhookDeliveryDoc, "deliveryId" | "receivedAt" | "source">,
): Promise<RedeliveryAnswer> {
  if (delivery.source === "marketplace") return { outcome: "not-app-webhook" };
  const timeoutMs = deps.timeoutMs ?? REDELIVER_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let lookup: Lookup;
  try {
    lookup = await findNewestAttempt(deps.github, delivery, { maxPages: deps.maxPages ?? REDELIVER_PAGES_MAX, signal });
  } catch (error) {
    return unavailable(error, signal, timeoutMs);
  }
  if (!lookup.found) return { outcome: "not-listed", pagesRead: lookup.pagesRead };
  const { attemptId } = lookup;
  try {
    await deps.github.redeliver(attemptId, { signal });
    return { outcome: "accepted", attemptId };
  } catch (error) {
    const failure = signal.aborted ? null : gitHubFailure(error);
    if (failure?.status !== undefined && failure.status >= 400 && failure.status < 500) {
      return {
        outcome: "refused",
        attemptId,
        status: failure.status,
        message: failure.message ?? `GitHub answered ${failure.status}`,
      };
    }
    return unavailable(error, signal, timeoutMs);
  }
}

export interface RedeliveryResult {
  delivery: WebhookDeliveryDoc;
  answer: RedeliveryAnswer;
  /** The organization the delivery's installation is linked to, if any. */
  organizationId: string | null;
}

/**
 * The console's Redeliver: asks GitHub, then records what GitHub answered, when it answered about
 * the delivery (accepted or refused): an event for operators only, with the operator as actor,
 * and, when GitHub accepted and the delivery's installation belongs to an organization, an entry
 * on that organization's Activity. GitHub unreachable, or no such attempt at GitHub: nothing is
 * recorded. Null when no delivery has that id.
 */
export async function requestRedelivery(
  deps: RedeliveryDeps,
  deliveryId: string,
  operator: Operator,
): Promise<RedeliveryResult | null> {
  const { models } = deps;
  const delivery = await models.WebhookDelivery.findOne({ deliveryId }).lean();
  if (!delivery) return null;
  const installation =
    delivery.installationId === null || delivery.installationId === undefined
      ? null
      : await models.GitHubInstallation.findOne(
          { installationId: delivery.installationId },
          { organizationId: 1 },
        ).lean();
  const organizationId = installation?.organizationId ?? null;
  const answer = await askGitHubToRedeliver(deps, delivery);
  deps.log.info(
    { deliveryId, outcome: answer.outcome, attemptId: "attemptId" in answer ? answer.attemptId : undefined },
    "operator asked GitHub to redeliver a webhook delivery",
  );
  if (answer.outcome !== "accepted" && answer.outcome !== "refused") return { delivery, answer, organizationId };

  const at = deps.now();
  await recordEvent(models, at, {
    type: "operator.webhook_redelivery_requested",
    organizationId,
    audience: "operators",
    actor: operator.actor,
    data: {
      deliveryId,
      event: delivery.event,
      action: delivery.action ?? null,
      installationId: delivery.installationId ?? null,
      attemptId: answer.attemptId,
      outcome: answer.outcome,
      githubStatus: answer.outcome === "accepted" ? 202 : answer.status,
      githubMessage: answer.outcome === "refused" ? answer.message : null,
    },
  });
  if (organizationId && answer.outcome === "accepted") {
    await recordAudit(models, at, {
      organizationId,
      actor: operator.actor,
      actorName: operator.actorName,
      action: "operator.webhook_redelivery_requested",
      details: { deliveryId, event: delivery.event, action: delivery.action ?? null },
    });
  }
  return { delivery, answer, organizationId };
}
