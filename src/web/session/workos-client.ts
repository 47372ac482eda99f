import { WorkOS } from "@workos-inc/node";
import type { AppConfig } from "../../config/env.js";

/** The WorkOS client for AUTH_MODE=workos; undefined in dev mode. Built once at start-up. */
export function createWorkOSClient(config: AppConfig): WorkOS | undefined {
  const workos = config.auth.workos;
  if (config.auth.mode !== "workos" || !workos) return undefined;
  return new WorkOS(workos.apiKey, { clientId: workos.clientId });
}
