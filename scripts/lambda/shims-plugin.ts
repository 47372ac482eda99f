import path from "node:path";
import { fileURLToPath } from "node:url";
import type { OnResolveArgs, OnResolveResult, Plugin } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const shim = (file: string): OnResolveResult => ({ path: path.join(here, file) });
const from = (args: OnResolveArgs, pkg: string) =>
  args.importer.split(path.sep).join("/").includes(`/node_modules/${pkg}/`);

/**
 * What the Lambda bundles leave out of their dependencies: code a function never runs but that
 * its importer loads anyway (about 2 MiB of the webhooks bundle, once the pages were out). Each
 * shim says why it is safe; test/unit/webhooks-bundle.test.ts checks they are not bundled, and
 * test/integration/lambda/ runs the bundles. Node (npm start) and the unit tests load the real packages.
 */
export const lambdaShims: Plugin = {
  name: "lambda-shims",
  setup(build) {
    // Probot's index also loads its Server (Express, body parsers, smee-client with undici), `probot run`
    // (commander, dotenv) and createNodeMiddleware: src/ takes only the Probot and ProbotOctokit classes.
    build.onResolve({ filter: /^probot$/ }, () => shim("probot-core.ts"));
    build.onResolve({ filter: /^\.\/server\/server\.js$/ }, (args) =>
      from(args, "probot") ? shim("probot-server-shim.ts") : undefined,
    );
    // Probot's throttle options: Redis and the full Bottleneck only with a redisConfig, never passed here.
    build.onResolve({ filter: /^ioredis$/ }, () => shim("ioredis-shim.ts"));
    build.onResolve({ filter: /^bottleneck$/ }, (args) =>
      build.resolve("bottleneck/light.js", { kind: args.kind, resolveDir: args.resolveDir }),
    );
    // mongodb-connection-string-url's URL parser (with tr46's Unicode tables): Node's implements the same standard.
    build.onResolve({ filter: /^whatwg-url$/ }, () => shim("whatwg-url-shim.ts"));
    // The Lambda adapter's GET /probot page: src/lambda/adapter-receiver.ts only ever POSTs to it.
    build.onResolve({ filter: /^\.\/views\/probot$/ }, (args) =>
      from(args, "@probot/adapter-aws-lambda-serverless") ? shim("adapter-page-shim.ts") : undefined,
    );
    // Repository config files (octokit.config.get), which nothing here reads.
    build.onResolve({ filter: /^js-yaml$/ }, (args) =>
      from(args, "@probot/octokit-plugin-config") ? shim("js-yaml-shim.ts") : undefined,
    );
  },
};
