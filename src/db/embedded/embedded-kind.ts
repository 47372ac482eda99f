/** The embedded servers, in the order they are tried. */
export const EMBEDDED_KINDS = ["ferretdb-postgresql", "ferretdb-sqlite", "mongodb-memory-server"] as const;
export type EmbeddedKind = (typeof EMBEDDED_KINDS)[number];

/** Names one kind to use alone, e.g. to run the tests on a fallback: GITHUB_CONNECT_EMBEDDED_DB=ferretdb-sqlite. */
export const EMBEDDED_DB_VARIABLE = "GITHUB_CONNECT_EMBEDDED_DB";

export function isEmbeddedKind(value: string): value is EmbeddedKind {
  return (EMBEDDED_KINDS as readonly string[]).includes(value);
}

/** The kind the environment asks for, or undefined for the first that starts. */
export function embeddedKindFromEnv(env: NodeJS.ProcessEnv): EmbeddedKind | undefined {
  const value = env[EMBEDDED_DB_VARIABLE]?.trim();
  if (!value) return undefined;
  if (!isEmbeddedKind(value))
    throw new Error(`${EMBEDDED_DB_VARIABLE} must be one of ${EMBEDDED_KINDS.join(", ")}, got "${value}"`);
  return value;
}
