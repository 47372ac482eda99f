import type { Models } from "../models/index.js";

export interface AuditEntry {
  organizationId?: string | null;
  actor: string;
  action: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(models: Models, at: Date, entry: AuditEntry): Promise<void> {
  await models.AuditEvent.create({
    organizationId: entry.organizationId ?? null,
    actor: entry.actor,
    action: entry.action,
    details: entry.details ?? {},
    at,
  });
}
