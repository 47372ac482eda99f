import { BlockList, isIP } from "node:net";
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

/** Addresses the public Internet cannot reach: this machine, private networks, link-local, carrier NAT. */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, "ipv6");
/** Names only a local network resolves. */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|lan|home\.arpa)$/i;

/**
 * Whether GitHub could reach `host` (a URL's hostname) from the Internet, as far as the name
 * tells: not localhost, 127.x, a private range or a name without a dot. A public-looking name
 * may still be unreachable; GitHub says so when it checks.
 */
export function isPublicHost(host: string): boolean {
  const bare = unbracket(host).toLowerCase();
  const family = isIP(bare);
  if (family === 4) return !NOT_PUBLIC.check(bare, "ipv4");
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
    return mapped ? !NOT_PUBLIC.check(mapped, "ipv4") : !NOT_PUBLIC.check(bare, "ipv6");
  }
  return bare.includes(".") && !LOCAL_NAME.test(bare);
}

/** HOST: the address the Node server listens on. */
export function parseHost(raw: string | undefined, fallback: string): string {
  if (raw === undefined) return fallback;
  const host = unbracket(raw);
  if (isIP(host) || HOST_NAME.test(host)) return host;
  throw new ConfigError(
    `HOST must be an IP address or host name to listen on, such as 127.0.0.1 or 0.0.0.0, got "${raw}"`,
  );
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
  const entries = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = entries.find((entry) => !isSubnet(entry));
  if (entries.length === 0 || bad !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY must be the number of proxies in front of the server (e.g. 1) or their comma-separated addresses/subnets ` +
        `(e.g. 10.0.0.0/8, loopback), got "${raw}"${raw === "true" ? " (true would let any client choose its own IP with X-Forwarded-For)" : ""}`,
    );
  }
  return entries;
}
