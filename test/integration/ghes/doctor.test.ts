// The doctor against a GitHub Enterprise Server: GET /app and GET /app/hook/config go to the
// configured host (nock answers only it), and every link to fix something points at it.
process.env.TEST_GHE_HOST = "ghes.example.com";
await import("../operator/doctor.test.js");
