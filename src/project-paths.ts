import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where the files the code reads at run time live: the one place that works them out. */
export interface ProjectPaths {
  root: string;
  /** EJS templates (views/layouts, partials, pages). */
  views: string;
  /** Static files served under /assets. */
  public: string;
  /** The GitHub App manifest setup mode registers from. */
  appManifest: string;
  /** Where setup mode writes the registered App's credentials. */
  dotenv: string;
  /** The embedded database's files (`npm start` without MONGODB_URI). */
  data: string;
  /** Built development tools (FerretDB); GITHUB_CONNECT_CACHE may move it. */
  cache: string;
}

const isProjectRoot = (dir: string) => existsSync(path.join(dir, "views")) && existsSync(path.join(dir, "app.yml"));

/**
 * The root is the nearest directory, from `moduleDir` up, that holds views/ and app.yml: the
 * checkout from src/ (tsx) or dist/src/ (tsc, any outDir inside the checkout), the function
 * folder in a Lambda bundle (scripts/build-lambda.ts ships them beside index.mjs). A bundle that
 * ships neither (the webhooks function, which renders nothing) keeps its own folder.
 * Found from the code's location, not the working directory, so any cwd works.
 */
export function findProjectPaths(moduleDir: string): ProjectPaths {
  let root = moduleDir;
  for (let dir = moduleDir; ; dir = path.dirname(dir)) {
    if (isProjectRoot(dir)) {
      root = dir;
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  return {
    root,
    views: path.join(root, "views"),
    public: path.join(root, "public"),
    appManifest: path.join(root, "app.yml"),
    dotenv: path.join(root, ".env"),
    data: path.join(root, ".data"),
    cache: path.join(root, ".cache"),
  };
}

export const projectPaths: ProjectPaths = findProjectPaths(path.dirname(fileURLToPath(import.meta.url)));
