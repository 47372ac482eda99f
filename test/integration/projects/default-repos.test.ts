import { afterAll, describe, expect, test } from "vitest";
import type { RepoAllowance, RepoEntitlements } from "../../../src/marketplace/entitlements.js";
import { storedAll } from "../../helpers/documents.js";
import { ACME, INSTALLATION_TOKEN } from "../../helpers/github/fixtures.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import { nockCreateOrgRepo, nockRepo } from "../../helpers/github/repos.js";
import { domainSnapshot, expectNothingChanged, pageText, SETTINGS, signInAdmin } from "../../helpers/github-connect.js";
import { storeInstallation } from "../../helpers/internal-api.js";
import { DEFAULT_PROJECTS, PROJECTS, submitAndFollow } from "../../helpers/projects.js";
import { testConfig } from "../../helpers/test-config.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const config = testConfig({ DEFAULT_REPOS: "developer-guide, engineering.tickets" });

/** Entitlements that allow `left` more repositories, then refuse as a plan limit would; every question recorded. */
function limitedEntitlements(): RepoEntitlements & {
  left: number;
  asked: Array<{ organizationId: string; at: Date }>;
} {
  return {
    left: 0,
    asked: [],
    async mayCreateRepo(organizationId, at): Promise<RepoAllowance> {
      this.asked.push({ organizationId, at });
      if (this.left <= 0)
        return {
          allowed: false,
          reason: "Your plan (Free) includes 1 repository.",
          upgradeUrl: "https://github.com/marketplace/github-connect-test/upgrade/2/90001",
        };
      this.left--;
      return { allowed: true };
    },
  };
}

const limited = limitedEntitlements();
let limitedServer: TestServer;
const ctx = useTestServer(
  async (connection) => {
    limitedServer = await startTestServer({ connection, config, entitlements: limited });
    return startTestServer({ connection, config });
  },
  { emptyBetweenTests: true },
);
afterAll(() => limitedServer?.close());

let lastInstallationId = 77000;
async function connect(organizationId: string): Promise<number> {
  const installationId = ++lastInstallationId;
  await storeInstallation(ctx.server.models, { installationId, organizationId });
  return installationId;
}

