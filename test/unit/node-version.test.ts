import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { MINIMUM_NODE_MAJOR, nodeVersionProblem } from "../../src/node-version.js";
import { projectPaths } from "../../src/project-paths.js";

describe("the Node.js version check", () => {
  test("Node 22 and newer pass", () => {
    for (const version of ["22.0.0", "22.23.3", "24.1.0", "100.0.0"])
      expect(nodeVersionProblem(version), version).toBeNull();
  });

  test("an older Node gets one line naming the version it found and what to install", () => {
    expect(nodeVersionProblem("20.20.2")).toBe(
      "GitHub Connect needs Node.js 22 or newer; this is v20.20.2. Install Node 22 LTS (https://nodejs.org, or `nvm install 22`), then run npm install and npm start again.",
    );
    expect(nodeVersionProblem("21.7.3")).toMatch(/^GitHub Connect needs Node\.js 22 or newer; this is v21\.7\.3\./);
    expect(nodeVersionProblem("nonsense")).not.toBeNull();
  });

  test("the minimum is the one package.json's engines field states", () => {
    const pkg = JSON.parse(readFileSync(path.join(projectPaths.root, "package.json"), "utf8")) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE_MAJOR}`);
  });
});
