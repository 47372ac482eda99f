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

/** A host name or IPv4 address, optionally with a port (GHE_HOST): no user, path, query or IPv6. */
export function isHostWithPort(raw: string): boolean {
  const host = raw.replace(/:\d{1,5}$/, "");
  return isIP(host) === 4 || HOST_NAME.test(host);
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

/** More hops than any real chain of proxies (CDN, load balancer, ingress) trusts what the client wrote. */
const MAX_PROXY_HOPS = 5;
/** Wider than 10.0.0.0/8 or fc00::/7 (unique local) takes in the Internet's clients: as trusting as `true`. */
const WIDEST_PREFIX = { 4: 8, 6: 7 } as const;

/** A subnet's prefix length: undefined if `entry` is no address, subnet or Express range name. */
function prefixLength(entry: string): number | undefined {
  if (NAMED_RANGES.has(entry)) return Number.POSITIVE_INFINITY;
  const [address = "", mask, ...rest] = entry.split("/");
  const family = isIP(address);
  if (!family || rest.length > 0) return undefined;
  if (mask === undefined) return family === 4 ? 32 : 128;
  if (/^\d{1,3}$/.test(mask)) return Number(mask) <= (family === 4 ? 32 : 128) ? Number(mask) : undefined;
  if (family !== 4 || isIP(mask) !== 4) return undefined;
  // A netmask such as 255.255.255.0: its prefix is its count of one bits.
  return mask.split(".").reduce((bits, octet) => bits + Number(octet).toString(2).replace(/0/g, "").length, 0);
}

/**
 * TRUST_PROXY: which X-Forwarded-* senders to believe. Unset trusts none, so a client cannot pick
 * its own IP; `true` is refused for the same reason.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  if (raw === undefined || raw === "false" || raw === "0") return false;
  if (/^\d+$/.test(raw)) {
    if (Number(raw) > MAX_PROXY_HOPS) {
      throw new ConfigError(
        `TRUST_PROXY=${raw} hops is as trusting as true (any client could choose its own IP with X-Forwarded-For): set the number of proxies in front of the server, at most ${MAX_PROXY_HOPS}, or their addresses`,
      );
    }
    return Number(raw);
  }
  const entries = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = entries.find((entry) => prefixLength(entry) === undefined);
  if (entries.length === 0 || bad !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY must be the number of proxies in front of the server (e.g. 1) or their comma-separated addresses/subnets ` +
        `(e.g. 10.0.0.0/8, loopback), got "${raw}"${raw === "true" ? " (true would let any client choose its own IP with X-Forwarded-For)" : ""}`,
    );
  }
  const wide = entries.find(
    (entry) => (prefixLength(entry) ?? 0) < WIDEST_PREFIX[isIP(entry.split("/")[0] ?? "") as 4 | 6],
  );
  if (wide !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY entry "${wide}" is as trusting as true (it takes in the Internet's clients, so any could choose its own IP with X-Forwarded-For): name your proxies' subnets, IPv4 /${WIDEST_PREFIX[4]} or narrower, IPv6 /${WIDEST_PREFIX[6]} or narrower`,
    );
  }
  return entries;
}
