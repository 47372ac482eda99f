import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { sign } from "@octokit/webhooks-methods";
import examples from "@octokit/webhooks-examples";
import type { PreparedRequest } from "./load.js";

// biome-ignore lint/suspicious/noExplicitAny: example payloads are edited field by field, as loose JSON.
type Json = Record<string, any>;

const installationCreated = JSON.parse(
  readFileSync(new URL("../../test/fixtures/webhooks/installation.created.organization.json", import.meta.url), "utf8"),
) as Json;
const repositoriesAdded = (examples as unknown as Array<{ name: string; examples: Json[] }>)
  .find((e) => e.name === "installation_repositories")!
  .examples.find((e) => e.action === "added")!;

function repositories(accountLogin: string, firstId: number, count: number): Json[] {
  return Array.from({ length: count }, (_, i) => ({
    id: firstId + i,
    node_id: `R_bench${firstId + i}`,
    name: `repo-${firstId + i}`,
    full_name: `${accountLogin}/repo-${firstId + i}`,
    private: true,
  }));
}

function withInstallation(base: Json, n: number, updatedAt: string): Json {
  const payload = structuredClone(base);
  const login = `bench-org-${n}`;
  payload.installation.id = 90_000_000 + n;
  payload.installation.account = { ...payload.installation.account, id: 80_000_000 + n, login };
  payload.installation.updated_at = updatedAt;
  payload.installation.created_at = "2026-11-01T00:00:00Z";
  return payload;
}

export interface Delivery {
  event: string;
  deliveryId: string;
  body: string;
}

/**
 * `pairs` installations, each an installation.created with 50 repositories followed by an
 * installation_repositories.added with 10 more (GitHub's documented payloads, renumbered).
 */
export function ingestDeliveries(pairs: number): Delivery[] {
  const deliveries: Delivery[] = [];
  for (let n = 0; n < pairs; n++) {
    const created = withInstallation(installationCreated, n, "2026-11-20T10:00:00Z");
    created.repositories = repositories(created.installation.account.login, 700_000_000 + n * 100, 50);
    const added = withInstallation(repositoriesAdded, n, "2026-11-20T10:05:00Z");
    added.installation.repository_selection = "selected";
    added.repository_selection = "selected";
    added.repositories_added = repositories(created.installation.account.login, 700_000_000 + n * 100 + 50, 10);
    added.repositories_removed = [];
    deliveries.push({ event: "installation", deliveryId: randomUUID(), body: JSON.stringify(created) });
    deliveries.push({ event: "installation_repositories", deliveryId: randomUUID(), body: JSON.stringify(added) });
  }
  return deliveries;
}

/** Signed once up front, so the load generator spends no time on HMACs during the run. */
export async function signedRequests(
  deliveries: readonly Delivery[],
  secret: string,
  path = "/api/github/webhooks",
): Promise<PreparedRequest[]> {
  return Promise.all(
    deliveries.map(async (d) => ({
      method: "POST" as const,
      path,
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/bench",
        "x-github-event": d.event,
        "x-github-delivery": d.deliveryId,
        "x-hub-signature-256": await sign(secret, d.body),
      },
      body: d.body,
    })),
  );
}

/** Deterministic shuffle (same order every run), so both servers see the same sequence. */
export function shuffled<T>(items: readonly T[], seed = 42): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const installationSuspend = (examples as unknown as Array<{ name: string; examples: Json[] }>)
  .find((e) => e.name === "installation")!
  .examples.find((e) => e.action === "suspend")!;

/** The installation a suspend delivery `n` names (stored first, claimed by `organizationFor(n)`). */
export const suspendedInstallation = (n: number) => ({
  installationId: 93_000_000 + n,
  accountId: 83_000_000 + n,
  accountLogin: `bench-events-${n}`,
  organizationId: `org_bench_events_${n}`,
});

/** One installation.suspend (GitHub's documented payload, renumbered) for each of `from`…`from + count - 1`. */
export function suspendDeliveries(from: number, count: number): Delivery[] {
  return Array.from({ length: count }, (_, i) => {
    const installation = suspendedInstallation(from + i);
    const payload = structuredClone(installationSuspend);
    payload.installation.id = installation.installationId;
    payload.installation.account = {
      ...payload.installation.account,
      id: installation.accountId,
      login: installation.accountLogin,
    };
    return { event: "installation", deliveryId: randomUUID(), body: JSON.stringify(payload) };
  });
}
