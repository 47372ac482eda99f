import { isIP } from "node:net";
import { ConfigError } from "./config-error.js";

/** What Express's `trust proxy` accepts and we allow: nothing, a hop count, or the proxies' addresses/subnets. */
export type TrustProxy = false | number | string[];

/** Express's names for address ranges (proxy-addr). */
const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function unbracket(host: string): string {
  return host.replace(/^\[(.*)\]$/, "$1");
}

/** localhost, 127.0.0.0/8 or ::1 (brackets allowed, as in a URL's hostname): only this machine reaches it. */
export function isLoopbackHost(host: string): boolean {
  const bare = unbracket(host).toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return isIP(bare) === 4 && bare.startsWith("127.");
}

/** HOST: the address the Node server listens on. */
export function parseHost(raw: string | undefined, fallback: string): string {
  if (raw === undefined) return fallback;
  const host = unbracket(raw);
  if (isIP(host) || HOST_NAME.test(host)) return host;
  throw new ConfigError(`HOST must be an IP address or host name to listen on, such as 127.0.0.1 or 0.0.0.0, got "${raw}"`);
}

function isSubnet(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = "", mask, ...rest] = entry.split("/");
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  if (mask === undefined) return true;
  if (/^\d{1,3}$/.test(mask)) return Number(mask) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(mask) === 4;
}

/**
 * TRUST_PROXY: which X-Forwarded-* senders to believe. Unset trusts none, so a client cannot pick
 * its own IP; `true` is refused for the same reason.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  if (raw === undefined || raw === "false" || raw === "0") return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw.split(",").map((entry) => entry.trim()).filter(Boolean);
  const bad = entries.find((entry) => !isSubnet(entry));
  if (entries.length === 0 || bad !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY must be the number of proxies in front of the server (e.g. 1) or their comma-separated addresses/subnets ` +
        `(e.g. 10.0.0.0/8, loopback), got "${raw}"${raw === "true" ? " (true would let any client choose its own IP with X-Forwarded-For)" : ""}`,
    );
  }
  return entries;
}
