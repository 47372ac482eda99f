import type { RequestHandler } from "express";
import type { AppConfig } from "../config/env.js";
import { WORKOS_API_URL } from "./session/workos-client.js";

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * Where this site's forms may send the browser, redirects included (browsers check form-action
 * on the redirect a form post answers with): ourselves; GitHub (the App registration form posts
 * there, and the connect confirmation answers with a redirect to GitHub's OAuth page); WorkOS
 * (sign-out answers with a redirect to its logout URL).
 */
function formTargets(config: AppConfig): string[] {
  const targets = ["'self'", new URL(config.github.webUrl).origin];
  if (config.auth.mode === "workos") targets.push(new URL(WORKOS_API_URL).origin);
  return targets;
}

/**
 * The Content-Security-Policy of every answer: only our own scripts, styles and images (views
 * have no inline script, style attribute or on* handler; test/unit/views-csp.test.ts keeps it
 * so), never framed, no <base> or plugins.
 */
export function contentSecurityPolicy(config: AppConfig): string {
  return [
    "default-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    `form-action ${formTargets(config).join(" ")}`,
  ].join("; ");
}

/** Headers every answer carries; HSTS only when the site is served over https (BASE_URL). */
export function securityHeaders(config: AppConfig): RequestHandler {
  const csp = contentSecurityPolicy(config);
  const https = new URL(config.baseUrl).protocol === "https:";
  return (_req, res, next) => {
    res.set("content-security-policy", csp);
    res.set("x-content-type-options", "nosniff");
    res.set("referrer-policy", "same-origin");
    res.set("x-frame-options", "DENY");
    // No includeSubDomains: other hosts under the operator's domain are not ours to pin to https.
    if (https) res.set("strict-transport-security", `max-age=${ONE_YEAR_SECONDS}`);
    next();
  };
}
