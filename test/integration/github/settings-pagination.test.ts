import type { Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { countCommands, type CommandCounter } from "../../../src/db/command-counter.js";
import { MAX_LINK_LENGTH } from "../../../src/connect/reconnect-link.js";
import type { WebClient } from "../../helpers/auth.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";
import { mainOf, pageText, SETTINGS, signInAdmin, signInMember } from "../../helpers/github-connect.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

// The projects list shows 50 a page; the reconnect link pre-selects every stored repo while the link stays under 8 KB.
const ORGS = { paged: 120, fits: 200, over: 300, huge: 10_000 } as const;
type Org = keyof typeof ORGS;
const slug = (i: number) => `project-${String(i).padStart(5, "0")}`;
/** GitHub's repo ids today have nine digits. */
const repoId = (org: Org, i: number) => 700_000_000 + Object.keys(ORGS).indexOf(org) * 100_000 + i;
const accountId = (org: Org) => 91000 + Object.keys(ORGS).indexOf(org);

interface Stand {
  connection: Connection;
  server: TestServer;
  counter: CommandCounter;
}

/** A server whose database holds these organizations, each uninstalled from GitHub except the paged one. */
async function standWith(orgs: Org[], name?: string): Promise<Stand> {
  const connection = await connectTestDatabase(name, { monitorCommands: true });
  const server = await startTestServer({ connection });
  const { GitHubInstallation, Repo } = server.models;
  for (const org of orgs) {
    await GitHubInstallation.create({
      installationId: 57000 + Object.keys(ORGS).indexOf(org),
      accountId: accountId(org),
      accountLogin: `acme-${org}`,
      accountType: "Organization",
      organizationId: `org_${org}`,
      deletedAt: org === "paged" ? null : new Date("2026-11-22T10:00:00Z"),
    });
    await Repo.insertMany(
      Array.from({ length: ORGS[org] }, (_, i) => ({
        organizationId: `org_${org}`,
        slug: slug(i),
        name: slug(i),
        githubRepoId: repoId(org, i),
        fullName: `acme-${org}/${slug(i)}`,
        accessible: org === "paged",
      })),
    );
  }
  return { connection, server, counter: countCommands(connection) };
}

// FerretDB 1.x scans a whole collection for every query (it uses no index), so the 10,000 repos
// live in a database of their own: the other tests' requests stay fast.
let small: Stand;
let large: Stand;
let server: TestServer;

beforeAll(async () => {
  [small, large] = await Promise.all([standWith(["paged", "fits", "over"]), standWith(["huge"], "huge")]);
  server = small.server;
}, 120_000);

afterAll(async () => {
  for (const stand of [small, large]) {
    stand?.counter.stop();
    await stand?.server.close();
    await dropAndClose(stand?.connection);
  }
});

const standOf = (org: Org) => (org === "huge" ? large : small);
const admins = new Map<Org, WebClient>();
async function admin(org: Org): Promise<WebClient> {
  if (!admins.has(org)) admins.set(org, await signInAdmin(standOf(org).server, `org_${org}`, `admin@${org}.example`));
  return admins.get(org)!;
}

/** The project names listed on a page, in order. */
function listed(html: string): string[] {
  return [...html.matchAll(/<tr>\s*<td>(project-\d+)<\/td>/g)].map((m) => m[1]!);
}

function reconnectHref(html: string): string | undefined {
  return /href="([^"]+)">Reconnect GitHub<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, "&");
}

