/**
 * Stands in for `ioredis` in the Lambda bundles only. Probot imports it at load for its throttle
 * options, but constructs a client only when given a redisConfig, which createProbotInstance
 * never passes; reaching this would mean that changed, so it says so instead of half-working.
 */
export class Redis {
  constructor() {
    throw new Error(
      "ioredis is not in the Lambda bundles: Probot was given a redisConfig (see scripts/lambda/ioredis-shim.ts)",
    );
  }
}
