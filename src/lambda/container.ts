import { createAssembly, type Assembly } from "../assembly.js";
import { lambdaAssemblyOptions, type Env } from "./lambda-config.js";

/** The web and reconcile functions' assembly: the Lambda checks (lambda-config.ts), then the whole composition root. */
export function createLambdaAssembly(env: Env, now?: () => Date): Assembly {
  return createAssembly(lambdaAssemblyOptions(env, now));
}
