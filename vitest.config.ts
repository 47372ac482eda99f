import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One MongoDB-compatible server for the whole run; each test file gets its own database.
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup.ts"],
    // Files share one database server on a 2-core machine: a few at once is enough.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 20_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/helpers/plain-summary-reporter.ts"],
  },
});
