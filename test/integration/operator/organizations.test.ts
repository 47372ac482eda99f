import type { Connection } from "mongoose";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { countCommands, type CommandCounter } from "../../../src/db/command-counter.js";
import { recordEvent } from "../../../src/events/event-log.js";
import { OPERATOR_PAGES, organizationPagePath } from "../../../src/web/operator/operator-paths.js";
import type { WebClient } from "../../helpers/auth.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { mainOf, pageText } from "../../helpers/github-connect.js";
import { OPERATOR_EMAIL, signInOperator, startOperatorServer } from "../../helpers/operator.js";
import { CONSOLE_NOW, hoursAgo, seedInstallations, seedLinkedEvent, seedProPlan } from "../../helpers/operator-seed.js";
import type { TestServer } from "../../helpers/test-server.js";
import { expectDocumentedEvents } from "../../helpers/use-test-server.js";

// 51 connected organizations (two pages), each with a repo, a plan and an event; and a few to read closely.
const PAGED = 51;
const pagedOrg = (i: number) => `org_p${String(i).padStart(3, "0")}`;

let connection: Connection;
let server: TestServer;
let counter: CommandCounter;
let operator: WebClient;

beforeAll(async () => {
  connection = await connectTestDatabase(undefined, { monitorCommands: true });
  server = await startOperatorServer(connection, {}, { now: CONSOLE_NOW });
  const { models } = server;
  await seedInstallations(
    models,
    Array.from({ length: PAGED }, (_, i) => ({ installationId: 1000 + i, organizationId: pagedOrg(i) })),
  );
  await models.Repo.insertMany(
    Array.from({ length: PAGED }, (_, i) => ({
      organizationId: pagedOrg(i),
      slug: "web",
      name: "web",
      githubRepoId: 5000 + i,
      fullName: `account-${1000 + i}/web`,
      accessible: true,
    })),
  );
  await models.MarketplaceAccount.insertMany(
    Array.from({ length: PAGED }, (_, i) => ({
      accountId: 900_000 + 1000 + i,
      accountLogin: `account-${1000 + i}`,
      accountType: "Organization",
      plan: { id: 1, name: "Team", priceModel: "FLAT_RATE" },
    })),
  );
  for (let i = 0; i < PAGED; i++)
    await seedLinkedEvent(models, hoursAgo(100 - i), pagedOrg(i), {
      installationId: 1000 + i,
      accountLogin: `account-${1000 + i}`,
    });

  // Acme: connected again after a removal, a per-seat plan, repos in several states, two events (an operator's newest).
  await seedInstallations(models, [
    { installationId: 7001, organizationId: "org_acme", accountLogin: "acme-old", deletedAt: hoursAgo(300) },
    { installationId: 7002, organizationId: "org_acme", accountLogin: "Acme-Corp", accountId: 4242 },
    { installationId: 7003, organizationId: "org_idle", accountLogin: "idle-co", suspendedAt: hoursAgo(10) },
  ]);
  await seedProPlan(models, { accountId: 4242, accountLogin: "Acme-Corp" });
  await models.Repo.insertMany([
    {
      organizationId: "org_acme",
      slug: "api",
      name: "api",
      githubRepoId: 81,
      fullName: "Acme-Corp/api",
      accessible: true,
    },
    {
      organizationId: "org_acme",
      slug: "docs",
      name: "docs",
      githubRepoId: 82,
      fullName: "Acme-Corp/docs",
      accessible: true,
    },
    { organizationId: "org_acme", slug: "old", name: "old", githubRepoId: 83, deletedOnGitHubAt: hoursAgo(5) },
    { organizationId: "org_acme", slug: "wip", name: "wip", githubRepoId: null },
    { organizationId: "org_idle", slug: "site", name: "site", githubRepoId: 91, accessible: true },
    // Known only by its repos: its page exists.
    { organizationId: "org_reposonly", slug: "x", name: "x", githubRepoId: 99 },
  ]);
  await seedLinkedEvent(models, hoursAgo(300), "org_acme", { installationId: 7001, accountLogin: "acme-old" });
  await recordEvent(models, hoursAgo(2), {
    type: "connection.linked",
    organizationId: "org_acme",
    data: { installationId: 7002, accountLogin: "Acme-Corp", accountType: "Organization", via: "oauth" },
    actor: `operator:${OPERATOR_EMAIL}`,
  });
  // 51 events for the timeline's two pages.
  for (let i = 0; i < 51; i++)
    await seedLinkedEvent(models, hoursAgo(60 - i), "org_busy", { installationId: 7100, accountLogin: "busy" });

  counter = countCommands(connection);
  operator = await signInOperator(server);
}, 120_000);

