/**
 * `npm run build:lambda`: one minified ESM bundle per Lambda function, with a source map and
 * the files it reads at run time, in dist/lambda/<fn>/, zipped to dist/lambda/<fn>.zip for
 * serverless.yml (package.individually, artifact per function).
 */
import { cpSync, createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type BuildOptions, type Metafile } from "esbuild";
import yazl from "yazl";
import { projectPaths } from "../src/project-paths.js";
import { lambdaShims } from "./lambda/shims-plugin.js";

const root = projectPaths.root;

export type LambdaFunctionName = "webhooks" | "web" | "reconcile" | "dispatch";

interface FunctionSpec {
  entry: string;
  /** Project files copied beside index.mjs (views are read by path, not imported). */
  assets: string[];
  /** The most index.mjs may weigh (test/unit/webhooks-bundle.test.ts holds it, the bench reports it). */
  maxBundleBytes?: number;
}

export const LAMBDA_FUNCTIONS: Record<LambdaFunctionName, FunctionSpec> = {
  // Started cold by every new container, on GitHub's 10-second clock: the page code stays out (issue 16).
  webhooks: { entry: "src/lambda/webhooks.ts", assets: [], maxBundleBytes: 1.5 * 1024 * 1024 },
  web: { entry: "src/lambda/web.ts", assets: ["views", "public", "app.yml"] },
  reconcile: { entry: "src/lambda/reconcile.ts", assets: [] },
  dispatch: { entry: "src/lambda/dispatch.ts", assets: [] },
};

/**
 * The MongoDB driver require()s these optional peers inside try/catch (compression, Kerberos,
 * AWS IAM auth, client-side encryption, SOCKS): left out, the driver works without them.
 * MONGODB-AWS (IAM) authentication would need @aws-sdk/credential-providers in the bundle.
 */
const OPTIONAL_DRIVER_PEERS = [
  "kerberos",
  "@mongodb-js/zstd",
  "@aws-sdk/credential-providers",
  "gcp-metadata",
  "snappy",
  "socks",
  "aws4",
  "mongodb-client-encryption",
];

/**
 * CommonJS dependencies (Probot, mongoose, Express) inside an ESM bundle still call require()
 * for Node built-ins and read __dirname; ESM has neither, so the bundle defines them first.
 */
const ESM_PRELUDE = [
  'import { createRequire as __lambdaCreateRequire } from "node:module";',
  'import { fileURLToPath as __lambdaFileURLToPath } from "node:url";',
  'import { dirname as __lambdaDirname } from "node:path";',
  "const require = __lambdaCreateRequire(import.meta.url);",
  "const __filename = __lambdaFileURLToPath(import.meta.url);",
  "const __dirname = __lambdaDirname(__filename);",
].join("\n");

export interface BuildLambdaOptions {
  /** Default dist/lambda; tests build into a temporary directory of their own. */
  outDir?: string;
  functions?: LambdaFunctionName[];
  /** Write <fn>.zip beside each folder (default true). */
  zip?: boolean;
}

export interface BuiltFunction {
  name: LambdaFunctionName;
  dir: string;
  /** The handler module: import it and call `handler`. */
  entry: string;
  bundleBytes: number;
  /** Every file in the folder (bundle, map, licences, assets). */
  totalBytes: number;
  zipPath?: string;
  zipBytes?: number;
  /** The largest inputs, for finding what made a bundle grow. */
  largestInputs: Array<{ path: string; bytes: number }>;
  /** The source files bundled: what Node would read one by one without the bundle. */
  inputs: { files: number; bytes: number };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Deterministic: fixed timestamps and sorted entries, so an unchanged build zips to the same bytes. */
async function zipDirectory(dir: string, zipPath: string): Promise<number> {
  const zip = new yazl.ZipFile();
  const mtime = new Date("2000-01-01T00:00:00Z");
  for (const file of filesUnder(dir)) {
    zip.addFile(file, path.relative(dir, file).split(path.sep).join("/"), {
      mtime,
      mode: 0o100644,
      compressionLevel: 9,
    });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(zipPath);
    out.on("close", resolve).on("error", reject);
    zip.outputStream.on("error", reject).pipe(out);
  });
  return statSync(zipPath).size;
}

function largestInputs(metafile: Metafile, count = 5): Array<{ path: string; bytes: number }> {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match ? match[1]! : input.startsWith("src/") ? "src/ (this project)" : input;
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([p, bytes]) => ({ path: p, bytes }));
}

/** How every function is bundled (the bundle tests build with the same options, unwritten). */
export function bundleOptions(entry: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    minify: true,
    // Minified names would hide which handler failed; keep them for stack traces.
    keepNames: true,
    sourcemap: "linked",
    sourcesContent: false,
    legalComments: "external",
    banner: { js: ESM_PRELUDE },
    external: OPTIONAL_DRIVER_PEERS,
    alias: { "@probot/pino": "./scripts/lambda/probot-pino-shim.ts" },
    plugins: [lambdaShims],
    logLevel: "error",
  };
}

async function buildFunction(name: LambdaFunctionName, outDir: string, zip: boolean): Promise<BuiltFunction> {
  const spec = LAMBDA_FUNCTIONS[name];
  const dir = path.join(outDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, "index.mjs");
  const result = await build({ ...bundleOptions(spec.entry), outfile: entry, metafile: true });
  for (const asset of spec.assets) cpSync(path.join(root, asset), path.join(dir, asset), { recursive: true });
  const totalBytes = filesUnder(dir).reduce((sum, file) => sum + statSync(file).size, 0);
  const built: BuiltFunction = {
    name,
    dir,
    entry,
    bundleBytes: statSync(entry).size,
    totalBytes,
    largestInputs: largestInputs(result.metafile),
    inputs: {
      files: Object.keys(result.metafile.inputs).length,
      bytes: Object.values(result.metafile.inputs).reduce((sum, input) => sum + input.bytes, 0),
    },
  };
  if (zip) {
    built.zipPath = path.join(outDir, `${name}.zip`);
    built.zipBytes = await zipDirectory(dir, built.zipPath);
  }
  return built;
}

export async function buildLambda(options: BuildLambdaOptions = {}): Promise<BuiltFunction[]> {
  const outDir = path.resolve(options.outDir ?? path.join(root, "dist", "lambda"));
  mkdirSync(outDir, { recursive: true });
  const names = options.functions ?? (Object.keys(LAMBDA_FUNCTIONS) as LambdaFunctionName[]);
  const built: BuiltFunction[] = [];
  for (const name of names) built.push(await buildFunction(name, outDir, options.zip ?? true));
  return built;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const started = Date.now();
  const built = await buildLambda();
  console.log("function   bundle (index.mjs)   folder      zip        largest inputs");
  for (const fn of built) {
    const largest = fn.largestInputs.map((i) => `${i.path} ${kb(i.bytes)}`).join(", ");
    console.log(
      `${fn.name.padEnd(10)} ${kb(fn.bundleBytes).padStart(18)}   ${kb(fn.totalBytes).padStart(9)}   ${kb(fn.zipBytes ?? 0).padStart(8)}   ${largest}`,
    );
  }
  console.log(
    `built ${built.map((fn) => path.relative(root, fn.zipPath ?? fn.dir)).join(", ")} in ${Date.now() - started} ms`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? `build:lambda failed: ${error.message}` : error);
    process.exit(1);
  });
}
