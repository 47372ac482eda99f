import mongoose from "mongoose";
import type { TestProject } from "vitest/node";
import { startEmbeddedMongo, type EmbeddedMongo } from "../src/db/embedded/embedded-mongo.js";

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
    mongoKind: string;
  }
}

/** One server for the whole run; each test file gets its own database (see test/helpers/database.ts). */
export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  let server: EmbeddedMongo | undefined;
  let uri = process.env.MONGODB_URI;
  let kind = "external (MONGODB_URI)";
  let backend: string | undefined;
  if (!uri) {
    server = await startEmbeddedMongo({ log: (msg) => console.log(`[test db] ${msg}`) });
    uri = server.uri;
    kind = server.kind;
    backend = server.backend;
  }
  provide("mongoUri", uri);
  provide("mongoKind", kind);
  console.log(`[test db] tests run against ${kind}${await describeVersion(uri, backend)} at ${redact(uri)}`);
  return async () => {
    await server?.stop();
  };
}

async function describeVersion(uri: string, backend: string | undefined): Promise<string> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const info = await client.db("admin").command({ buildInfo: 1 });
    // FerretDB reports the MongoDB version it emulates and its own under ferretdbVersion.
    const ferret = typeof info.ferretdbVersion === "string" ? `, FerretDB ${info.ferretdbVersion}` : "";
    return ` (MongoDB ${String(info.version)}${ferret}${backend ? `, ${backend}` : ""})`;
  } catch (error) {
    return ` (buildInfo failed: ${(error as Error).message})`;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function redact(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, "//***@");
}
