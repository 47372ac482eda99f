import { Router } from "express";
import type { Connection } from "mongoose";
import { pingDatabase } from "../db/connect.js";

/** 200 while the database answers, 503 when it does not: what a load balancer needs to know. */
export function healthRoutes(connection: Connection | null): Router {
  const router = Router();
  router.get("/healthz", async (_req, res) => {
    const database = connection ? await pingDatabase(connection) : false;
    res.set("cache-control", "no-store");
    res
      .status(database ? 200 : 503)
      .json({ status: database ? "ok" : "unavailable", database: database ? "up" : "down" });
  });
  return router;
}
