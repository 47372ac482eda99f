import { performance } from "node:perf_hooks";

export interface PreparedRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  wallMs: number;
  /** Requests per second over the whole run. */
  throughput: number;
  latenciesMs: number[];
  statuses: Record<string, number>;
  /** Connection failures (no HTTP status at all). */
  failures: number;
}

/**
 * Sends every request exactly once over loopback, keeping `concurrency` in flight (a fixed
 * closed-loop load: each worker sends its next request when the previous one answered).
 */
export async function runLoad(
  baseUrl: string,
  requests: readonly PreparedRequest[],
  concurrency: number,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let failures = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      const request = requests[index];
      if (!request) return;
      const started = performance.now();
      try {
        const response = await fetch(baseUrl + request.path, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          redirect: "manual",
        });
        await response.arrayBuffer();
        latenciesMs.push(performance.now() - started);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      } catch {
        failures++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - started;
  return {
    requests: requests.length,
    wallMs,
    throughput: (requests.length / wallMs) * 1000,
    latenciesMs,
    statuses,
    failures,
  };
}

/** Share of answers with a 2xx status. */
export function okShare(result: LoadResult): number {
  const ok = Object.entries(result.statuses).reduce(
    (sum, [status, count]) => sum + (status.startsWith("2") ? count : 0),
    0,
  );
  return result.requests === 0 ? 0 : ok / result.requests;
}
