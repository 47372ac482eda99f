import { describe, expect, it } from "vitest";
import { stored, storedAll } from "../../helpers/documents.js";
import { ACME, OCTO_BUSINESS } from "../../helpers/github/fixtures.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import { nockInstallationRepositories } from "../../helpers/github/installations.js";
import { nockMarketplaceAccount } from "../../helpers/github/marketplace.js";
import { TEST_GHE_HOST } from "../../helpers/github/rest.js";
import { domainSnapshot, expectNothingChanged, mainOf, pageText, signInAdmin } from "../../helpers/github-connect.js";
import { OPERATOR_EMAIL, signInOperator, startOperatorServer } from "../../helpers/operator.js";
import { useTestServer } from "../../helpers/use-test-server.js";
import { deliverWebhook, webhookExample, webhookUser } from "../../helpers/webhooks.js";

const UNCLAIMED = "/operator/installations/unclaimed";
const linkPath = (installationId: number | string) => `/operator/installations/${installationId}/link`;

const ctx = useTestServer((connection) => startOperatorServer(connection), { emptyBetweenTests: true });

/** Each row of the list as its visible text, in the page's order. */
function rows(html: string): string[] {
  return [...html.matchAll(/<tr data-installation-id="\d+">([\s\S]*?)<\/tr>/g)].map((m) => pageText(m[1]!));
}

const acme = {
  installationId: 61001,
  accountId: ACME.id,
  accountLogin: ACME.login,
  accountType: "Organization",
  installedAt: new Date("2026-11-20T09:00:00Z"),
};

/** Everything a link could change: the domain's documents and the event log. */
async function everything() {
  return { ...(await domainSnapshot(ctx.server.models)), events: await storedAll(ctx.server.models.Event, {}) };
}

describe("the unclaimed installations page", () => {
  it("lists the live installations no organization has linked, newest first, with kind, date and requester", async () => {
    const { GitHubInstallation } = ctx.server.models;
    await GitHubInstallation.create([
      { ...acme, requesterLogin: "mona-requester", requesterId: 80001 },
      {
        installationId: 61002,
        accountId: OCTO_BUSINESS.id,
        accountLogin: OCTO_BUSINESS.slug,
        accountName: OCTO_BUSINESS.name,
        accountType: "Enterprise",
        installedAt: new Date("2026-11-22T09:00:00Z"),
      },
      {
        installationId: 61003,
        accountId: 583231,
        accountLogin: "octocat",
        accountType: "User",
        installedAt: new Date("2026-11-21T09:00:00Z"),
      },
      // Linked, and uninstalled: not unclaimed.
      { ...acme, installationId: 61004, accountLogin: "linked-org", organizationId: "org_linked" },
      { ...acme, installationId: 61005, accountLogin: "gone-org", deletedAt: new Date("2026-11-23T00:00:00Z") },
    ]);
    const operator = await signInOperator(ctx.server);
    const page = await operator.get(UNCLAIMED);
    expect(page.status).toBe(200);
    expect(pageText(mainOf(page.body))).toContain("3 unclaimed installations");
    expect(rows(page.body)).toEqual([
      "Octo Business (octo-business) enterprise 61002 22 November 2026 not named Link to organization…",
      "octocat user 61003 21 November 2026 not named Link to organization…",
      "acme-corp organization 61001 20 November 2026 mona-requester Link to organization…",
    ]);
    expect(page.body).toContain(`href="${linkPath(61001)}"`);
  });

  it("pages 50 at a time", async () => {
    await ctx.server.models.GitHubInstallation.insertMany(
      Array.from({ length: 51 }, (_, i) => ({
        ...acme,
        installationId: 63000 + i,
        accountId: 93000 + i,
        accountLogin: `account-${i}`,
        installedAt: new Date(Date.UTC(2026, 9, 1, 0, i)),
      })),
    );
    const operator = await signInOperator(ctx.server);
    const first = await operator.get(UNCLAIMED);
    expect(rows(first.body)).toHaveLength(50);
    expect(rows(first.body)[0]).toMatch(/^account-50 /);
    expect(pageText(first.body)).toContain("Showing 1–50 of 51");
    expect(pageText(first.body)).toContain("Page 1 of 2");
    const second = await operator.get(`${UNCLAIMED}?page=2`);
    expect(rows(second.body)).toEqual(["account-0 organization 63000 1 October 2026 not named Link to organization…"]);
  });

  it("shows the requester GitHub named in installation.created, stored by the installations writer", async () => {
    const payload = webhookExample("installation", "created");
    (payload.installation as { id: number }).id = 61010;
    payload.requester = webhookUser("mona-requester", 80001);
    const delivered = await deliverWebhook(ctx.server.url, { event: "installation", payload });
    expect(delivered.status, delivered.body).toBe(200);
    expect(await stored(ctx.server.models.GitHubInstallation, { installationId: 61010 })).toMatchObject({
      organizationId: null,
      requesterId: 80001,
      requesterLogin: "mona-requester",
    });
    const page = await (await signInOperator(ctx.server)).get(UNCLAIMED);
    expect(rows(page.body)).toHaveLength(1);
    expect(rows(page.body)[0]).toContain("61010");
    expect(rows(page.body)[0]).toContain("mona-requester");
  });
});