afterEach(() => expectDocumentedEvents(server?.models));
afterAll(async () => {
  counter?.stop();
  await server?.close();
  await dropAndClose(connection);
});

/** The organization ids the list shows, in order. */
const listed = (html: string) =>
  [...html.matchAll(/<th scope="row"[^>]*><a href="[^"]+">([^<]+)<\/a><\/th>/g)].map((m) => m[1]);

async function list(query = "") {
  counter.reset();
  const page = await operator.get(`${OPERATOR_PAGES.organizations}${query}`);
  return {
    status: page.status,
    html: mainOf(page.body),
    text: pageText(mainOf(page.body)),
    commands: [...counter.commands],
  };
}

describe("the organizations list", () => {
  test("50 a page: 51 connected organizations make two pages", async () => {
    const first = await list("?state=connected");
    expect(first.status).toBe(200);
    expect(listed(first.html)).toEqual(["org_acme", ...Array.from({ length: 49 }, (_, i) => pagedOrg(i))]);
    expect(first.text).toContain("Showing 1–50 of 52 installations");
    expect(first.html).toContain(`href="${OPERATOR_PAGES.organizations}?state=connected&amp;page=2"`);

    const second = await list("?state=connected&page=2");
    expect(listed(second.html)).toEqual([pagedOrg(49), pagedOrg(50)]);
    expect(second.text).toContain("Showing 51–52 of 52 installations");
    expect(second.text).toContain("Page 2 of 2");
  });

  test("each row: state, account, plan, repos by status and the last event", async () => {
    const { html, text } = await list("?q=org_acme");
    expect(listed(html)).toEqual(["org_acme", "org_acme"]);
    expect(text).toContain(
      "org_acme Connected Acme-Corp Organization, installation 7002 Pro, 5 seats " +
        "2 reachable, 1 deleted on GitHub, 1 not created connection.linked 24 November 2026, 10:00 UTC",
    );
    expect(text).toContain("org_acme Removed connected again since (installation 7002) acme-old");
    expect(html).toContain(`href="${organizationPagePath("org_acme")}"`);
    expect(html).toContain('href="https://github.com/Acme-Corp"');

    const idle = await list("?state=suspended");
    expect(idle.text).toContain(
      "org_idle Suspended idle-co Organization, installation 7003 No Marketplace plan 1 paused None",
    );
  });

  test("search: an exact organization id, GitHub login (as typed or lowercased) or installation id; a miss says so", async () => {
    expect(listed((await list("?q=org_p007")).html)).toEqual(["org_p007"]);
    expect(listed((await list("?q=Acme-Corp")).html)).toEqual(["org_acme"]);
    expect(listed((await list("?q=account-1003")).html)).toEqual([pagedOrg(3)]);
    expect(listed((await list("?q=1010")).html)).toEqual([pagedOrg(10)]);
    expect(listed((await list("?q=org_idle&state=connected")).html)).toEqual([]);

    const miss = await list("?q=org_p0");
    expect(miss.status).toBe(200);
    expect(listed(miss.html)).toEqual([]);
    expect(miss.text).toContain("No organization matches “org_p0”");
  });

  test("a search or state it cannot use is refused with a clear message, not run", async () => {
    for (const q of ["a b", "$where", ".*", "x".repeat(101)]) {
      const page = await list(`?q=${encodeURIComponent(q)}`);
      expect(page.status, q).toBe(400);
      expect(page.text).toContain("Search for an organization id, a GitHub login or an installation id");
      expect(page.commands.filter((c) => c.includes("github_installations"))).toEqual([]);
    }
    const state = await list("?state=gone");
    expect(state.status).toBe(400);
    expect(state.text).toContain("There is no state “gone”: choose connected, suspended or removed.");
    // Repeated parameters are not a search.
    expect((await list("?q=a&q=b")).status).toBe(200);
  });

  test("the page's database commands do not grow with its rows: one read per kind for the whole page", async () => {
    const one = await list("?q=org_p007");
    const fifty = await list("?state=connected");
    expect(listed(one.html)).toHaveLength(1);
    expect(listed(fifty.html)).toHaveLength(50);
    const listing = (commands: string[]) =>
      commands.filter((c) => /github_installations|repos|marketplace_accounts|events/.test(c));
    expect(listing(fifty.commands)).toEqual(listing(one.commands));
    expect(listing(fifty.commands).sort()).toEqual(
      [
        // countDocuments is an aggregate command.
        "aggregate github_installations",
        "find github_installations",
        "find github_installations",
        "find marketplace_accounts",
        "find repos",
        "find events",
      ].sort(),
    );
  });
});

describe("the overview's cost", () => {
  test("a fixed set of counts and single reads, whatever the data holds", async () => {
    counter.reset();
    expect((await operator.get(OPERATOR_PAGES.overview)).status).toBe(200);
    const work = counter.commands.filter((c) =>
      /github_installations|webhook_deliveries|event_deliveries|reconcile_checkpoints/.test(c),
    );
    // countDocuments is an aggregate; no endpoint has deliveries here, so no per-endpoint reads.
    expect(work.sort()).toEqual(
      [
        ...Array(4).fill("aggregate github_installations"),
        ...Array(2).fill("aggregate webhook_deliveries"),
        "distinct event_deliveries",
        "find reconcile_checkpoints",
      ].sort(),
    );
  });
});

describe("an organization's page", () => {
  const open = async (path: string) => {
    const page = await operator.get(path);
    return { status: page.status, html: mainOf(page.body), text: pageText(mainOf(page.body)) };
  };

  test("its installations and state, plan, repos with status, timeline with the operator who acted, and GitHub's settings link", async () => {
    const page = await open(organizationPagePath("org_acme"));
    expect(page.status).toBe(200);
    expect(page.text).toContain("org_acme Connected");
    expect(page.text).toContain("Plan: Pro, 5 seats");
    expect(page.text).toMatch(
      /7002 Connected Acme-Corp Organization Selected repositories Installed .*7001 Removed acme-old/,
    );
    expect(page.text).toContain(
      "api Acme-Corp/api reachable docs Acme-Corp/docs reachable old None deleted on GitHub wip None not created",
    );
    expect(page.text).toContain("Timeline (2 events, newest first)");
    expect(page.text).toContain(
      `24 November 2026, 10:00 UTC #2 connection.linked ${OPERATOR_EMAIL} installationId: 7002, accountLogin: Acme-Corp, accountType: Organization, via: oauth`,
    );
    expect(page.text).toContain("#1 connection.linked GitHub or the App installationId: 7001");
    expect(page.html).toContain('href="https://github.com/organizations/Acme-Corp/settings/installations/7002"');
  });

  test("a suspended organization's repos are paused", async () => {
    const page = await open(organizationPagePath("org_idle"));
    expect(page.text).toContain("org_idle Suspended");
    expect(page.text).toContain("site None paused");
  });

  test("its timeline, 50 a page, newest first", async () => {
    const first = await open(organizationPagePath("org_busy"));
    expect(first.status).toBe(200);
    expect(first.text).toContain("Never connected");
    expect(first.text).toContain("Showing 1–50 of 51 events");
    expect(first.text).toMatch(/#51 connection\.linked[\s\S]*#2 connection\.linked/);
    expect(first.text).not.toContain("#1 connection.linked");
    expect(first.html).toContain(`href="${organizationPagePath("org_busy")}?page=2"`);
    const second = await open(`${organizationPagePath("org_busy")}?page=2`);
    expect(second.text).toContain("Showing 51–51 of 51 events");
    expect(second.text).toContain("#1 connection.linked");
  });

  test("an organization known only by its repos has a page", async () => {
    const page = await open(organizationPagePath("org_reposonly"));
    expect(page.status).toBe(200);
    expect(page.text).toContain("No GitHub installation was ever linked to this organization.");
  });

  test("an unknown organization id is a 404 naming it; an id of the wrong shape is a 404 saying so", async () => {
    const unknown = await operator.get(organizationPagePath("org_nobody"));
    expect(unknown.status).toBe(404);
    expect(pageText(unknown.body)).toContain(
      "No organization org_nobody is known here: no GitHub installation was ever linked to it, and it has no repos and no events.",
    );
    const invalid = await operator.get(`${OPERATOR_PAGES.organizations}/${encodeURIComponent("org acme!")}`);
    expect(invalid.status).toBe(404);
    expect(pageText(invalid.body)).toContain("“org acme!” is not an organization id");
  });
});
