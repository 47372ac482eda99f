import { WorkOS } from "@workos-inc/node";
import type { AppConfig } from "../../config/env.js";

/** WorkOS's API, where sign-in and sign-out send the browser (the Content-Security-Policy names it). */
export const WORKOS_API_URL = "https://api.workos.com";

/** The WorkOS client for AUTH_MODE=workos; undefined in dev mode. Built once at start-up. */
export function createWorkOSClient(config: AppConfig): WorkOS | undefined {
  const workos = config.auth.workos;
  if (config.auth.mode !== "workos" || !workos) return undefined;
  return new WorkOS(workos.apiKey, { clientId: workos.clientId, apiHostname: new URL(WORKOS_API_URL).host });
}
