import { describe, expect, test } from "vitest";
import { storedAll } from "../../helpers/documents.js";
import { OCTO_BUSINESS, type AccountSpec } from "../../helpers/github/fixtures.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import {
  nockAppInstallations,
  nockGetInstallationMissing,
  nockInstallationRepositories,
} from "../../helpers/github/installations.js";
import { nockHookDeliveries } from "../../helpers/github/hook-deliveries.js";
import { nockRepositoryById } from "../../helpers/github/repos.js";
import { completed, minutesAgo, storeInstallations, useReconcileHarness } from "../../helpers/reconcile.js";

// Design rule 7, second half: installations reconciled against GET /app/installations, through the
// same change functions (and guards) as the webhooks whose delivery was lost.
const job = useReconcileHarness();

const GLOBEX: AccountSpec = { id: 90002, login: "globex", type: "Organization" };
const INITECH: AccountSpec = { id: 90003, login: "initech", type: "Organization" };

async function audit(action: string) {
  return (await job.models.AuditEvent.find({ action }).lean()).map(({ organizationId, actor, details }) => ({
    organizationId,
    actor,
    details,
  }));
}

async function installation(installationId: number) {
  return job.models.GitHubInstallation.findOne({ installationId }).lean();
}

describe("installation drift is repaired", () => {
  test("an installation deleted and one renamed while no webhook came", async () => {
    await storeInstallations(job.models, [
      { installationId: 51001 },
      { installationId: 51002, accountId: GLOBEX.id, accountLogin: "globex-old" },
      { installationId: 51003, accountId: INITECH.id, accountLogin: INITECH.login, organizationId: "org_initech" },
    ]);
    await job.models.Repo.create({
      organizationId: "org_initech",
      slug: "web",
      name: "web",
      githubRepoId: 70009,
      accessible: true,
    });
    await job.models.MarketplaceAccount.create({
      accountId: GLOBEX.id,
      accountLogin: "globex-old",
      accountType: "Organization",
    });
    nockHookDeliveries([[]]);
    nockAppInstallations([[{ id: 51001 }, { id: 51002, account: GLOBEX }]]);
    // 51003 is not listed: GitHub confirms it is gone before it is marked deleted.
    nockGetInstallationMissing(51003);

    const summary = completed(await job.run());

    expect(summary.repaired).toEqual({
      created: 0,
      deleted: 1,
      suspended: 0,
      unsuspended: 0,
      renamed: 1,
      repoAccess: 0,
    });
    expect(summary.unchanged).toBe(1);
    expect(summary.apiCalls).toEqual({ app: 3, installation: 0 });
    expect((await installation(51003))?.deletedAt?.toISOString()).toBe(job.now().toISOString());
    // As installation.deleted leaves it: repos kept with their ids, none reachable.
    expect(await job.models.Repo.findOne({ organizationId: "org_initech" }).lean()).toMatchObject({
      githubRepoId: 70009,
      accessible: false,
    });
    expect((await installation(51002))?.accountLogin).toBe("globex");
    expect((await job.models.MarketplaceAccount.findOne({ accountId: GLOBEX.id }).lean())?.accountLogin).toBe("globex");
    expect(await audit("installation.deleted")).toEqual([
      { organizationId: "org_initech", actor: "reconcile", details: { installationId: 51003, account: "initech" } },
    ]);
    expect(await audit("installation_target.renamed")).toEqual([
      {
        organizationId: null,
        actor: "reconcile",
        details: { installationId: 51002, accountId: GLOBEX.id, from: "globex-old", to: "globex" },
      },
    ]);
  });

  test("suspended and unsuspended on GitHub while no webhook came; a listing older than the stored state is not applied", async () => {
    await storeInstallations(job.models, [
      { installationId: 51011 },
      { installationId: 51012, suspendedAt: new Date(minutesAgo(120)) },
      // A newer webhook (an unsuspend an hour ago) already said more than the listing below.
      { installationId: 51013, lastEventAt: new Date(minutesAgo(60)) },
    ]);
    nockHookDeliveries([[]]);
    nockAppInstallations([
      [
        { id: 51011, suspendedAt: minutesAgo(30), updatedAt: minutesAgo(30) },
        { id: 51012, suspendedAt: null, updatedAt: minutesAgo(10) },
        { id: 51013, suspendedAt: minutesAgo(2 * 24 * 60), updatedAt: minutesAgo(2 * 24 * 60) },
      ],
    ]);

    const summary = completed(await job.run());

    expect(summary.repaired).toMatchObject({ suspended: 1, unsuspended: 1 });
    expect(summary.phases.installations).toMatchObject({ listed: 3, stale: 1, unchanged: 0 });
    expect((await installation(51011))?.suspendedAt?.toISOString()).toBe(minutesAgo(30));
    expect((await installation(51012))?.suspendedAt ?? null).toBeNull();
    expect((await installation(51013))?.suspendedAt ?? null).toBeNull();
    expect((await audit("installation.suspended")).map((a) => a.details)).toEqual([{ installationId: 51011 }]);
    expect((await audit("installation.unsuspended")).map((a) => a.details)).toEqual([{ installationId: 51012 }]);
  });

  test("an installation created while no webhook came is stored unclaimed (and suspended, if GitHub says so)", async () => {
    nockHookDeliveries([[]]);
    nockAppInstallations([
      [{ id: 51021, account: GLOBEX, repositorySelection: "all" }],
      [{ id: 51022, account: INITECH, suspendedAt: minutesAgo(5), updatedAt: minutesAgo(5) }],
    ]);

    const summary = completed(await job.run());

    expect(summary.repaired).toMatchObject({ created: 2, suspended: 1 });
    expect(summary.phases.installations).toMatchObject({ listed: 2 });
    // Two pages of installations, one of deliveries.
    expect(summary.apiCalls.app).toBe(3);
    // By id: the two may be stored in either order.
    const stored = (await storedAll(job.models.GitHubInstallation)).sort((a, b) => a.installationId - b.installationId);
    expect(
      stored.map((i) => ({
        id: i.installationId,
        login: i.accountLogin,
        org: i.organizationId,
        selection: i.repositorySelection,
        suspended: i.suspendedAt?.toISOString() ?? null,
      })),
    ).toEqual([
      { id: 51021, login: "globex", org: null, selection: "all", suspended: null },
      { id: 51022, login: "initech", org: null, selection: "selected", suspended: minutesAgo(5) },
    ]);
    expect(await audit("installation.created")).toEqual([
      {
        organizationId: null,
        actor: "reconcile",
        details: { installationId: 51021, account: "globex", repositories: 0 },
      },
      {
        organizationId: null,
        actor: "reconcile",
        details: { installationId: 51022, account: "initech", repositories: 0 },
      },
    ]);
  });
});

