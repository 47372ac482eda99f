import type { Request, Response } from "express";
import onHeaders from "on-headers";
import { clearCookie, FLOW_COOKIE, FLOW_MAX_AGE_SECONDS, readCookie, setCookie } from "./cookies.js";
import type { Sealer } from "./seal.js";
import type { FlashLink, FlashMessage, FlowState } from "./types.js";

export interface FlashView extends FlashMessage {
  /** role="alert" for errors (read at once), role="status" for the rest. */
  ariaRole: "alert" | "status";
  links: FlashLink[];
}

/** Links read back from the cookie: only well-formed ones with an http(s) href. */
function linksOf(raw: unknown): FlashLink[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (link): link is FlashLink =>
      typeof link === "object" &&
      link !== null &&
      typeof link.text === "string" &&
      typeof link.href === "string" &&
      /^https?:\/\//.test(link.href),
  );
}

/**
 * Loads `req.flow` from its sealed cookie (an unreadable cookie is an empty flow) and writes it
 * back just before the headers go out (on-headers: however the route ends the answer), only when
 * it changed.
 */
export function attachFlow(req: Request, res: Response, sealer: Sealer, secure: boolean): void {
  const raw = readCookie(req, FLOW_COOKIE);
  const loaded = sealer.unseal<FlowState>(raw);
  req.flow = loaded && typeof loaded === "object" && !Array.isArray(loaded) ? loaded : {};
  const initial = raw === undefined ? "{}" : JSON.stringify(req.flow);
  onHeaders(res, () => {
    const current = JSON.stringify(req.flow ?? {});
    if (current === initial && loaded !== null) return;
    if (current === "{}") {
      if (raw !== undefined) clearCookie(res, FLOW_COOKIE, secure);
      return;
    }
    setCookie(res, FLOW_COOKIE, sealer.seal(req.flow, FLOW_MAX_AGE_SECONDS), secure, FLOW_MAX_AGE_SECONDS);
  });
}

/** Queues a message for the next page this browser renders (usually after a redirect). */
export function addFlash(req: Request, kind: FlashMessage["kind"], message: string, links: FlashLink[] = []): void {
  req.flow.flash = [...(req.flow.flash ?? []), links.length > 0 ? { kind, message, links } : { kind, message }];
}

/** Takes the queued messages out of the flow: they show once. */
export function takeFlash(req: Request): FlashView[] {
  const messages = Array.isArray(req.flow.flash) ? req.flow.flash : [];
  delete req.flow.flash;
  return messages.map((m) => ({
    kind: m.kind,
    message: m.message,
    ariaRole: m.kind === "error" ? "alert" : "status",
    links: linksOf(m.links),
  }));
}
