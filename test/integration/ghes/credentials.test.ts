// The same tests against a GitHub Enterprise Server: with TEST_GHE_HOST set before any helper
// loads, testConfig() sets GHE_HOST and every nock answers only that host, so a call sent to
// api.github.com (a token mint, say) fails on disableNetConnect.
process.env.TEST_GHE_HOST = "ghes.example.com";
await import("../credentials.test.js");