describe("the projects list, 50 a page", () => {
  test("page 1 of 3: the first 50 in slug order, the total, and a link to the next page only", async () => {
    const page = await (await admin("paged")).get(SETTINGS);
    expect(page.status).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain("Projects (120) Showing 1–50 of 120 projects");
    expect(text).toContain("Page 1 of 3");
    expect(listed(page.body)).toEqual(Array.from({ length: 50 }, (_, i) => slug(i)));
    expect(page.body).toContain(`<a rel="next" href="${SETTINGS}?page=2">Next</a>`);
    expect(page.body).not.toContain('rel="prev"');
  });

  test("page 2: the next 50, with links both ways", async () => {
    const page = await (await admin("paged")).get(`${SETTINGS}?page=2`);
    const text = pageText(page.body);
    expect(text).toContain("Showing 51–100 of 120 projects");
    expect(text).toContain("Page 2 of 3");
    expect(listed(page.body)).toEqual(Array.from({ length: 50 }, (_, i) => slug(50 + i)));
    expect(page.body).toContain(`<a rel="prev" href="${SETTINGS}?page=1">Previous</a>`);
    expect(page.body).toContain(`<a rel="next" href="${SETTINGS}?page=3">Next</a>`);
  });

  test("the last page: what is left, and no next link", async () => {
    const page = await (await admin("paged")).get(`${SETTINGS}?page=3`);
    expect(pageText(page.body)).toContain("Showing 101–120 of 120 projects");
    expect(listed(page.body)).toEqual(Array.from({ length: 20 }, (_, i) => slug(100 + i)));
    expect(page.body).toContain(`<a rel="prev" href="${SETTINGS}?page=2">Previous</a>`);
    expect(page.body).not.toContain('rel="next"');
  });

  test.each([
    ["abc", 1],
    ["0", 1],
    ["-1", 1],
    ["1.5", 1],
    ["", 1],
    ["2e1", 1],
    ["%00", 1],
    ["4", 3],
    ["999999999999999999999999", 3],
  ])("?page=%s shows page %i, never an error", async (value, shown) => {
    const page = await (await admin("paged")).get(`${SETTINGS}?page=${value}`);
    expect(page.status).toBe(200);
    expect(pageText(page.body)).toContain(`Page ${shown} of 3`);
  });

  test.each(["page=2&page=3", "page[x]=2", "page[]=2"])(
    "a repeated or nested parameter (%s) shows page 1",
    async (query) => {
      const page = await (await admin("paged")).get(`${SETTINGS}?${query}`);
      expect(page.status).toBe(200);
      expect(pageText(page.body)).toContain("Page 1 of 3");
    },
  );

  test("members page through the same list, with no buttons", async () => {
    const member = await signInMember(server, "org_paged", "member@paged.example");
    const page = await member.get(`${SETTINGS}?page=2`);
    expect(pageText(page.body)).toContain("Showing 51–100 of 120 projects");
    expect(page.body).toContain(`<a rel="next" href="${SETTINGS}?page=3">Next</a>`);
    expect(mainOf(page.body)).not.toMatch(/<button|<form|class="button/);
  });

  test("an organization that fits on one page shows no page links", async () => {
    const page = await (await signInAdmin(server, "org_none", "admin@none.example")).get(SETTINGS);
    expect(pageText(page.body)).toContain("Projects (0)");
    expect(page.body).not.toMatch(/rel="(next|prev)"|Showing \d/);
  });
});

interface Visit {
  status: number;
  body: string;
  location: string | null;
  bytes: number;
  /** The database commands the request sent. */
  commands: string[];
}

const visits = new Map<string, Promise<Visit>>();
/** One request per organization and path, kept: every request against the 10,000 repos costs seconds on FerretDB. */
function visit(org: Org, path = SETTINGS): Promise<Visit> {
  const key = `${org} ${path}`;
  if (!visits.has(key)) {
    visits.set(
      key,
      (async () => {
        const client = await admin(org);
        const { counter } = standOf(org);
        counter.reset();
        const response = await client.get(path);
        return {
          status: response.status,
          body: response.body,
          location: response.location ?? null,
          bytes: Buffer.byteLength(response.body),
          commands: [...counter.commands],
        };
      })(),
    );
  }
  return visits.get(key)!;
}

const SLOW = 60_000;

describe("reconnect with many repos (rule 5)", () => {
  test("200 repos fit in the link: every one is pre-selected", async () => {
    const page = await visit("fits");
    expect(pageText(page.body)).toContain(
      "Reconnect GitHub to install it again with your 200 repositories already selected.",
    );
    expect(page.body).not.toContain('data-testid="reconnect-note"');
    const href = new URL(reconnectHref(page.body)!);
    expect(href.searchParams.getAll("repository_ids[]")).toHaveLength(200);
    const location = (await visit("fits", "/github/connect")).location!;
    expect(location.length).toBeLessThanOrEqual(MAX_LINK_LENGTH);
    expect(new URL(location).searchParams.getAll("repository_ids[]").map(Number)).toEqual(
      Array.from({ length: 200 }, (_, i) => repoId("fits", i)),
    );
  });

  test.each([
    ["over", 300, "and 280 more"],
    ["huge", 10_000, "and 9,980 more"],
  ] as const)(
    "%s: %i repos do not fit: the link names the account only, and the page lists which repos to tick",
    async (org, count, more) => {
      const page = await visit(org);
      expect(page.status).toBe(200);
      const text = pageText(page.body);
      expect(text).toContain(
        `GitHub cannot pre-select ${count.toLocaleString("en-US")} repositories in one link, so Reconnect GitHub opens the install page for acme-${org} without them.`,
      );
      expect(text).toContain(
        `choose “Only select repositories” and tick: ${Array.from({ length: 20 }, (_, i) => slug(i)).join(" ")} ${more}: every project listed below`,
      );
      expect(reconnectHref(page.body)).toMatch(
        new RegExp(
          `^https://github\\.com/apps/github-connect-test/installations/new/permissions\\?suggested_target_id=${accountId(org)}&state=[\\w-]+\\.[\\w-]+$`,
        ),
      );

      const connect = await visit(org, "/github/connect");
      expect(connect.status).toBe(303);
      expect(connect.location!.length).toBeLessThanOrEqual(MAX_LINK_LENGTH);
      const target = new URL(connect.location!);
      expect(target.searchParams.get("suggested_target_id")).toBe(String(accountId(org)));
      expect(target.searchParams.getAll("repository_ids[]")).toEqual([]);
    },
    SLOW,
  );

  test(
    "members of an organization with many repos see the list and no reconnect note",
    async () => {
      const page = await (await signInMember(large.server, "org_huge", "member@huge.example")).get(SETTINGS);
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('data-testid="reconnect-note"');
      expect(mainOf(page.body)).not.toMatch(/<button|<form|class="button/);
      expect(pageText(page.body)).toContain("Projects (10,000) Showing 1–50 of 10,000 projects");
    },
    SLOW,
  );
});

describe("a page costs the same with 300 repos or 10,000", () => {
  test(
    "the same database commands and about the same bytes, first page or last",
    async () => {
      const over = await visit("over");
      const huge = await visit("huge");
      const hugeLast = await visit("huge", `${SETTINGS}?page=200`);
      for (const v of [over, huge, hugeLast]) expect(v.status).toBe(200);
      // The page's reads run concurrently, so the order they reach the database varies run to run:
      // the same commands, each as many times, compared in a fixed order.
      const inOrder = (commands: string[]) => [...commands].sort();
      expect(inOrder(huge.commands)).toEqual(inOrder(over.commands));
      expect(inOrder(hugeLast.commands)).toEqual(inOrder(over.commands));
      // 50 rows, the note's 20 names and the layout: a page, not a dump of 10,000 rows.
      expect(huge.bytes).toBeLessThan(32 * 1024);
      expect(Math.abs(huge.bytes - over.bytes)).toBeLessThan(200);
      expect(Math.abs(hugeLast.bytes - over.bytes)).toBeLessThan(200);
    },
    SLOW,
  );

  test(
    "the last of 200 pages lists the last 50 projects",
    async () => {
      const page = await visit("huge", `${SETTINGS}?page=200`);
      expect(pageText(page.body)).toContain("Showing 9,951–10,000 of 10,000 projects");
      expect(listed(page.body)).toEqual(Array.from({ length: 50 }, (_, i) => slug(9950 + i)));
    },
    SLOW,
  );
});
