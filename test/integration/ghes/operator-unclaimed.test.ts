// The same tests against a GitHub Enterprise Server: with TEST_GHE_HOST set before any helper
// loads, testConfig() sets GHE_HOST and every nock answers only that host, so the link's calls
// (a token mint, the repos it reaches) sent to api.github.com instead fail on disableNetConnect.
process.env.TEST_GHE_HOST = "ghes.example.com";
await import("../operator/unclaimed.test.js");
