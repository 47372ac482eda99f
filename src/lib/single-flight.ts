/**
 * Concurrent calls with the same key share one pending promise, forgotten as soon as it settles.
 * Not a cache: @octokit/auth-app caches tokens, but only once minted, so a burst of requests
 * arriving before the first mint returns would each mint one.
 */
export function singleFlight<T>(): (key: string, start: () => Promise<T>) => Promise<T> {
  const pending = new Map<string, Promise<T>>();
  return (key, start) => {
    const running = pending.get(key);
    if (running) return running;
    const promise = start().finally(() => pending.delete(key));
    pending.set(key, promise);
    return promise;
  };
}
