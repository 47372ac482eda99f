import { pino, type Logger } from "pino";
import { Writable } from "node:stream";

export interface CapturedLogger {
  log: Logger;
  /** Every line written, as parsed JSON. */
  lines: Array<Record<string, unknown>>;
  /** Everything written, as text: assert a secret never appears in it. */
  text(): string;
}

/** A real pino logger that keeps its output for assertions instead of printing it. */
export function captureLogger(level = "debug"): CapturedLogger {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  const log = pino({ level }, stream);
  return {
    log,
    get lines() {
      return raw.flatMap((chunk) =>
        chunk
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
    },
    text: () => raw.join(""),
  };
}