describe("an installation on an enterprise account (slug and name, no login)", () => {
  test("is read from the listing, stored under its slug with its name, and the next run finds it unchanged", async () => {
    nockHookDeliveries([[]]);
    nockAppInstallations([[{ id: 51031, enterprise: OCTO_BUSINESS }]]);

    const first = completed(await job.run());

    expect(first.phases.installations).toMatchObject({ listed: 1, created: 1, unreadable: 0 });
    expect(await installation(51031)).toMatchObject({
      accountId: OCTO_BUSINESS.id,
      accountLogin: "octo-business",
      accountName: "Octo Business",
      accountType: "Enterprise",
    });
    expect(job.logs.text()).not.toContain("not readable");

    nockHookDeliveries([[]]);
    nockAppInstallations([[{ id: 51031, enterprise: OCTO_BUSINESS }]]);
    const second = completed(await job.run());
    expect(second.phases.installations).toMatchObject({ listed: 1, unchanged: 1, renamed: 0, unreadable: 0 });
  });
});

describe("repository access of linked organizations", () => {
  test("a selection changed while no webhook came: the organization's stored repos are marked reachable or not", async () => {
    await storeInstallations(job.models, [{ installationId: 51031, organizationId: "org_acme" }]);
    await job.models.Repo.insertMany([
      {
        organizationId: "org_acme",
        slug: "web",
        name: "web",
        githubRepoId: 70001,
        fullName: "acme-corp/web",
        accessible: true,
      },
      {
        organizationId: "org_acme",
        slug: "api",
        name: "api",
        githubRepoId: 70002,
        fullName: "acme-corp/api",
        accessible: false,
      },
      {
        organizationId: "org_acme",
        slug: "docs",
        name: "docs",
        githubRepoId: 70003,
        fullName: "acme-corp/docs",
        accessible: true,
      },
    ]);
    nockHookDeliveries([[]]);
    nockAppInstallations([[{ id: 51031 }]]);
    nockInstallationToken(51031);
    nockInstallationRepositories([
      [
        { id: 70001, name: "web" },
        { id: 70002, name: "api" },
      ],
    ]);
    // docs is no longer listed: asked about once, it is still in the account (not selected).
    nockRepositoryById(70003, { id: 70003, name: "docs" });

    const summary = completed(await job.run());

    expect(summary.repaired.repoAccess).toBe(2);
    expect(summary.phases.repoAccess).toEqual({
      checked: 1,
      reposChanged: 2,
      installationsChanged: 1,
      unreachableInstallations: 0,
      reposRefreshed: 0,
    });
    // Deliveries, installations, the token mint; one page of repositories and one repository by id on the installation's token.
    expect(summary.apiCalls).toEqual({ app: 3, installation: 2 });
    const access = Object.fromEntries((await job.models.Repo.find().lean()).map((r) => [r.slug, r.accessible]));
    expect(access).toEqual({ web: true, api: true, docs: false });
    expect((await job.models.ReconcileCheckpoint.findOne().lean())?.repoCursor).toBe(51031);
  });

  test("checks are spread over runs: a bounded batch per run, going on after the stored cursor and wrapping around", async () => {
    await storeInstallations(job.models, [
      { installationId: 51041, organizationId: "org_1" },
      { installationId: 51042, organizationId: "org_2" },
      { installationId: 51043, organizationId: "org_3" },
      // Not checked: unlinked, suspended, deleted.
      { installationId: 51044 },
      { installationId: 51045, organizationId: "org_5", suspendedAt: new Date(minutesAgo(60)) },
      { installationId: 51046, organizationId: "org_6", deletedAt: new Date(minutesAgo(60)) },
    ]);
    const listing = [
      { id: 51041 },
      { id: 51042 },
      { id: 51043 },
      { id: 51044 },
      { id: 51045, suspendedAt: minutesAgo(60), updatedAt: minutesAgo(60) },
    ];
    const checks = (ids: number[]) =>
      ids.flatMap((id) => [nockInstallationToken(id), nockInstallationRepositories([[]])]);

    nockHookDeliveries([[]]);
    nockAppInstallations([listing]);
    checks([51041, 51042]);
    const first = completed(await job.run({ limits: { repoChecksPerRun: 2 } }));
    expect(first.phases.repoAccess).toMatchObject({ checked: 2 });
    expect((await job.models.ReconcileCheckpoint.findOne().lean())?.repoCursor).toBe(51042);

    nockHookDeliveries([[]]);
    nockAppInstallations([listing]);
    checks([51043, 51041]);
    const second = completed(await job.run({ limits: { repoChecksPerRun: 2 } }));
    expect(second.phases.repoAccess).toMatchObject({ checked: 2 });
    expect((await job.models.ReconcileCheckpoint.findOne().lean())?.repoCursor).toBe(51041);
  });
});

