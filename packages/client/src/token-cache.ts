import type { IssuedToken, TokenScope } from "./types.js";

/** A token is handed out from the cache until this long before its expiresAt. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** The legacy token says no expiry: asked again after this long, so a rotation reaches the caller. */
export const LEGACY_TOKEN_TTL_MS = 5 * 60_000;

interface Entry {
  /** The request in flight, or the answer it gave. */
  answer: Promise<IssuedToken>;
  /** The token, once it came. */
  issued?: IssuedToken;
  /** Until when the answer is served (epoch ms); undefined while in flight. */
  freshUntil?: number;
}

/** The same scope written differently (order, repeats) is one key. */
export function scopeKey(organizationId: string, scope: TokenScope | undefined): string {
  const ids = scope?.repositoryIds ? [...new Set(scope.repositoryIds)].sort((a, b) => a - b) : null;
  const permissions = scope?.permissions
    ? Object.entries(scope.permissions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    : null;
  return JSON.stringify([organizationId, ids, permissions]);
}

/**
 * Tokens per (organization, scope): served until five minutes before they expire, one request
 * shared by every caller that asks while it is in flight, a refusal never kept.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  get(key: string, fetchToken: () => Promise<IssuedToken>): Promise<IssuedToken> {
    const entry = this.#entries.get(key);
    if (entry && (entry.freshUntil === undefined || this.now() < entry.freshUntil)) return entry.answer;
    const fresh: Entry = { answer: fetchToken() };
    this.#entries.set(key, fresh);
    fresh.answer.then(
      (issued) => {
        fresh.issued = issued;
        fresh.freshUntil =
          issued.expiresAt === null
            ? this.now() + LEGACY_TOKEN_TTL_MS
            : Date.parse(issued.expiresAt) - REFRESH_BEFORE_EXPIRY_MS;
      },
      () => {
        if (this.#entries.get(key) === fresh) this.#entries.delete(key);
      },
    );
    return fresh.answer;
  }

  /** Forgets `token` (GitHub refused it), so the next call asks again; a newer token under the key is kept. */
  drop(key: string, token: string): void {
    if (this.#entries.get(key)?.issued?.token === token) this.#entries.delete(key);
  }
}
