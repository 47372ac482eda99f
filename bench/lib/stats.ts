/** Nearest-rank percentile of a sample (p in 0..100); NaN for an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarize(latenciesMs: readonly number[]): LatencySummary {
  return {
    count: latenciesMs.length,
    p50Ms: round(percentile(latenciesMs, 50)),
    p99Ms: round(percentile(latenciesMs, 99)),
    maxMs: round(Math.max(...latenciesMs)),
  };
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** "3.2x" (how many times the baseline), or "n/a". */
export function ratio(value: number, baseline: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) return "n/a";
  const times = value / baseline;
  return `${round(times, times < 0.95 ? 2 : 1)}x`;
}

export type Cell = string | number;

/** A plain-text table: first row is the header; numbers right-aligned. */
export function formatTable(title: string, rows: Cell[][], notes: string[] = []): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === "number" ? formatNumber(cell) : cell)));
  const widths = text[0]!.map((_, i) => Math.max(...text.map((row) => (row[i] ?? "").length)));
  const line = (row: string[], raw: Cell[]) =>
    row
      .map((cell, i) => (typeof raw[i] === "number" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [`## ${title}`, "", line(text[0]!, rows[0]!), widths.map((w) => "-".repeat(w)).join("  ")];
  for (let i = 1; i < text.length; i++) out.push(line(text[i]!, rows[i]!));
  for (const note of notes) out.push(`  ${note}`);
  return out.join("\n");
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return value.toLocaleString("en-US", { maximumFractionDigits: value < 10 ? 2 : 1 });
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${round(bytes / 1024 / 1024, 2)} MiB`;
  return `${round(bytes / 1024, 0)} KiB`;
}
