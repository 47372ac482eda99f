import type { AuditEventDoc } from "../models/audit-event.js";
import type { Models } from "../models/index.js";
import { pageWindow, type PageWindow } from "../repos/repo-listing.js";

/** How many events one activity page lists. */
const ACTIVITY_PAGE_SIZE = 20;

export interface ActivityPage {
  events: AuditEventDoc[];
  total: number;
  page: PageWindow;
}

/**
 * One page of an organization's audit events, newest first: a count and a sorted, limited read
 * along the (organizationId, at) index.
 */
export async function findActivityPage(
  models: Models,
  organizationId: string,
  requested: number,
  size = ACTIVITY_PAGE_SIZE,
): Promise<ActivityPage> {
  const total = await models.AuditEvent.countDocuments({ organizationId });
  const page = pageWindow(requested, total, size);
  const events =
    total === 0
      ? []
      : await models.AuditEvent.find({ organizationId })
          .sort({ at: -1, _id: -1 })
          .skip(page.skip)
          .limit(page.limit)
          .lean<AuditEventDoc[]>();
  return { events, total, page };
}
