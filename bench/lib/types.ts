import type { BenchDatabase } from "./database.js";

export interface BenchContext {
  db: BenchDatabase;
  log: (line: string) => void;
  /** 1 by default; BENCH_SCALE=0.2 for a quick look (fewer requests, fewer runs). */
  scale: number;
}

export interface BenchOutput {
  /** bench/results/<name>.json */
  name: string;
  /** Printed as is. */
  table: string;
  results: Record<string, unknown>;
}
