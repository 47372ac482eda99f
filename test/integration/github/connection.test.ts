import { beforeEach, describe, expect, test } from "vitest";
import { readInstallationSnapshot } from "../../../src/github/installation-snapshot.js";
import {
  InstallationGoneError,
  InstallationLinkedElsewhereError,
  OrganizationAlreadyConnectedError,
} from "../../../src/connect/connect-errors.js";
import { applyInstallationRemoved } from "../../../src/installations/installation-changes.js";
import { findGitHubConnection, linkInstallation } from "../../../src/installations/organization-connection.js";
import { useTestModels } from "../../helpers/use-test-server.js";
import { installationJson, type InstallationSpec } from "../../helpers/github/installations.js";

const now = () => new Date("2026-11-24T12:00:00Z");

const db = useTestModels();
beforeEach(async () => {
  await Promise.all([
    db.models.GitHubInstallation.deleteMany({}),
    db.models.Repo.deleteMany({}),
    db.models.AuditEvent.deleteMany({}),
  ]);
});

const snapshot = (spec: InstallationSpec) => readInstallationSnapshot({ installation: installationJson(spec) });
const link = (organizationId: string, spec: InstallationSpec) =>
  linkInstallation(
    { models: db.models, now },
    { organizationId, snapshot: snapshot(spec), actor: "user:u1", via: "oauth" },
  );

describe("one organization, one installation (rule 1)", () => {
  test("an installation no webhook has stored yet is created from GitHub's answer and linked, with an audit event", async () => {
    const { installation, alreadyLinked } = await link("org_a", { id: 51001, createdAt: "2026-11-20T09:00:00Z" });
    expect(alreadyLinked).toBe(false);
    expect(installation).toMatchObject({
      installationId: 51001,
      organizationId: "org_a",
      accountLogin: "acme-corp",
      accountId: 90001,
      accountType: "Organization",
    });
    expect(installation.installedAt?.toISOString()).toBe("2026-11-20T09:00:00.000Z");
    const audit = await db.models.AuditEvent.find({ action: "github.connected" }).lean();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      organizationId: "org_a",
      actor: "user:u1",
      details: { installationId: 51001, account: "acme-corp", via: "oauth" },
    });
  });

  test("linking again to the same organization changes nothing", async () => {
    await link("org_a", { id: 51001 });
    const again = await link("org_a", { id: 51001 });
    expect(again.alreadyLinked).toBe(true);
    expect(await db.models.AuditEvent.countDocuments({ action: "github.connected" })).toBe(1);
  });

  test("an installation linked to another organization is refused and nothing is written", async () => {
    await link("org_a", { id: 51001 });
    const before = await db.models.GitHubInstallation.find().lean();
    await expect(link("org_b", { id: 51001 })).rejects.toBeInstanceOf(InstallationLinkedElsewhereError);
    expect(await db.models.GitHubInstallation.find().lean()).toEqual(before);
    expect(await db.models.AuditEvent.countDocuments({ organizationId: "org_b" })).toBe(0);
  });

  test("an organization with a live installation cannot link a second one", async () => {
    await link("org_a", { id: 51001 });
    await expect(link("org_a", { id: 51002, account: { id: 2, login: "other" } })).rejects.toBeInstanceOf(
      OrganizationAlreadyConnectedError,
    );
    expect(await db.models.GitHubInstallation.countDocuments({ installationId: 51002 })).toBe(0);
  });

  test("two organizations claiming one installation at the same instant: exactly one gets it", async () => {
    await db.models.GitHubInstallation.create({
      installationId: 51001,
      accountId: 90001,
      accountLogin: "acme-corp",
      accountType: "Organization",
    });
    const results = await Promise.allSettled([
      link("org_a", { id: 51001 }),
      link("org_b", { id: 51001 }),
      link("org_c", { id: 51001 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toBeInstanceOf(InstallationLinkedElsewhereError);
    expect(await db.models.GitHubInstallation.countDocuments({ installationId: 51001 })).toBe(1);
  });

  test("two organizations claiming one installation no webhook has stored: the unique index keeps one", async () => {
    const results = await Promise.allSettled([link("org_a", { id: 51009 }), link("org_b", { id: 51009 })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.models.GitHubInstallation.countDocuments({ installationId: 51009 })).toBe(1);
  });

  test("a deleted installation cannot be linked", async () => {
    await db.models.GitHubInstallation.create({
      installationId: 51001,
      accountId: 90001,
      accountLogin: "acme-corp",
      accountType: "Organization",
      deletedAt: now(),
    });
    await expect(link("org_a", { id: 51001 })).rejects.toBeInstanceOf(InstallationGoneError);
  });
});

describe("disconnect keeps what reconnect needs (rule 6)", () => {
  test("unlink marks the installation gone, every repo unreachable, and forgets no repo id", async () => {
    await link("org_a", { id: 51001 });
    await db.models.Repo.create([
      { organizationId: "org_a", slug: "web", name: "web", githubRepoId: 70001, accessible: true },
      { organizationId: "org_a", slug: "api", name: "api", githubRepoId: 70002, accessible: true },
    ]);
    const gone = await applyInstallationRemoved(
      { models: db.models, now },
      { by: "admin", organizationId: "org_a", installationId: 51001, github: "uninstalled" },
      { actor: "user:u1" },
    );
    expect(gone?.deletedAt?.toISOString()).toBe(now().toISOString());
    expect(gone?.organizationId).toBe("org_a");
    const repos = await db.models.Repo.find({ organizationId: "org_a" }).lean();
    expect(repos.map((r) => [r.githubRepoId, r.accessible])).toEqual(
      expect.arrayContaining([
        [70001, false],
        [70002, false],
      ]),
    );
    expect(await findGitHubConnection(db.models, "org_a")).toMatchObject({
      state: "deleted",
      installation: { installationId: 51001 },
    });
    expect(await db.models.AuditEvent.countDocuments({ action: "github.disconnected", organizationId: "org_a" })).toBe(
      1,
    );
  });

  test("after a disconnect the organization may link a new installation", async () => {
    await link("org_a", { id: 51001 });
    await applyInstallationRemoved(
      { models: db.models, now },
      { by: "admin", organizationId: "org_a", installationId: 51001, github: "uninstalled" },
      { actor: "user:u1" },
    );
    await expect(link("org_a", { id: 51002 })).resolves.toMatchObject({ installation: { installationId: 51002 } });
    expect((await findGitHubConnection(db.models, "org_a")).state).toBe("connected");
  });
});
