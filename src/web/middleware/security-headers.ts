import type { RequestHandler } from "express";
import helmet from "helmet";
import type { AppConfig } from "../../config/env.js";
import { WORKOS_API_URL } from "../session/workos-client.js";

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** Where GitHub serves account avatars: the settings page shows the connected account's. */
const GITHUB_AVATARS_ORIGIN = "https://avatars.githubusercontent.com";

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
 * Headers every answer carries, set by helmet. The Content-Security-Policy allows only our own
 * scripts and styles, our own images and GitHub's avatars (views have no inline script, style attribute or on* handler;
 * test/unit/views-csp.test.ts keeps it so), never framed, no <base> or plugins. helmet's default
 * directives are off: they would allow inline styles and https: fonts we do not use, and
 * upgrade-insecure-requests would break a plain-http local server. helmet's other headers
 * (Cross-Origin-Opener/Resource-Policy same-origin, Origin-Agent-Cluster, X-DNS-Prefetch-Control,
 * X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection: 0) stay on: the site
 * opens no popups and no other origin embeds its resources.
 */
export function securityHeaders(config: AppConfig): RequestHandler {
  const https = new URL(config.baseUrl).protocol === "https:";
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", GITHUB_AVATARS_ORIGIN],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: formTargets(config),
      },
    },
    // Only over https (BASE_URL); no includeSubDomains: other hosts under the operator's domain are not ours to pin.
    strictTransportSecurity: https ? { maxAge: ONE_YEAR_SECONDS, includeSubDomains: false } : false,
    xFrameOptions: { action: "deny" },
    referrerPolicy: { policy: "same-origin" },
  });
}
