import express, { type Express, type Request, type Router } from "express";
import type { Connection } from "mongoose";
import type { Logger } from "pino";
import type { AppConfig } from "../config/env.js";
import { DEFAULT_APP_NAME } from "../github/app-profile.js";
import { projectPaths } from "../project-paths.js";
import { accessLog } from "./middleware/access-log.js";
import { createErrorHandler, notFoundHandler } from "./middleware/error-handler.js";
import { securityHeaders } from "./middleware/security-headers.js";
import { healthRoutes } from "./health-routes.js";

export interface WebAppDeps {
  config: AppConfig;
  log: Logger;
  /** Null in setup mode before a database exists; /healthz then answers 503. */
  connection: Connection | null;
  /** Page and flow routers, mounted in order after /healthz. */
  routers?: Router[];
  viewsDir?: string;
  publicDir?: string;
  /** An id the platform vouches for (API Gateway's on Lambda); it wins over the client's x-request-id. */
  platformRequestId?: (req: Request) => string | undefined;
}

/** The pages and JSON routes as their own Express app, so Lambda and the Node server serve the same thing. */
export function createWebApp(deps: WebAppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.config.trustProxy);
  app.set("views", deps.viewsDir ?? projectPaths.views);
  app.set("view engine", "ejs");
  // Until pageIdentity names the App from GitHub (and always in setup mode).
  app.locals.appName = DEFAULT_APP_NAME;

  // First, so every answer (assets, 404s, errors) carries its id and gets its access line; sets req.log.
  app.use(accessLog({ log: deps.log, platformRequestId: deps.platformRequestId }));
  app.use(securityHeaders(deps.config));
  app.use("/assets", express.static(deps.publicDir ?? projectPaths.public, { maxAge: "1h" }));
  // Browsers ask for /favicon.ico whatever the page links (and for JSON answers): no 404 for it.
  app.get("/favicon.ico", (_req, res) =>
    res.set("cache-control", "public, max-age=86400").redirect(301, "/assets/favicon.svg"),
  );
  app.use(healthRoutes(deps.connection));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.log));
  return app;
}