describe("the organization's default repositories (DEFAULT_REPOS) in one action", () => {
  test("the settings page offers them by name", async () => {
    await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    const page = (await admin.get(SETTINGS)).body;
    expect(page).toContain(`<form class="defaults-form" method="post" action="${DEFAULT_PROJECTS}">`);
    expect(pageText(page)).toContain(
      "Your organization's default repositories: developer-guide and engineering.tickets. Those that are already projects are left as they are. Create default repositories",
    );
  });

  test("provisioned twice: the first run creates each, the second creates nothing and asks GitHub nothing", async () => {
    const installationId = await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    nockCreateOrgRepo(ACME, "developer-guide", { id: 75101 });
    nockCreateOrgRepo(ACME, "engineering.tickets", { id: 75102 });

    expect(await submitAndFollow(admin, DEFAULT_PROJECTS)).toEqual([
      {
        kind: "success",
        text: "Default repositories: created developer-guide and engineering.tickets. acme-corp/developer-guide acme-corp/engineering.tickets",
        links: [
          { text: "acme-corp/developer-guide", href: "https://github.com/acme-corp/developer-guide" },
          { text: "acme-corp/engineering.tickets", href: "https://github.com/acme-corp/engineering.tickets" },
        ],
      },
    ]);
    const repos = await storedAll(ctx.server.models.Repo, { organizationId: "org_acme" });
    expect(repos.map((r) => [r.slug, r.githubRepoId, r.fullName, r.accessible]).sort()).toEqual([
      ["developer-guide", 75101, "acme-corp/developer-guide", true],
      ["engineering.tickets", 75102, "acme-corp/engineering.tickets", true],
    ]);

    const before = await domainSnapshot(ctx.server.models);
    // No GitHub call is set up for the second run: any would fail the test.
    expect(await submitAndFollow(admin, DEFAULT_PROJECTS)).toEqual([
      {
        kind: "info",
        text: "Every default repository is already a project (developer-guide and engineering.tickets). Nothing was created.",
        links: [],
      },
    ]);
    await expectNothingChanged(ctx.server.models, before);
  });

  test("one already a project is left alone, one taken on GitHub but not selected is explained, the rest are created", async () => {
    const installationId = await connect("org_acme");
    await ctx.server.models.Repo.create({
      organizationId: "org_acme",
      slug: "developer-guide",
      name: "developer-guide",
      githubRepoId: 75110,
      fullName: "acme-corp/developer-guide",
      accessible: true,
    });
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    nockCreateOrgRepo(ACME, "engineering.tickets", "name-taken");
    nockRepo(ACME, "engineering.tickets", null, { token: INSTALLATION_TOKEN });

    const flashes = await submitAndFollow(admin, DEFAULT_PROJECTS);
    expect(flashes.map((f) => [f.kind, f.text.split(". ")[0]])).toEqual([
      ["info", "Already projects: developer-guide."],
      [
        "error",
        "A repository named engineering.tickets already exists in acme-corp on GitHub, but it is not selected for GitHub Connect",
      ],
    ]);
    expect(await storedAll(ctx.server.models.Repo, { organizationId: "org_acme" })).toHaveLength(1);
  });

  test("not connected: one message, nothing written", async () => {
    const admin = await signInAdmin(ctx.server, "org_nowhere");
    const before = await domainSnapshot(ctx.server.models);
    expect(await submitAndFollow(admin, DEFAULT_PROJECTS)).toEqual([
      {
        kind: "error",
        text: "GitHub is not connected. Connect GitHub first: projects are created in the GitHub account your organization connects. Nothing was created.",
        links: [],
      },
    ]);
    await expectNothingChanged(ctx.server.models, before);
  });
});

describe("entitlements: asked before each repository is created", () => {
  test("the plan allows one more: the first default is created, the second refused with the reason and the upgrade link", async () => {
    const installationId = await connect("org_limited");
    limited.left = 1;
    limited.asked = [];
    const admin = await signInAdmin(limitedServer, "org_limited");
    nockInstallationToken(installationId);
    nockCreateOrgRepo(ACME, "developer-guide", { id: 75121 });

    const flashes = await submitAndFollow(admin, DEFAULT_PROJECTS);
    expect(flashes).toEqual([
      expect.objectContaining({
        kind: "success",
        text: expect.stringMatching(/^Default repositories: created developer-guide\./),
      }),
      {
        kind: "error",
        text: "Your plan (Free) includes 1 repository. engineering.tickets was not created. Upgrade your plan",
        links: [
          { text: "Upgrade your plan", href: "https://github.com/marketplace/github-connect-test/upgrade/2/90001" },
        ],
      },
    ]);
    expect(limited.asked).toEqual([
      { organizationId: "org_limited", at: new Date("2026-11-24T12:00:00Z") },
      { organizationId: "org_limited", at: new Date("2026-11-24T12:00:00Z") },
    ]);
    expect((await storedAll(limitedServer.models.Repo, { organizationId: "org_limited" })).map((r) => r.slug)).toEqual([
      "developer-guide",
    ]);
  });

  test("a single project refused: the reason and the upgrade link, no GitHub call, nothing written", async () => {
    await connect("org_limited");
    limited.left = 0;
    const admin = await signInAdmin(limitedServer, "org_limited");
    const before = await domainSnapshot(limitedServer.models);
    expect(await submitAndFollow(admin, PROJECTS, { name: "handbook" })).toEqual([
      {
        kind: "error",
        text: "Your plan (Free) includes 1 repository. handbook was not created. Upgrade your plan",
        links: [
          { text: "Upgrade your plan", href: "https://github.com/marketplace/github-connect-test/upgrade/2/90001" },
        ],
      },
    ]);
    await expectNothingChanged(limitedServer.models, before);
  });
});