/** Each row of the events section as its visible text. */
function eventRows(html: string): string[] {
  return [...html.matchAll(/<tr data-event-seq="\d+">([\s\S]*?)<\/tr>/g)].map((m) => pageText(m[1]!));
}

const unclaimedEvent = (seq: number, at: Date, organizationId: string | null = null) => ({
  eventId: `evt_${String(seq).padStart(32, "0")}`,
  type: "connection.suspended",
  timestamp: at,
  organizationId,
  seq,
  data: { installationId: 61001, accountLogin: "acme-corp", accountType: "Organization" },
});

describe("events of unclaimed installations", () => {
  it("lists the events without an organization, newest first, and not an organization's", async () => {
    await ctx.server.models.Event.create([
      unclaimedEvent(1, new Date("2026-11-20T09:00:00Z")),
      unclaimedEvent(2, new Date("2026-11-21T10:30:00Z")),
      { ...unclaimedEvent(1, new Date("2026-11-22T09:00:00Z"), "org_claimed"), eventId: `evt_${"c".repeat(32)}` },
    ]);
    const page = await (await signInOperator(ctx.server)).get(UNCLAIMED);
    expect(page.status).toBe(200);
    expect(pageText(mainOf(page.body))).toContain("Events of unclaimed installations");
    expect(eventRows(page.body)).toEqual([
      "21 November 2026, 10:30 UTC connection.suspended 61001 acme-corp 2",
      "20 November 2026, 09:00 UTC connection.suspended 61001 acme-corp 1",
    ]);
  });

  it("pages the events 50 at a time with ?events=N", async () => {
    await ctx.server.models.Event.insertMany(
      Array.from({ length: 51 }, (_, i) => unclaimedEvent(i + 1, new Date(Date.UTC(2026, 9, 1, 0, i)))),
    );
    const operator = await signInOperator(ctx.server);
    const first = await operator.get(UNCLAIMED);
    expect(eventRows(first.body)).toHaveLength(50);
    expect(eventRows(first.body)[0]).toMatch(/ 51$/);
    expect(pageText(first.body)).toContain("Showing 1–50 of 51 events");
    const second = await operator.get(`${UNCLAIMED}?events=2`);
    expect(eventRows(second.body)).toEqual(["1 October 2026, 00:00 UTC connection.suspended 61001 acme-corp 1"]);
  });
});

