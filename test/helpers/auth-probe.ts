import { Router } from "express";
import type { Connection } from "mongoose";
import { renderPage } from "../../src/web/render.js";
import { addFlash } from "../../src/web/session/flow.js";
import { requireAdminTo, requireOrganization, requireSignedIn } from "../../src/web/session/guards.js";
import { startTestServer, type TestServer } from "./test-server.js";

/**
 * Test-only pages behind each guard, so auth tests check the guards the way real pages use them:
 * GET /probe/whoami (signed in) answers req.auth as JSON; GET /probe/org (organization);
 * POST /probe/admin-action (admin, CSRF by the global protection) flashes and redirects.
 */
export function authProbeRoutes(): Router {
  const router = Router();
  router.get("/probe/whoami", requireSignedIn, (req, res) => {
    res.json({ auth: req.auth });
  });
  router.get("/probe/org", requireOrganization, (req, res) => {
    renderPage(res, "error", {
      title: "Organization page",
      message: `Organization ${req.auth!.organizationId}`,
      status: 200,
      back: { href: "/", label: "Back to the start" },
    });
  });
  router.get("/probe/admin", requireAdminTo("change GitHub settings"), (_req, res) => {
    renderPage(res, "error", {
      title: "Admin page",
      message: "admin only content",
      status: 200,
      back: { href: "/", label: "Back to the start" },
    });
  });
  router.post("/probe/admin-action", requireAdminTo("change GitHub settings"), (req, res) => {
    addFlash(req, "success", "The change was saved.");
    res.redirect(303, "/probe/org");
  });
  router.post("/probe/member-action", requireSignedIn, (req, res) => {
    res.json({ done: true, body: req.body as unknown });
  });
  return router;
}

/** The whole app with the probe pages after the real ones (development sign-in). */
export function startAuthProbeServer(connection: Connection): Promise<TestServer> {
  return startTestServer({ connection, extraRouters: [authProbeRoutes()] });
}
