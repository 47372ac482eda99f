import type { Connection } from "mongoose";
import type { Router } from "express";
import { signInAs, type WebClient } from "./auth.js";
import { testConfig } from "./test-config.js";
import { startTestServer, type TestServer } from "./test-server.js";

/** The operator every console test signs in as (listed in OPERATOR_EMAILS, in another case to prove case is ignored). */
export const OPERATOR_EMAIL = "ops@connect.example";

/** The whole app with OPERATOR_EMAILS set; override any variable. */
export function startOperatorServer(
  connection: Connection,
  env: Record<string, string | undefined> = {},
  options: { now?: Date } = {},
): Promise<TestServer> {
  return startTestServer({
    connection,
    config: testConfig({ OPERATOR_EMAILS: `someone-else@connect.example, ${OPERATOR_EMAIL.toUpperCase()}`, ...env }),
    now: options.now,
  });
}

/** An operator signed in through the development form: no organization of their own, the member role. */
export function signInOperator(server: TestServer, email = OPERATOR_EMAIL): Promise<WebClient> {
  return signInAs(server.url, { role: "member", organizationId: null, email });
}

export interface RouteInRouter {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route a router (and the routers it mounts) declares: the console's own list, so a new page is covered without editing a test. */
export function routesOf(router: Router): RouteInRouter[] {
  const walk = (stack: Layer[]): RouteInRouter[] =>
    stack.flatMap((layer) => {
      if (layer.route)
        return Object.keys(layer.route.methods)
          .filter((method) => layer.route!.methods[method])
          .map((method) => ({ method: method.toUpperCase(), path: layer.route!.path }));
      return layer.handle?.stack ? walk(layer.handle.stack) : [];
    });
  return walk((router as unknown as { stack: Layer[] }).stack);
}
