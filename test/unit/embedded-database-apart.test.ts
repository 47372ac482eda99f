import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import { describe, expect, test } from "vitest";
import { LAMBDA_FUNCTIONS } from "../../scripts/build-lambda.js";

// The embedded database (FerretDB, PostgreSQL, child-process supervision) is development tooling:
// production must never load it, neither on Lambda nor in a Node server given MONGODB_URI.
const root = fileURLToPath(new URL("../../", import.meta.url));
const EMBEDDED = "src/db/embedded/";

/** The project's own files an entry reaches (packages left out), with each import's kind. */
async function projectGraph(entry: string): Promise<Metafile["inputs"]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    packages: "external",
    metafile: true,
    logLevel: "error",
  });
  return result.metafile.inputs;
}

/** Files reached from `entry` through import statements only: what loads before any dynamic import() runs. */
function staticallyReached(inputs: Metafile["inputs"], entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of inputs[file]?.imports ?? []) {
      if (!imported.external && imported.kind !== "dynamic-import") queue.push(imported.path);
    }
  }
  return seen;
}

describe("development database tooling stays out of production", () => {
  test.each(Object.entries(LAMBDA_FUNCTIONS))(
    "the %s Lambda bundle holds nothing from src/db/embedded",
    async (_name, spec) => {
      const files = Object.keys(await projectGraph(spec.entry));
      expect(files).toContain("src/db/connect.ts");
      expect(files.filter((file) => file.startsWith(EMBEDDED))).toEqual([]);
    },
  );

  test("npm start imports the embedded database only dynamically, when MONGODB_URI is unset", async () => {
    const inputs = await projectGraph("src/main.ts");
    const dynamic = Object.keys(inputs).filter((file) => file.startsWith(EMBEDDED));
    expect(dynamic).toContain("src/db/embedded/embedded-mongo.ts");
    const loadedAtStart = [...staticallyReached(inputs, "src/main.ts")];
    expect(loadedAtStart).toContain("src/server.ts");
    expect(loadedAtStart.filter((file) => file.startsWith(EMBEDDED))).toEqual([]);
  });
});
