import type { EventDoc } from "../models/event.js";
import type { Models } from "../models/index.js";

/** Events without an organization (installations nobody claimed): the console's only view of them. */
const UNCLAIMED_EVENTS = { organizationId: null } as const;

/**
 * One page of the events without an organization, newest first: one find on the
 * {organizationId, _id} index (skip/limit) and one countDocuments. Read-only.
 */
export async function readUnclaimedEvents(
  models: Pick<Models, "Event">,
  window: { skip: number; limit: number },
): Promise<EventDoc[]> {
  return models.Event.find(UNCLAIMED_EVENTS).sort({ _id: -1 }).skip(window.skip).limit(window.limit).lean();
}

export const countUnclaimedEvents = (models: Pick<Models, "Event">): Promise<number> =>
  models.Event.countDocuments(UNCLAIMED_EVENTS);
