import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { findProjectPaths, projectPaths } from "../../src/project-paths.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "github-connect-paths-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder holding what marks a project root (or a web bundle): views/ and app.yml. */
function rootAt(...parts: string[]): string {
  const dir = path.join(scratch, ...parts);
  mkdirSync(path.join(dir, "views"), { recursive: true });
  writeFileSync(path.join(dir, "app.yml"), "name: test\n");
  return dir;
}

describe("project paths are found from the code's location", () => {
  test("from src/ (tsx) the checkout is the root", () => {
    expect(projectPaths.root).toBe(path.resolve(import.meta.dirname, "../.."));
    expect(projectPaths.views).toBe(path.join(projectPaths.root, "views"));
  });

  test("compiled to dist/src/ (or any outDir in the checkout) the checkout is still the root", () => {
    const checkout = rootAt("checkout");
    const compiled = path.join(checkout, "dist", ".test-build-x", "src");
    mkdirSync(compiled, { recursive: true });
    const paths = findProjectPaths(compiled);
    expect(paths).toEqual({
      root: checkout,
      views: path.join(checkout, "views"),
      public: path.join(checkout, "public"),
      appManifest: path.join(checkout, "app.yml"),
      dotenv: path.join(checkout, ".env"),
      data: path.join(checkout, ".data"),
      cache: path.join(checkout, ".cache"),
    });
  });

  test("a web bundle's own views/ and app.yml (beside index.mjs) win over a checkout above it", () => {
    rootAt("repo");
    const bundle = rootAt("repo", "dist", "lambda", "web");
    expect(findProjectPaths(bundle).views).toBe(path.join(bundle, "views"));
  });

  test("views/ without app.yml does not mark a root", () => {
    const checkout = rootAt("partial");
    const inner = path.join(checkout, "src");
    mkdirSync(path.join(inner, "views"), { recursive: true });
    expect(findProjectPaths(inner).root).toBe(checkout);
  });

  test("a bundle that ships neither (the webhooks function) keeps its own folder", () => {
    const bundle = path.join(scratch, "lone", "webhooks");
    mkdirSync(bundle, { recursive: true });
    expect(findProjectPaths(bundle).root).toBe(bundle);
  });
});
