import type { Logger } from "pino";
import { onEventRecorded } from "../events/event-log.js";
import type { WebhookAssembly } from "../webhook-assembly.js";

/**
 * How long an invocation that recorded events may spend trying their delivery before it answers.
 * Lambda freezes the container once the answer is returned, so nothing can be sent after it;
 * what is not done by then waits for the scheduled `dispatch` function (within a minute).
 */
export const FIRST_DELIVERY_BUDGET_MS = 2000;
/** Kept of the invocation's own time for returning the answer: a slow invocation shortens the budget, never its answer. */
const ANSWER_MARGIN_MS = 1000;

/**
 * Runs `invocation`, collecting the events it records, then tries their delivery for at most
 * `budgetMs` before handing back its answer, unchanged whatever the delivery did. Without
 * EVENT_ENDPOINTS, or when it recorded nothing, it adds no wait. A container runs one invocation
 * at a time, so the events heard while it runs are its own. `timeLeft` (Lambda's
 * getRemainingTimeInMillis) cuts the budget so the answer still beats the function's timeout.
 */
export async function withFirstDelivery<T>(
  assembly: Pick<WebhookAssembly, "config" | "eventDispatcher">,
  log: Pick<Logger, "debug" | "warn">,
  invocation: () => Promise<T>,
  { budgetMs = FIRST_DELIVERY_BUDGET_MS, timeLeft }: { budgetMs?: number; timeLeft?: () => number } = {},
): Promise<T> {
  if (!assembly.config.eventDelivery) return invocation();
  const recorded: string[] = [];
  // Events of no organization are never sent.
  const stop = onEventRecorded((event) => {
    if (event.organizationId !== null) recorded.push(event.eventId);
  });
  let answer: T;
  try {
    answer = await invocation();
  } finally {
    stop();
  }
  const budget = Math.min(budgetMs, timeLeft ? timeLeft() - ANSWER_MARGIN_MS : budgetMs);
  if (recorded.length === 0 || budget <= 0) return answer;
  try {
    const dispatcher = await assembly.eventDispatcher();
    const counts = await dispatcher?.deliverRecorded(recorded, budget);
    log.debug({ events: recorded.length, ...counts }, "first delivery attempt of the events this invocation recorded");
  } catch (error) {
    log.warn({ err: error }, "first delivery attempt failed; the scheduled dispatch sends the events");
  }
  return answer;
}
