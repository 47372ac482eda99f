// The same tests against a GitHub Enterprise Server: with TEST_GHE_HOST set before any helper
// loads, testConfig() sets GHE_HOST and every nock answers only that host, so a delivery log read
// or a redelivery sent to api.github.com instead fails on disableNetConnect.
process.env.TEST_GHE_HOST = "ghes.example.com";
await import("../operator/webhook-deliveries.test.js");
