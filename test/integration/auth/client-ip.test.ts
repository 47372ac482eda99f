import type { Connection } from "mongoose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createTestWorkOS,
  nockAuthenticateWithCodeRecording,
  WebClient,
  workosEnv,
  WorkOSSigningKey,
} from "../../helpers/auth.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

// WorkOS is told the signing-in user's IP (its logs, radar, rate limits): it must be the one
// that connected, not whatever a client writes in X-Forwarded-For.
const key = new WorkOSSigningKey();
let connection: Connection;
let server: TestServer | undefined;

beforeAll(async () => {
  connection = await connectTestDatabase();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => dropAndClose(connection));

async function serverWith(env: Record<string, string | undefined> = {}): Promise<TestServer> {
  const workos = createTestWorkOS();
  server = await startTestServer({
    connection,
    config: testConfig(workosEnv({ BASE_URL: "https://connect.example.test", ...env })),
    workos,
  });
  return server;
}

/** Signs in through /auth/login and /auth/callback, the callback carrying `forwardedFor`; returns the IP WorkOS was sent. */
async function ipSentToWorkOS(url: string, forwardedFor: string): Promise<unknown> {
  const client = new WebClient(url);
  const login = await client.get("/auth/login");
  const state = new URL(login.location!).searchParams.get("state");
  const workos = nockAuthenticateWithCodeRecording("code_ip", {
    organizationId: "org_01JACME",
    accessToken: key.sign({ org_id: "org_01JACME" }),
  });
  const callback = await client.get(`/auth/callback?code=code_ip&state=${state}`, {
    headers: { "x-forwarded-for": forwardedFor },
  });
  expect(callback.status, callback.body).toBe(303);
  workos.scope.done();
  return workos.sent()?.ip_address;
}

describe("the IP sent to WorkOS at sign-in (Node server)", () => {
  it("without TRUST_PROXY, X-Forwarded-For is ignored: WorkOS gets the connection's address", async () => {
    const { url } = await serverWith();
    expect(await ipSentToWorkOS(url, "6.6.6.6")).toBe("127.0.0.1");
  });

  it("TRUST_PROXY=1 believes the one proxy in front: the address it appended, not what the client wrote before it", async () => {
    const { url } = await serverWith({ TRUST_PROXY: "1" });
    expect(await ipSentToWorkOS(url, "6.6.6.6")).toBe("6.6.6.6");
    expect(await ipSentToWorkOS(url, "6.6.6.6, 203.0.113.9")).toBe("203.0.113.9");
  });

  it("TRUST_PROXY naming the proxy's address believes only that proxy", async () => {
    expect(await ipSentToWorkOS((await serverWith({ TRUST_PROXY: "loopback" })).url, "203.0.113.9")).toBe(
      "203.0.113.9",
    );
    await server!.close();
    expect(await ipSentToWorkOS((await serverWith({ TRUST_PROXY: "10.0.0.0/8" })).url, "203.0.113.9")).toBe(
      "127.0.0.1",
    );
  });
});
