import { createAssembly, type Assembly, type AssemblyOptions } from "../assembly.js";
import { lambdaAssemblyOptions, type Env } from "./lambda-config.js";

/** What a test may set beside the environment. */
export type LambdaAssemblyExtras = Pick<AssemblyOptions, "eventRetryDelaysMs">;

/** The web, reconcile and dispatch functions' assembly: the Lambda checks (lambda-config.ts), then the whole composition root. */
export function createLambdaAssembly(env: Env, now?: () => Date, extras: LambdaAssemblyExtras = {}): Assembly {
  return createAssembly({ ...lambdaAssemblyOptions(env, now), ...extras });
}
