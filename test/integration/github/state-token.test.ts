import { beforeAll, describe, expect, test } from "vitest";
import { createStateTokens, StateTokenError, type StateTokens } from "../../../src/connect/state-token.js";
import { useTestModels } from "../../helpers/use-test-server.js";

let clock = new Date("2026-11-24T12:00:00Z");
let states: StateTokens;
const admin = { organizationId: "org_a", userId: "user_1" };

const db = useTestModels();
beforeAll(() => {
  states = createStateTokens({ secret: "s".repeat(32), now: () => clock, models: db.models });
});

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof StateTokenError) return error.reason;
    throw error;
  }
  return undefined;
}

async function reasonOfAsync(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StateTokenError) return error.reason;
    throw error;
  }
  return undefined;
}

describe("the connect state (rule 2)", () => {
  test("a state verifies for the org and user it was issued to, and carries its claims", () => {
    const { token } = states.issue({ ...admin, purpose: "oauth", installationId: 51001, intent: "link" });
    expect(states.verify(token, "oauth", admin)).toMatchObject({
      ...admin,
      purpose: "oauth",
      installationId: 51001,
      intent: "link",
    });
  });

  test("a changed or invented state is forged", () => {
    const { token } = states.issue({ ...admin, purpose: "install" });
    const [body, mac] = token.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(body, "base64url").toString());
    const otherOrg = Buffer.from(JSON.stringify({ ...claims, organizationId: "org_b" })).toString("base64url");
    expect(reasonOf(() => states.verify(`${otherOrg}.${mac}`, "install", { ...admin, organizationId: "org_b" }))).toBe(
      "forged",
    );
    expect(reasonOf(() => states.verify("not-a-state", "install", admin))).toBe("forged");
    expect(reasonOf(() => states.verify(`${body}.${mac}x`, "install", admin))).toBe("forged");
    const other = createStateTokens({ secret: "t".repeat(32), now: () => clock, models: db.models });
    expect(reasonOf(() => states.verify(other.issue({ ...admin, purpose: "install" }).token, "install", admin))).toBe(
      "forged",
    );
  });

  test("a state made for one step is refused by the other", () => {
    const { token } = states.issue({ ...admin, purpose: "install" });
    expect(reasonOf(() => states.verify(token, "oauth", admin))).toBe("forged");
  });

  test("a state expires after 10 minutes", () => {
    const { token } = states.issue({ ...admin, purpose: "install" });
    clock = new Date(clock.getTime() + 9 * 60_000);
    expect(states.verify(token, "install", admin).organizationId).toBe("org_a");
    clock = new Date(clock.getTime() + 60_000);
    expect(reasonOf(() => states.verify(token, "install", admin))).toBe("expired");
  });

  test("a state is bound to its organization and its user", () => {
    const { token } = states.issue({ ...admin, purpose: "install" });
    expect(reasonOf(() => states.verify(token, "install", { ...admin, organizationId: "org_b" }))).toBe("wrong-org");
    expect(reasonOf(() => states.verify(token, "install", { ...admin, userId: "user_2" }))).toBe("wrong-user");
  });

  test("a state works once: the second use is a replay, recorded by its nonce", async () => {
    const { token, claims } = states.issue({ ...admin, purpose: "install" });
    await expect(states.consume(token, "install", admin)).resolves.toMatchObject({ nonce: claims.nonce });
    expect(await reasonOfAsync(states.consume(token, "install", admin))).toBe("replayed");
    expect(await db.models.UsedState.countDocuments({ nonce: claims.nonce })).toBe(1);
  });

  test("two uses racing each other: exactly one wins", async () => {
    const { token } = states.issue({ ...admin, purpose: "oauth" });
    const results = await Promise.allSettled([
      states.consume(token, "oauth", admin),
      states.consume(token, "oauth", admin),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as StateTokenError).reason).toBe("replayed");
  });

  test("a refused state is not used up, and used states are forgotten once expired", async () => {
    const { token, claims } = states.issue({ ...admin, purpose: "install" });
    expect(await reasonOfAsync(states.consume(token, "install", { ...admin, userId: "someone" }))).toBe("wrong-user");
    expect(await db.models.UsedState.countDocuments({ nonce: claims.nonce })).toBe(0);
    await states.consume(token, "install", admin);
    clock = new Date(clock.getTime() + 11 * 60_000);
    await states.consume(states.issue({ ...admin, purpose: "install" }).token, "install", admin);
    expect(await db.models.UsedState.countDocuments({ nonce: claims.nonce })).toBe(0);
  });
});