describe("Link to organization…", () => {
  it("links the installation through the connect flow's writer, with the operator as actor, and says so", async () => {
    await ctx.server.models.GitHubInstallation.create(acme);
    const operator = await signInOperator(ctx.server);
    const confirm = await operator.get(linkPath(61001));
    expect(confirm.status).toBe(200);
    expect(pageText(mainOf(confirm.body))).toContain("Link acme-corp to an organization");
    expect(pageText(mainOf(confirm.body))).toContain("GitHub organization acme-corp Installation 61001");

    // What Connect asks GitHub after a link: the account's purchase (none; GitHub Enterprise Server
    // has no Marketplace, so there it is not asked) and the repos it reaches.
    const github = [
      ...(TEST_GHE_HOST ? [] : [nockMarketplaceAccount(ACME.id, null)]),
      nockInstallationToken(61001),
      nockInstallationRepositories([[]]),
    ];
    const linked = await operator.postForm(linkPath(61001), { organizationId: "org_linked_by_ops" });
    expect(linked.status, linked.body).toBe(303);
    expect(linked.location).toBe(UNCLAIMED);
    for (const scope of github) expect(scope.isDone()).toBe(true);

    const after = await operator.get(UNCLAIMED);
    expect(pageText(mainOf(after.body))).toContain(
      "Linked acme-corp (installation 61001) to organization org_linked_by_ops.",
    );
    expect(rows(after.body)).toEqual([]);
    const { models } = ctx.server;
    expect(await stored(models.GitHubInstallation, { installationId: 61001 })).toMatchObject({
      organizationId: "org_linked_by_ops",
      deletedAt: null,
    });
    expect(await stored(models.InstallationClaim, { installationId: 61001 })).toMatchObject({
      organizationId: "org_linked_by_ops",
      claimedBy: `operator:${OPERATOR_EMAIL}`,
    });
    expect(await storedAll(models.Event, {})).toEqual([
      expect.objectContaining({
        type: "connection.linked",
        organizationId: "org_linked_by_ops",
        actor: `operator:${OPERATOR_EMAIL}`,
        audience: "services",
        data: { installationId: 61001, accountLogin: "acme-corp", accountType: "Organization", via: "operator" },
      }),
    ]);
    expect(await stored(models.AuditEvent, { action: "github.connected" })).toMatchObject({
      organizationId: "org_linked_by_ops",
      actor: `operator:${OPERATOR_EMAIL}`,
      actorName: OPERATOR_EMAIL,
      details: { installationId: 61001, account: "acme-corp", via: "operator" },
    });

    // The organization's own Activity names the operator.
    const admin = await signInAdmin(ctx.server, "org_linked_by_ops");
    const activity = await admin.get("/workspace/settings/activity");
    expect(pageText(activity.body)).toContain(`${OPERATOR_EMAIL}, an operator, linked acme-corp to this organization`);
  });

  it("refuses an installation already linked to another organization, and changes nothing", async () => {
    const { models } = ctx.server;
    await models.GitHubInstallation.create({ ...acme, organizationId: "org_first" });
    await models.InstallationClaim.create({
      installationId: 61001,
      organizationId: "org_first",
      claimedAt: new Date("2026-11-20T10:00:00Z"),
      claimedBy: "user:u1",
    });
    const before = await domainSnapshot(models);
    const events = await storedAll(models.Event, {});
    const operator = await signInOperator(ctx.server);
    const confirm = await operator.get(linkPath(61001));
    expect(pageText(mainOf(confirm.body))).toContain("This installation is linked to organization org_first.");

    const refused = await operator.postForm(linkPath(61001), { organizationId: "org_second" });
    expect(refused.status).toBe(409);
    expect(pageText(mainOf(refused.body))).toContain(
      "Not linked: installation 61001 (acme-corp) is already linked to organization org_first. An installation belongs to one organization; nothing was changed.",
    );
    await expectNothingChanged(models, before);
    expect(await storedAll(models.Event, {})).toEqual(events);
  });

  it("refuses an installation another organization claimed first, even before its document says so", async () => {
    const { models } = ctx.server;
    await models.GitHubInstallation.create(acme);
    // A link in flight: the claim is written, the installation's organizationId not yet.
    await models.InstallationClaim.create({
      installationId: 61001,
      organizationId: "org_first",
      claimedAt: new Date("2026-11-20T10:00:00Z"),
      claimedBy: "user:u1",
    });
    const before = await domainSnapshot(models);
    const refused = await (await signInOperator(ctx.server)).postForm(linkPath(61001), {
      organizationId: "org_second",
    });
    expect(refused.status).toBe(409);
    expect(pageText(mainOf(refused.body))).toContain("is already linked to another organization");
    await expectNothingChanged(models, before);
    expect(await storedAll(models.Event, {})).toEqual([]);
  });

  it("refuses an organization that already has a live installation, and changes nothing", async () => {
    const { models } = ctx.server;
    await models.GitHubInstallation.create([
      acme,
      { ...acme, installationId: 61002, accountId: 90002, accountLogin: "busy-org", organizationId: "org_busy" },
    ]);
    const before = await everything();
    const refused = await (await signInOperator(ctx.server)).postForm(linkPath(61001), { organizationId: "org_busy" });
    expect(refused.status).toBe(409);
    expect(pageText(mainOf(refused.body))).toContain(
      "Not linked: organization org_busy already has a live installation (61002). An organization has one; disconnect that one first. Nothing was changed.",
    );
    // The form keeps what was typed.
    expect(refused.body).toContain('value="org_busy"');
    expect(await everything()).toEqual(before);
  });

  it("refuses an installation uninstalled on GitHub", async () => {
    const { models } = ctx.server;
    await models.GitHubInstallation.create({ ...acme, deletedAt: new Date("2026-11-23T00:00:00Z") });
    const before = await everything();
    const refused = await (await signInOperator(ctx.server)).postForm(linkPath(61001), { organizationId: "org_new" });
    expect(refused.status).toBe(409);
    expect(pageText(mainOf(refused.body))).toContain(
      "Not linked: installation 61001 (acme-corp) was uninstalled on GitHub and cannot be linked. Nothing was changed.",
    );
    expect(await everything()).toEqual(before);
  });

  it("answers a missing or malformed organization id with the form and a clear 400", async () => {
    await ctx.server.models.GitHubInstallation.create(acme);
    const before = await everything();
    const operator = await signInOperator(ctx.server);
    const missing = await operator.postForm(linkPath(61001), {});
    expect(missing.status).toBe(400);
    expect(pageText(mainOf(missing.body))).toContain("Type the id of the organization to link it to.");
    const malformed = await operator.postForm(linkPath(61001), { organizationId: "org acme; drop" });
    expect(malformed.status).toBe(400);
    expect(pageText(mainOf(malformed.body))).toContain(
      "That is not an organization id: 1 to 64 letters, digits, underscores or dashes (org_01H…).",
    );
    expect(await everything()).toEqual(before);
  });

  it("answers 404 for an installation id that is unknown or not a positive integer", async () => {
    const operator = await signInOperator(ctx.server);
    const unknown = await operator.get(linkPath(999999));
    expect(unknown.status).toBe(404);
    expect(pageText(mainOf(unknown.body))).toContain("No installation 999999 is stored.");
    const post = await operator.postForm(linkPath(999999), { organizationId: "org_new" });
    expect(post.status).toBe(404);
    for (const bad of ["0", "-4", "abc", "1.5", "9".repeat(16)]) {
      const response = await operator.get(linkPath(bad));
      expect(response.status, bad).toBe(404);
      expect(pageText(mainOf(response.body)), bad).toContain("There is no installation with this id");
    }
    expect(await storedAll(ctx.server.models.InstallationClaim, {})).toEqual([]);
  });
});
