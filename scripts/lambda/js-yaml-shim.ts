/**
 * Stands in for `js-yaml` inside @probot/octokit-plugin-config, in the Lambda bundles only. That
 * plugin parses YAML only when `context.config()` / `octokit.config.get()` is called, which nothing
 * in src/ does; reaching this would mean that changed, so it says so instead of half-working.
 */
export function load(): never {
  throw new Error(
    "js-yaml is not in the Lambda bundles: something called octokit.config.get() (see scripts/lambda/js-yaml-shim.ts)",
  );
}
export default { load };
