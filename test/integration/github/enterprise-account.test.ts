import { describe, expect, test } from "vitest";
import { stored } from "../../helpers/documents.js";
import { checkWebhookPayload } from "../../helpers/contract/openapi-responses.js";
import { OCTO_BUSINESS, type EnterpriseSpec } from "../../helpers/github/fixtures.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import {
  enterpriseAccountJson,
  nockGetInstallation,
  nockInstallationRepositories,
} from "../../helpers/github/installations.js";
import { nockMarketplaceAccount } from "../../helpers/github/marketplace.js";
import {
  confirmSetup,
  mainOf,
  pageText,
  SETTINGS,
  signInAdmin,
  startConnectServer,
} from "../../helpers/github-connect.js";
import { useTestServer } from "../../helpers/use-test-server.js";
import { deliverWebhook, webhookExamples } from "../../helpers/webhooks.js";
import { validateWebhook } from "../../helpers/contract/webhook-schemas.js";

/*
 * An installation on an enterprise account: GitHub's `account` is then its enterprise object
 * (slug and name, no login, no type) and `target_type` is "Enterprise". It is stored under the
 * slug, shown by its name, and linked like any other.
 */

const ctx = useTestServer(startConnectServer);

/** @octokit/webhooks-schemas 7.6.1 types installation.account as a user only; GitHub's own description does not. */
const SCHEMA_GAP =
  "@octokit/webhooks-schemas types installation.account as a user; GitHub's REST description (x-webhooks installation-created) allows its enterprise object";

/** GitHub's installation.created example, installed on `enterprise` instead of a user. */
function enterpriseInstallationCreated(installationId: number, enterprise: EnterpriseSpec) {
  const payload = webhookExamples("installation").find((e) => e.action === "created")! as Record<string, unknown> & {
    installation: Record<string, unknown>;
  };
  Object.assign(payload.installation, {
    id: installationId,
    account: enterpriseAccountJson(enterprise),
    target_id: enterprise.id,
    target_type: "Enterprise",
    html_url: `https://github.com/enterprises/${enterprise.slug}/settings/installations/${installationId}`,
    // GitHub's REST description has these as it sends them today (the example is older: epoch seconds, no slug).
    app_slug: "github-connect-test",
    created_at: "2026-11-24T11:00:00Z",
    updated_at: "2026-11-24T11:00:00Z",
  });
  expect(checkWebhookPayload("installation-created", payload)).toEqual([]);
  // Off @octokit/webhooks-schemas for the enterprise account alone (a user's fields missing, its own unknown).
  const offFor = new Set(
    validateWebhook("installation", payload).map((e) => e.instancePath.replace(/^(\/installation\/account)\/.*/, "$1")),
  );
  expect(offFor).toEqual(new Set(["/installation/account", "/installation/target_type"]));
  return payload;
}

describe("an installation on an enterprise account", () => {
  test("installation.created stores it under the enterprise's slug, with its name, unclaimed", async () => {
    const res = await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: enterpriseInstallationCreated(57001, OCTO_BUSINESS),
      offSchema: SCHEMA_GAP,
    });

    expect(res.status, res.body).toBe(200);
    expect(await stored(ctx.server.models.GitHubInstallation, { installationId: 57001 })).toMatchObject({
      accountId: 42,
      accountLogin: "octo-business",
      accountName: "Octo Business",
      accountType: "Enterprise",
      organizationId: null,
      deletedAt: null,
    });
  });

  test("the setup page names it, OAuth links it, and Settings shows its name with GitHub's links for an enterprise", async () => {
    await deliverWebhook(ctx.server.url, {
      event: "installation",
      payload: enterpriseInstallationCreated(57002, OCTO_BUSINESS),
      offSchema: SCHEMA_GAP,
    });
    const admin = await signInAdmin(ctx.server, "org_enterprise");

    // Setup sends the admin through GitHub's OAuth first; the confirmation names the enterprise after it.
    const { page, submit } = await confirmSetup(admin, { id: 57002, enterprise: OCTO_BUSINESS }, { code: "ent" });
    expect(pageText(mainOf(page.body))).toContain(
      "Connect Octo Business to your organization? GitHub Connect is installed on the GitHub enterprise Octo Business",
    );

    nockGetInstallation({ id: 57002, enterprise: OCTO_BUSINESS });
    nockMarketplaceAccount(OCTO_BUSINESS.id, null);
    nockInstallationToken(57002);
    nockInstallationRepositories([[]]);
    const linked = await submit();
    expect(linked.status, linked.body).toBe(303);
    expect(linked.location).toBe(SETTINGS);

    expect(await stored(ctx.server.models.GitHubInstallation, { installationId: 57002 })).toMatchObject({
      organizationId: "org_enterprise",
      accountLogin: "octo-business",
      accountType: "Enterprise",
    });
    const settings = await admin.get(SETTINGS);
    const text = pageText(settings.body);
    expect(text).toContain("Connected to Octo Business on GitHub.");
    expect(text).toContain("Connection Connected Octo Business Enterprise");
    // Not told it is a personal account: what creating projects needs on an enterprise.
    expect(text).toContain(
      "Octo Business is an enterprise account: it has no repositories of its own, and GitHub gives an App installed on an enterprise none of its organizations' repositories.",
    );
    expect(text).not.toContain("personal account");
    expect(settings.body).toContain('<a href="https://github.com/enterprises/octo-business">Octo Business</a>');
    expect(settings.body).toContain(
      'href="https://github.com/enterprises/octo-business/settings/installations/57002">Manage on GitHub</a>',
    );
    // Disconnect asks about the enterprise by name, as an enterprise.
    const disconnect = await admin.get("/github/disconnect");
    expect(pageText(mainOf(disconnect.body))).toContain(
      "This uninstalls GitHub Connect from the GitHub enterprise Octo Business.",
    );
    expect(disconnect.body).toContain(
      '<a href="https://github.com/enterprises/octo-business"><strong>Octo Business</strong></a>',
    );
  });

  test("not stored yet (its webhook is late): after OAuth, the confirmation reads GitHub's answer for it and names the enterprise", async () => {
    const admin = await signInAdmin(ctx.server, "org_enterprise_late");

    const { page } = await confirmSetup(admin, { id: 57003, enterprise: OCTO_BUSINESS });

    expect(pageText(mainOf(page.body))).toContain("GitHub Connect is installed on the GitHub enterprise Octo Business");
  });
});
