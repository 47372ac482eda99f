import { describe, expect, test } from "vitest";
import { stored } from "../../helpers/documents.js";
import { deliverWebhook, webhookExample } from "../../helpers/webhooks.js";
import { useWebhookServer } from "../../helpers/webhook-suite.js";

// Audit details hold counts, not id lists: a 1M-repo event once wrote an 11.9 MB audit document.
const ctx = useWebhookServer();

/** Every array anywhere inside `value`, by path. */
function arraysIn(value: unknown, path = "details"): string[] {
  if (Array.isArray(value)) return [path];
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([key, inner]) => arraysIn(inner, `${path}.${key}`));
  return [];
}

function repositories(count: number, firstId: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: firstId + i,
    node_id: `R_${firstId + i}`,
    name: `repo-${i}`,
    full_name: `octo-org/repo-${i}`,
    private: true,
  }));
}

describe("installation_repositories audit details", () => {
  test.each(["added", "removed"] as const)(
    "%s with 5,000 repositories writes an audit document with counts and no id array",
    async (action) => {
      const payload = webhookExample("installation_repositories", "added");
      payload.action = action;
      payload.repositories_added = action === "added" ? repositories(5000, 800_000) : [];
      payload.repositories_removed = action === "removed" ? repositories(5000, 900_000) : [];
      const response = await deliverWebhook(ctx.server.url, { event: "installation_repositories", payload });
      expect(response.status, response.body).toBe(200);

      const audit = await stored(ctx.server.models.AuditEvent, { action: `installation_repositories.${action}` });
      expect(audit?.details).toMatchObject({
        added: action === "added" ? 5000 : 0,
        removed: action === "removed" ? 5000 : 0,
      });
      expect(arraysIn(audit?.details)).toEqual([]);
      expect(JSON.stringify(audit).length).toBeLessThan(1000);
    },
  );
});
