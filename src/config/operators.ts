import { ConfigError } from "./config-error.js";
import { read, type Env } from "./read-env.js";

/** Enough to refuse a typo (a missing @, a stray space), not a full RFC 5322 parser. */
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/**
 * OPERATOR_EMAILS: who may open the operator console (/operator), compared without case. Empty
 * (the default): nobody, and the console answers 404 to everyone.
 */
export function loadOperatorEmails(env: Env): string[] {
  const raw = read(env, "OPERATOR_EMAILS");
  if (!raw) return [];
  const emails = raw.split(",").map((entry) => entry.trim().toLowerCase());
  emails.forEach((email, index) => {
    if (!EMAIL.test(email)) {
      throw new ConfigError(
        `OPERATOR_EMAILS entry ${index + 1} of ${emails.length} ("${email}") is not an email address (comma-separated, no trailing comma)`,
      );
    }
  });
  return [...new Set(emails)];
}
