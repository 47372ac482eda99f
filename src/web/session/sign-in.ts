import { WorkOS } from "@workos-inc/node";
import type { AppConfig } from "../../config/env.js";
import { WORKOS_API_URL } from "./workos-client.js";

/**
 * How people sign in, chosen once at start-up from AUTH_MODE: the development form, or WorkOS
 * AuthKit with its client. Routes switch on `mode`; none checks for a missing client per request.
 */
export type SignInStrategy = { mode: "dev" } | { mode: "workos"; workos: WorkOS; clientId: string };

/** `workos` replaces the client built from config (tests point one at nock). */
export function createSignInStrategy(config: AppConfig, workos?: WorkOS): SignInStrategy {
  const settings = config.auth.workos;
  if (config.auth.mode !== "workos" || !settings) return { mode: "dev" };
  return {
    mode: "workos",
    clientId: settings.clientId,
    workos:
      workos ?? new WorkOS(settings.apiKey, { clientId: settings.clientId, apiHostname: new URL(WORKOS_API_URL).host }),
  };
}
