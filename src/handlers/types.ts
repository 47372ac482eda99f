import type { Context } from "probot";
import type { Logger } from "pino";
import type { Models } from "../models/index.js";

/** What a handler needs; tests pass a real database and a fixed clock. */
export interface HandlerDeps {
  models: Models;
  now: () => Date;
}

/** "applied" changed state; "stale" was older than what is stored; "ignored" needed nothing. */
export type HandlerOutcome = "applied" | "stale" | "ignored";

/** The slice of Probot's Context a handler uses: payload and a logger tagged with the delivery. */
export interface HandlerContext<P = unknown> {
  id: string;
  name: string;
  payload: P;
  log: Logger;
}

export type EventHandler = (context: HandlerContext<any>, deps: HandlerDeps) => Promise<HandlerOutcome>;

export type AnyContext = Context;
