import { startEmbeddedMongo, type EmbeddedMongo } from "../../src/db/embedded/embedded-mongo.js";

export interface BenchDatabase {
  kind: string;
  /** The server's URI with `name` as its database (kept apart per benchmark). */
  uriFor(name: string): string;
  stop(): Promise<void>;
}

/** A single-host URI with its database path replaced, options kept. */
export function withDatabase(uri: string, name: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`MONGODB_URI is not a MongoDB URI: ${uri.replace(/\/\/[^@/]*@/, "//***@")}`);
  return `${match[1]}/${name}${match[2] ?? ""}`;
}

/** MONGODB_URI if set (e.g. a real MongoDB), else the embedded FerretDB the tests use. */
export async function openBenchDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  const external = process.env.MONGODB_URI;
  if (external) {
    return { kind: "MONGODB_URI", uriFor: (name) => withDatabase(external, name), stop: async () => undefined };
  }
  const server: EmbeddedMongo = await startEmbeddedMongo({ log });
  return { kind: server.kind, uriFor: (name) => withDatabase(server.uri, name), stop: () => server.stop() };
}