describe("what became of the repos while their webhooks were lost", () => {
  const MONA: AccountSpec = { id: 90009, login: "mona", type: "User" };
  const repo = (slug: string, githubRepoId: number, extra: Record<string, unknown> = {}) => ({
    organizationId: "org_acme",
    slug,
    name: slug,
    githubRepoId,
    fullName: `acme-corp/${slug}`,
    accessible: true,
    ...extra,
  });
  const byslug = async () => Object.fromEntries((await job.models.Repo.find().lean()).map((r) => [r.slug, r] as const));
  const reconcileOnce = async (
    installationId: number,
    listed: Parameters<typeof nockInstallationRepositories>[0][number],
    repositorySelection: "all" | "selected" = "selected",
  ) => {
    nockHookDeliveries([[]]);
    nockAppInstallations([[{ id: installationId }]]);
    nockInstallationToken(installationId);
    nockInstallationRepositories([listed], { repositorySelection });
    return completed(await job.run());
  };

  test("a rename and an archive the job missed: name and full name follow, archived, the slug kept, in the activity", async () => {
    await storeInstallations(job.models, [{ installationId: 51051, organizationId: "org_acme" }]);
    await job.models.Repo.insertMany([repo("web", 70101), repo("api", 70102)]);

    const summary = await reconcileOnce(51051, [
      { id: 70101, name: "site", archived: true, updatedAt: "2026-11-23T09:00:00Z" },
      { id: 70102, name: "api" },
    ]);

    expect(summary.phases.repoAccess).toMatchObject({ reposRefreshed: 2, installationsChanged: 1 });
    expect(summary.apiCalls).toEqual({ app: 3, installation: 1 });
    const repos = await byslug();
    expect(repos.web).toMatchObject({
      slug: "web",
      name: "site",
      fullName: "acme-corp/site",
      archived: true,
      accessible: true,
      lastEventAt: new Date("2026-11-23T09:00:00Z"),
    });
    expect(repos.api).toMatchObject({ name: "api", fullName: "acme-corp/api", archived: false });
    expect(await audit("repo.renamed")).toEqual([
      {
        organizationId: "org_acme",
        actor: "reconcile",
        details: { slug: "web", githubRepoId: 70101, from: "acme-corp/web", to: "acme-corp/site" },
      },
    ]);
    expect((await audit("repo.archived")).map((e) => e.actor)).toEqual(["reconcile"]);
  });

  test("a listing older than what a webhook already said changes nothing", async () => {
    await storeInstallations(job.models, [{ installationId: 51052, organizationId: "org_acme" }]);
    await job.models.Repo.insertMany([
      repo("web", 70111, {
        name: "newest",
        fullName: "acme-corp/newest",
        lastEventAt: new Date("2026-11-23T10:00:00Z"),
      }),
    ]);
    await reconcileOnce(51052, [{ id: 70111, name: "older", updatedAt: "2026-11-23T09:00:00Z" }]);
    expect((await byslug()).web).toMatchObject({ name: "newest", fullName: "acme-corp/newest" });
    expect(await audit("repo.renamed")).toEqual([]);
  });

  test("all repositories: a stored repo the listing lacks is asked about once; 404 is deleted, found under another account is transferred", async () => {
    await storeInstallations(job.models, [{ installationId: 51053, organizationId: "org_acme" }]);
    await job.models.Repo.insertMany([repo("web", 70121), repo("gone", 70122), repo("moved", 70123)]);
    nockRepositoryById(70122, null);
    nockRepositoryById(70123, { id: 70123, name: "moved", owner: MONA });

    const summary = await reconcileOnce(51053, [{ id: 70121, name: "web" }], "all");

    expect(summary.apiCalls).toEqual({ app: 3, installation: 3 });
    const repos = await byslug();
    expect(repos.gone).toMatchObject({ githubRepoId: 70122, accessible: false, deletedOnGitHubAt: job.now() });
    expect(repos.moved).toMatchObject({ githubRepoId: 70123, accessible: false, transferredTo: "mona/moved" });
    expect(repos.web).toMatchObject({ accessible: true, deletedOnGitHubAt: null, transferredTo: null });
    expect((await audit("repo.deleted")).map((e) => e.details)).toEqual([
      { slug: "gone", githubRepoId: 70122, fullName: "acme-corp/gone" },
    ]);

    // The next run asks about neither again: each is settled.
    await reconcileOnce(51053, [{ id: 70121, name: "web" }], "all");
  });

  test("only selected repositories: found in the account is not selected (renamed meanwhile); a 404 is not called deleted", async () => {
    await storeInstallations(job.models, [{ installationId: 51054, organizationId: "org_acme" }]);
    await job.models.Repo.insertMany([repo("unselected", 70131), repo("private", 70132)]);
    nockRepositoryById(70131, { id: 70131, name: "unselected-renamed" });
    nockRepositoryById(70132, null);

    await reconcileOnce(51054, []);

    const repos = await byslug();
    expect(repos.unselected).toMatchObject({
      name: "unselected-renamed",
      fullName: "acme-corp/unselected-renamed",
      accessible: false,
      transferredTo: null,
      deletedOnGitHubAt: null,
    });
    expect(repos.private).toMatchObject({ accessible: false, deletedOnGitHubAt: null, transferredTo: null });
    expect(await audit("repo.deleted")).toEqual([]);
    expect(await audit("repo.transferred")).toEqual([]);
  });
});
