import { describe, expect, test } from "vitest";
import { stored } from "../../helpers/documents.js";
import { nockMarketplaceAccount } from "../../helpers/github/marketplace.js";
import { nockOAuthToken } from "../../helpers/github/oauth.js";
import { nockGitHubUser } from "../../helpers/github/users.js";
import {
  arriveAtSetup,
  pageText,
  pressConnect,
  SETTINGS,
  signInAdmin,
  startConnectServer,
  stateOf,
} from "../../helpers/github-connect.js";
import { deliverWebhook, webhookExample, webhookUser } from "../../helpers/webhooks.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const ctx = useTestServer(startConnectServer);

function createdPayload(installationId: number, requester: { id: number; login: string }) {
  const payload = webhookExample("installation", "created");
  (payload.installation as { id: number }).id = installationId;
  payload.requester = webhookUser(requester.login, requester.id);
  return payload;
}

describe("setup_action=request: a member of the GitHub org asked an owner to approve", () => {
  test("the admin is identified on GitHub, sees that the request awaits the owner, and the approved installation links itself", async () => {
    const admin = await signInAdmin(ctx.server, "org_request");
    const setup = await arriveAtSetup(admin, { setup_action: "request", state: stateOf(await pressConnect(admin)) });
    expect(setup.status).toBe(303);
    expect(setup.location).toMatch(/^https:\/\/github\.com\/login\/oauth\/authorize\?/);

    nockOAuthToken({ code: "req" });
    nockGitHubUser({ id: 80001, login: "mona-admin" });
    const callback = await admin.get(`/github/callback?code=req&state=${encodeURIComponent(stateOf(setup.location))}`);
    expect(callback.status, callback.body).toBe(303);
    expect(callback.location).toBe("/github/requested");
    const pending = await admin.get("/github/requested");
    expect(pending.status).toBe(200);
    expect(pageText(pending.body)).toContain("Waiting for approval on GitHub");
    expect(pageText(pending.body)).toContain(
      "When an owner approves, GitHub Connect links the installation to your organization by itself",
    );
    expect(await stored(ctx.server.models.InstallRequest, { organizationId: "org_request" })).toMatchObject({
      githubUserId: 80001,
      githubLogin: "mona-admin",
      fulfilledAt: null,
    });
    const settings = await admin.get(SETTINGS);
    expect(pageText(settings.body)).toContain(
      "Connection Waiting for approval Waiting for an owner on GitHub mona-admin asked an owner",
    );
    // One state: no primary Connect button beside the wait, only a plain link to start again.
    expect(settings.body).not.toContain("button-primary");
    expect(pageText(settings.body)).toContain("Declined, or approved for another account? Start connecting again.");

    // The owner approves: GitHub sends installation.created naming the requester (the link asks for the account's Marketplace purchase: none).
    nockMarketplaceAccount(21031067, null);
    const delivered = await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: createdPayload(56001, { id: 80001, login: "mona-admin" }),
    });
    expect(delivered.status, delivered.body).toBe(200);
    expect(await stored(ctx.server.models.GitHubInstallation, { installationId: 56001 })).toMatchObject({
      organizationId: "org_request",
      requesterId: 80001,
    });
    expect(
      await stored(ctx.server.models.AuditEvent, { action: "github.connected", organizationId: "org_request" }),
    ).toMatchObject({ details: { installationId: 56001, via: "request" } });
    expect((await stored(ctx.server.models.InstallRequest, { organizationId: "org_request" }))?.installationId).toBe(
      56001,
    );
    expect(pageText((await admin.get(SETTINGS)).body)).toContain("Connection Connected Codertocat");
  });

  test("an installation whose requester asked nothing of us stays unclaimed", async () => {
    const delivered = await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: createdPayload(56002, { id: 12345, login: "stranger" }),
    });
    expect(delivered.status).toBe(200);
    expect(await stored(ctx.server.models.GitHubInstallation, { installationId: 56002 })).toMatchObject({
      organizationId: null,
      requesterId: 12345,
      requesterLogin: "stranger",
    });
  });
});
