import { ConfigError } from "./config-error.js";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
const MIN_MS = 60_000;
const MAX_MS = 24 * 3_600_000;

/**
 * RECONCILE_INTERVAL: how often the Node server runs the reconcile job itself (`15m`, `1h`,
 * `90s`); unset or `off`, never (a scheduler runs `npm run reconcile` instead). At least a minute:
 * each run spends part of the App's hourly GitHub budget.
 */
export function parseReconcileInterval(raw: string | undefined): number | null {
  if (raw === undefined || raw.toLowerCase() === "off") return null;
  const match = /^(\d+)\s*([smh])$/i.exec(raw);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!.toLowerCase() as keyof typeof UNIT_MS] : NaN;
  if (!(ms >= MIN_MS && ms <= MAX_MS)) {
    throw new ConfigError(
      `RECONCILE_INTERVAL must be a duration from 1m to 24h such as 15m, 1h or 90s (or off), got "${raw}"`,
    );
  }
  return ms;
}
