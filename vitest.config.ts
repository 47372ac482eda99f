import { defineConfig } from "vitest/config";

// Two projects: `unit` needs no database and starts none (`npm run test:unit`, seconds);
// `integration` gets one MongoDB-compatible server for the whole run, and each file its own database.
export default defineConfig({
  test: {
    setupFiles: ["test/setup.ts"],
    // Files share one database server on a 2-core machine: a few at once is enough.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 20_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/helpers/plain-summary-reporter.ts"],
    projects: [
      // test/contract/ checks fixtures against GitHub's published shapes: no database either.
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/contract/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**", "test/contract/**"],
          globalSetup: ["test/global-setup.ts"],
        },
      },
    ],
  },
});
