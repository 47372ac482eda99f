import type { Connection } from "mongoose";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { recordAudit } from "../../../src/events/audit-log.js";
import {
  organizationActivityPath,
  organizationPagePath,
  organizationSettingsPath,
} from "../../../src/web/operator/operator-paths.js";
import type { WebClient } from "../../helpers/auth.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { mainOf, pageText, SETTINGS, signInAdmin, signInMember } from "../../helpers/github-connect.js";
import { signInOperator, startOperatorServer } from "../../helpers/operator.js";
import { CONSOLE_NOW, hoursAgo, seedInstallations, seedProPlan } from "../../helpers/operator-seed.js";
import type { TestServer } from "../../helpers/test-server.js";
import { expectDocumentedEvents } from "../../helpers/use-test-server.js";

const ACTIVITY = "/workspace/settings/activity";
// 52 repos: the settings page shows 50 a page, so there is a second page and its links.
const REPOS = 52;
const repoName = (i: number) => `repo-${String(i).padStart(2, "0")}`;

let connection: Connection;
let server: TestServer;
let operator: WebClient;
let admin: WebClient;
let member: WebClient;

beforeAll(async () => {
  connection = await connectTestDatabase();
  server = await startOperatorServer(connection, {}, { now: CONSOLE_NOW });
  const { models } = server;
  await seedInstallations(models, [
    { installationId: 7002, organizationId: "org_acme", accountLogin: "Acme-Corp", accountId: 4242 },
    { installationId: 7003, organizationId: "org_gone", accountLogin: "gone-co", deletedAt: hoursAgo(30) },
  ]);
  await seedProPlan(models, { accountId: 4242, accountLogin: "Acme-Corp" });
  await models.Repo.insertMany([
    ...Array.from({ length: REPOS }, (_, i) => ({
      organizationId: "org_acme",
      slug: repoName(i),
      name: repoName(i),
      githubRepoId: 8000 + i,
      fullName: `Acme-Corp/${repoName(i)}`,
      // A few the installation cannot reach: admins get a recreate/grant control for them.
      accessible: i % 10 !== 3,
    })),
    { organizationId: "org_gone", slug: "site", name: "site", githubRepoId: 91, fullName: "gone-co/site" },
  ]);
  await recordAudit(models, hoursAgo(3), {
    organizationId: "org_acme",
    actor: "github:octocat",
    action: "installation_repositories.added",
    details: { added: 2, removed: 0 },
  });
  await recordAudit(models, hoursAgo(1), {
    organizationId: "org_other",
    actor: "github:mallory",
    action: "installation.suspended",
    details: {},
  });
  operator = await signInOperator(server);
  admin = await signInAdmin(server, "org_acme");
  member = await signInMember(server, "org_acme");
}, 120_000);

afterEach(() => expectDocumentedEvents(server?.models));
afterAll(async () => {
  await server?.close();
  await dropAndClose(connection);
});

const memberOf = async (s: TestServer, organizationId: string) =>
  (await signInMember(s, organizationId, `member@${organizationId}.example`)).get(SETTINGS);

/** The organization's own page inside the console's copy (after the banner). */
const copyOf = (html: string) =>
  /<div class="operator-org-copy" data-testid="organization-copy">([\s\S]*)<\/div>\s*$/.exec(
    mainOf(html).trim(),
  )?.[1] ?? "";
