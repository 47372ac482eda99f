import { nodeVersionProblem } from "./node-version.js";

// `npm start` and `npm run start:prod` begin here. On an older Node the rest may fail far from
// the reason (npm install only warned EBADENGINE), so the version is checked before it is loaded.
const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  console.error(problem);
  process.exit(1);
}
await import("./main.js");
