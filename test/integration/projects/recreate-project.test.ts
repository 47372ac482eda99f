import { describe, expect, test } from "vitest";
import { storedAll } from "../../helpers/documents.js";
import { ACME } from "../../helpers/github/fixtures.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import { nockCreateOrgRepo } from "../../helpers/github/repos.js";
import {
  mainOf,
  pageText,
  SETTINGS,
  signInAdmin,
  signInMember,
  startConnectServer,
} from "../../helpers/github-connect.js";
import { storeInstallation } from "../../helpers/internal-api.js";
import { flashesIn, PROJECTS, submitAndFollow } from "../../helpers/projects.js";
import { useTestServer } from "../../helpers/use-test-server.js";

// A project whose repository was deleted on GitHub: the page says so and offers Create again.
const ctx = useTestServer(startConnectServer, { emptyBetweenTests: true });
const RECREATE = `${PROJECTS}/recreate`;

let lastInstallationId = 77000;

/** A connected organization with one project, renamed on GitHub to "site" and then deleted there. */
async function deletedProject(organizationId: string): Promise<number> {
  const installationId = ++lastInstallationId;
  await storeInstallation(ctx.server.models, { installationId, organizationId });
  await ctx.server.models.Repo.create({
    organizationId,
    slug: "web",
    name: "site",
    githubRepoId: 75100,
    fullName: "acme-corp/site",
    accessible: false,
    archived: true,
    deletedOnGitHubAt: new Date("2026-11-23T09:00:00Z"),
    lastEventAt: new Date("2026-11-23T09:00:00Z"),
  });
  return installationId;
}

describe("Create again", () => {
  test("the page says Deleted on GitHub with Create again; members see the words without the button", async () => {
    await deletedProject("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    const page = await admin.get(SETTINGS);
    expect(pageText(page.body)).toContain("site acme-corp/site Deleted on GitHub Create again");
    expect(page.body).toMatch(
      /<form class="inline-form" method="post" action="\/workspace\/projects\/recreate"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="slug" value="web">/,
    );
    const member = await signInMember(ctx.server, "org_acme");
    const main = mainOf((await member.get(SETTINGS)).body);
    expect(pageText(main)).toContain("site acme-corp/site Deleted on GitHub");
    expect(main).not.toContain("Create again");
  });

  test("creates a new repository under the project's last name: a new id on the same project, reachable again", async () => {
    const installationId = await deletedProject("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    nockCreateOrgRepo(ACME, "site", { id: 75200 });

    const flashes = await submitAndFollow(admin, RECREATE, { slug: "web" });

    expect(flashes.map((f) => f.text)).toEqual([
      "Created the project site: a new private repository on GitHub. acme-corp/site",
    ]);
    expect(await storedAll(ctx.server.models.Repo, { organizationId: "org_acme" })).toMatchObject([
      {
        slug: "web",
        name: "site",
        githubRepoId: 75200,
        fullName: "acme-corp/site",
        accessible: true,
        archived: false,
        deletedOnGitHubAt: null,
        transferredTo: null,
        lastEventAt: null,
      },
    ]);
    expect(await storedAll(ctx.server.models.AuditEvent, { action: "repo.recreated" })).toMatchObject([
      { organizationId: "org_acme", details: { slug: "web", githubRepoId: 75200, fullName: "acme-corp/site" } },
    ]);
    const page = pageText((await admin.get(SETTINGS)).body);
    expect(page).toContain("site acme-corp/site Reachable");
    expect(page).not.toContain("Create again");
  });

  test("a project that is not deleted is left alone, and an unknown slug says so; GitHub is not asked", async () => {
    await deletedProject("org_acme");
    await ctx.server.models.Repo.updateOne({}, { $set: { deletedOnGitHubAt: null, accessible: true } });
    const admin = await signInAdmin(ctx.server, "org_acme");
    expect((await submitAndFollow(admin, RECREATE, { slug: "web" })).map((f) => f.text)).toEqual([
      "site is already a project. Nothing was created. acme-corp/site",
    ]);
    expect((await submitAndFollow(admin, RECREATE, { slug: "nope" })).map((f) => f.text)).toEqual([
      "There is no such project.",
    ]);
    expect((await storedAll(ctx.server.models.Repo, {}))[0]?.githubRepoId).toBe(75100);
  });

  test("members cannot create again", async () => {
    await deletedProject("org_acme");
    const member = await signInMember(ctx.server, "org_acme");
    const answer = await member.postForm(RECREATE, { slug: "web" });
    expect(answer.status).toBe(403);
    expect(flashesIn(answer.body)).toEqual([]);
  });
});