/** Every form in the HTML, by action. */
const formActions = (html: string) => [...html.matchAll(/<form\b[^>]*action="([^"]*)"/g)].map((m) => m[1] ?? "");
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => (m[1] ?? "").replaceAll("&amp;", "&"));
/** The text of one section of the settings page, by its heading id. */
const section = (html: string, headingId: string) =>
  pageText(new RegExp(`<section[^>]*aria-labelledby="${headingId}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? "");

describe("an organization's settings page in the console", () => {
  test("the banner, then exactly the page its members see; the repos, state and plan its admins see", async () => {
    const page = await operator.get(organizationSettingsPath("org_acme"));
    expect(page.status).toBe(200);
    const main = mainOf(page.body);
    expect(pageText(main)).toContain(
      "You are seeing org_acme's settings as its members see them; only its admins can change them. Back to the console's page for org_acme",
    );
    expect(main).toContain(`href="${organizationPagePath("org_acme")}"`);

    const copy = copyOf(page.body);
    const membersPage = mainOf((await member.get(SETTINGS)).body);
    // Same text, word for word; the only differences are the addresses of its own links.
    expect(pageText(copy)).toBe(pageText(membersPage));
    const squeezed = (html: string) => html.replace(/>\s+</g, "><").replace(/\s+/g, " ").trim();
    expect(
      squeezed(
        copy
          .replaceAll(organizationSettingsPath("org_acme"), SETTINGS)
          .replaceAll(organizationActivityPath("org_acme"), ACTIVITY),
      ),
    ).toBe(squeezed(membersPage));

    const adminsPage = mainOf((await admin.get(SETTINGS)).body);
    expect(section(copy, "projects-title")).toContain("Projects (52) Showing 1–50 of 52 projects");
    expect(section(copy, "plan-title")).toBe(
      section(adminsPage, "plan-title").replace(" Change plan on GitHub Marketplace", ""),
    );
    expect(section(copy, "plan-title")).toContain("Pro");
    expect(pageText(copy)).toContain("Connection Connected");
    expect(pageText(copy)).toContain("Acme-Corp");
    // The admins' projects table names the same repos with the same access, less their controls.
    const rows = (html: string) =>
      [
        ...html.matchAll(
          /<tr>\s*<td>([^<]+)<\/td>\s*<td>(?:<a [^>]*>)?([^<]+)(?:<\/a>)?<\/td>\s*<td><span class="status [^"]*">([^<]+)</g,
        ),
      ].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(rows(copy)).toHaveLength(50);
    expect(rows(copy)).toEqual(rows(adminsPage));
    expect(rows(copy).slice(2, 4)).toEqual([
      "repo-02 Acme-Corp/repo-02 Reachable",
      "repo-03 Acme-Corp/repo-03 Not reachable",
    ]);
    // The admins' page has controls the console's copy has none of.
    expect(formActions(adminsPage).length).toBeGreaterThan(0);
    expect(pageText(adminsPage)).toContain("Disconnect…");
    expect(pageText(copy)).not.toContain("Disconnect…");
  });

  test("no form in the main content but sign-out; no link to /workspace or /github", async () => {
    const page = await operator.get(organizationSettingsPath("org_acme"));
    expect(formActions(mainOf(page.body)).filter((action) => action !== "/auth/logout")).toEqual([]);
    expect(formActions(page.body).every((action) => action === "/auth/logout" || action.startsWith("/operator"))).toBe(
      true,
    );
    expect(hrefs(mainOf(page.body)).filter((href) => href.startsWith("/") && !href.startsWith("/operator"))).toEqual(
      [],
    );
  });

  test("pagination and the Activity link point to the console's addresses", async () => {
    const path = organizationSettingsPath("org_acme");
    const first = await operator.get(path);
    const links = hrefs(mainOf(first.body));
    expect(links).toContain(`${path}?page=2`);
    expect(links).toContain(organizationActivityPath("org_acme"));
    expect(links.some((href) => href.startsWith("/workspace"))).toBe(false);

    const second = await operator.get(`${path}?page=2`);
    expect(second.status).toBe(200);
    const text = pageText(copyOf(second.body));
    expect(text).toContain("Showing 51–52 of 52 projects");
    expect(text).toContain(repoName(51));
    expect(hrefs(mainOf(second.body))).toContain(`${path}?page=1`);
    expect(text).toBe(pageText(mainOf((await member.get(`${SETTINGS}?page=2`)).body)));
  });

  test("a removed connection: the members' text, no reconnect link and no install state issued", async () => {
    // The console's route gives buildSettingsPage a state issuer that throws: a 200 proves none was asked for.
    const page = await operator.get(organizationSettingsPath("org_gone"));
    expect(page.status).toBe(200);
    const text = pageText(copyOf(page.body));
    expect(text).toContain("Connection Disconnected");
    expect(text).not.toContain("Reconnect GitHub");
    expect(hrefs(copyOf(page.body)).some((href) => href.includes("/installations/new"))).toBe(false);
    expect(pageText(copyOf(page.body))).toBe(pageText(mainOf((await memberOf(server, "org_gone")).body)));
  });

  test("an unknown organization is a 404 that says so; a malformed id too", async () => {
    for (const path of [organizationSettingsPath("org_nowhere"), organizationActivityPath("org_nowhere")]) {
      const page = await operator.get(path);
      expect(page.status, path).toBe(404);
      expect(pageText(mainOf(page.body))).toContain("No organization org_nowhere is known here");
    }
    const bad = await operator.get(`${organizationPagePath("bad id!")}/settings`);
    expect(bad.status).toBe(404);
    expect(pageText(mainOf(bad.body))).toContain("is not an organization id");
  });
});

describe("an organization's Activity page in the console", () => {
  test("the organization's entries, as its members read them, and a way back to the console's copy of its settings", async () => {
    const page = await operator.get(organizationActivityPath("org_acme"));
    expect(page.status).toBe(200);
    const text = pageText(mainOf(page.body));
    expect(text).toContain("You are seeing org_acme's activity as its members see it");
    expect(text).toContain("octocat added 2 repositories on GitHub");
    expect(text).not.toContain("mallory");
    expect(pageText(copyOf(page.body))).toBe(pageText(mainOf((await member.get(ACTIVITY)).body)));
    const links = hrefs(copyOf(page.body));
    expect(links).toContain(organizationSettingsPath("org_acme"));
    expect(links.some((href) => href.startsWith("/workspace"))).toBe(false);
  });
});

describe("the organization page", () => {
  test("links to the settings page as its members see it", async () => {
    const page = await operator.get(organizationPagePath("org_acme"));
    expect(page.body).toContain(
      `href="${organizationSettingsPath("org_acme")}" data-testid="organization-settings-link"`,
    );
  });
});
