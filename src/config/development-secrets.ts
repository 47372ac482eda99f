import { randomBytes } from "node:crypto";

/**
 * Outside production, for secrets left unset: random per process, never a constant anyone can read
 * in the source. Sessions and connect links then end when the process does, which development can live with.
 */
export const developmentSecrets = {
  cookiePassword: randomBytes(32).toString("base64url"),
  stateSecret: randomBytes(32).toString("base64url"),
};
