/**
 * Stands in for `whatwg-url` in the Lambda bundles only. mongodb-connection-string-url parses
 * connection strings with its URL class; Node's own URL implements the same WHATWG standard, so
 * the bundles use that and leave out whatwg-url, tr46 and its Unicode mapping table (~290 KiB).
 */
export const { URL, URLSearchParams } = globalThis;
