import type { Models } from "../models/index.js";

export interface AuditEntry {
  organizationId?: string | null;
  actor: string;
  /** The email of the person signed in here who acted, shown on the activity page. */
  actorName?: string | null;
  action: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(models: Models, at: Date, entry: AuditEntry): Promise<void> {
  await models.AuditEvent.create({
    organizationId: entry.organizationId ?? null,
    actor: entry.actor,
    actorName: entry.actorName ?? null,
    action: entry.action,
    details: entry.details ?? {},
    at,
  });
}
