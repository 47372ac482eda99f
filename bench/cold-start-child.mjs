// One cold start, in a fresh process: import a webhooks handler module (argv[2]) and hand it one
// signed delivery (BENCH_EVENT, an API Gateway payload 2.0 event). Prints times measured from
// the process's own start (performance.timeOrigin), then exits: the connection would keep it alive.
// Plain JavaScript, so no TypeScript loader is part of what is measured.
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const started = performance.now();
const { handler } = await import(pathToFileURL(process.argv[2]).href);
const loaded = performance.now();
const result = await handler(JSON.parse(process.env.BENCH_EVENT), {
  awsRequestId: "cold-start-bench",
  functionName: "webhooks",
});
const handled = performance.now();
process.stdout.write(
  `${JSON.stringify({
    scriptStartMs: started,
    loadedMs: loaded,
    handledMs: handled,
    status: result.statusCode,
    rssBytes: process.memoryUsage().rss,
  })}\n`,
);
process.exit(0);
