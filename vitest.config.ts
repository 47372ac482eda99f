import { defineConfig } from "vitest/config";

// Three projects: `unit` needs no database and starts none (`npm run test:unit`, seconds);
// `integration` gets one MongoDB-compatible server for the whole run, and each file its own database;
// `ghes` runs the credential tests again against a GitHub Enterprise Server.
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
      {
        // The credential tests a second time against a GitHub Enterprise Server: every nock answers
        // only its host, so a token mint or any other call sent to api.github.com fails the test.
        extends: true,
        test: {
          name: "ghes",
          include: [
            "test/integration/credentials.test.ts",
            "test/integration/internal-api/github-token.test.ts",
            "test/integration/internal-api/github-state.test.ts",
          ],
          env: { TEST_GHE_HOST: "ghes.example.com" },
          globalSetup: ["test/global-setup.ts"],
        },
      },
    ],
  },
});
