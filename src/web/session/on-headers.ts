import type { ServerResponse } from "node:http";

/**
 * Runs `listener` once, just before the status line and headers are written, whichever way the
 * response is finished (res.end, res.send, res.redirect, res.render, res.writeHead, flushHeaders):
 * Node's implicit header path calls `this.writeHead`, so wrapping it on the instance sees them all.
 */
export function beforeHeaders(res: ServerResponse, listener: () => void): void {
  const writeHead = res.writeHead;
  let fired = false;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!fired) {
      fired = true;
      if (!this.headersSent) listener();
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}
