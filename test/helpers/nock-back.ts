import { fileURLToPath } from "node:url";
import nock, { type BackMode, type Definition } from "nock";

/**
 * nock.back: replay GitHub answers recorded from the real API (test/fixtures/nock-back/), or
 * record them again. NOCK_BACK_MODE picks the mode, "lockdown" by default: replay only, no
 * network. `NOCK_BACK_MODE=record` records what is missing (scripts/record-fixtures.ts does it with
 * real credentials); "update" records everything again; "wild" lets every request through.
 */
export const NOCK_BACK_FIXTURES = fileURLToPath(new URL("../fixtures/nock-back/", import.meta.url));
const MODES: readonly BackMode[] = ["wild", "dryrun", "record", "update", "lockdown"];
const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

export function nockBackMode(env: Record<string, string | undefined> = process.env): BackMode {
  const mode = env.NOCK_BACK_MODE ?? "lockdown";
  if (!MODES.includes(mode as BackMode))
    throw new Error(`NOCK_BACK_MODE must be one of ${MODES.join(", ")}, got "${mode}"`);
  return mode as BackMode;
}

/** What stands in for the real client id, secret, OAuth code and base URL in recordings (the tests send these). */
export const RECORDING_STAND_INS = {
  clientId: "Iv1.testclientid",
  clientSecret: "test-client-secret",
  code: "recorded-oauth-code",
  baseUrl: "http://127.0.0.1:3000",
} as const;

/** Values a recording must never keep, and what stands in for them (the tests use the stand-ins). */
export interface Redaction {
  secret: string;
  replacement: string;
}

/** Replaces every secret in what was recorded (request bodies, paths, responses) before it is written. */
export function redactRecording(definitions: Definition[], redactions: Redaction[]): Definition[] {
  let text = JSON.stringify(definitions);
  for (const { secret, replacement } of redactions) {
    if (secret) text = text.split(secret).join(replacement);
  }
  // Whatever token GitHub minted (user, refresh or installation) is replaced, whatever its length.
  text = text.replace(
    /\b(gh[uors]_)[A-Za-z0-9_]+/g,
    (_m, prefix: string) => `${prefix}RECORDED_TOKEN_REDACTED_0123456789abcdefghijklmnop`,
  );
  return JSON.parse(text) as Definition[];
}

/**
 * Runs `fn` with the recording `<name>.json` loaded (or being recorded), then checks every
 * recorded request was made. nock.back turns off all network when it starts; our own server on
 * loopback is let through again afterwards.
 */
export async function withNockBack<T>(
  name: string,
  fn: () => Promise<T>,
  options: { redactions?: Redaction[] } = {},
): Promise<T> {
  nock.back.fixtures = NOCK_BACK_FIXTURES;
  nock.back.setMode(nockBackMode());
  const { nockDone, context } = await nock.back(`${name}.json`, {
    afterRecord: (definitions) => redactRecording(definitions, options.redactions ?? []),
  });
  try {
    const result = await fn();
    context.assertScopesFinished();
    return result;
  } finally {
    nockDone();
    nock.enableNetConnect(LOOPBACK);
  }
}
