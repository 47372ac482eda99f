import { describe, expect, test } from "vitest";
import { OCTO_BUSINESS } from "../../helpers/github/fixtures.js";
import { nockGetInstallation, nockGetInstallationMissing } from "../../helpers/github/installations.js";
import { deliverWebhook, webhookFixture } from "../../helpers/webhooks.js";
import { useWebhookServer } from "../../helpers/webhook-suite.js";
import { storedAll } from "../../helpers/documents.js";

// installation_target.renamed: the account's new login reaches every stored repo's full name.
const ctx = useWebhookServer();
const INSTALLATION_ID = 43110412;
const ACCOUNT = { id: 6811672, login: "octo-org-renamed", type: "Organization" as const };

async function seed() {
  await ctx.server.models.GitHubInstallation.create({
    installationId: INSTALLATION_ID,
    accountId: ACCOUNT.id,
    accountLogin: "octo-org",
    accountType: "Organization",
    organizationId: "org_octo",
  });
  const repo = (slug: string, extra: Record<string, unknown> = {}) => ({
    organizationId: "org_octo",
    slug,
    name: slug,
    githubRepoId: 700000000 + slug.length,
    fullName: `octo-org/${slug}`,
    accessible: true,
    ...extra,
  });
  await ctx.server.models.Repo.create([
    repo("web"),
    repo("api", { archived: true }),
    repo("moved", { accessible: false, transferredTo: "mona/moved" }),
    repo("draft", { githubRepoId: null, fullName: null, accessible: false }),
    { ...repo("web"), organizationId: "org_other" },
  ]);
}

const fullNames = async (organizationId: string) =>
  Object.fromEntries(
    (await storedAll(ctx.server.models.Repo, { organizationId })).map((repo) => [repo.slug, repo.fullName]),
  );

describe("installation_target.renamed", () => {
  test("every repo still in the account takes the new login; a transferred one and other organizations' are left", async () => {
    await seed();
    const res = await deliverWebhook(ctx.server.url, {
      event: "installation_target",
      payload: webhookFixture("installation_target.renamed"),
    });
    expect(res.status).toBe(200);
    expect(await fullNames("org_octo")).toEqual({
      web: "octo-org-renamed/web",
      api: "octo-org-renamed/api",
      moved: "octo-org/moved",
      draft: null,
    });
    expect(await fullNames("org_other")).toEqual({ web: "octo-org/web" });
  });

  test("without account.login (both schemas allow it): the login GitHub has for the installation, not a 422", async () => {
    await seed();
    const payload = webhookFixture("installation_target.renamed");
    delete (payload.account as Record<string, unknown>).login;
    nockGetInstallation({ id: INSTALLATION_ID, account: ACCOUNT });
    const res = await deliverWebhook(ctx.server.url, { event: "installation_target", payload });
    expect(res.status, res.body).toBe(200);
    expect(
      (await storedAll(ctx.server.models.GitHubInstallation, { installationId: INSTALLATION_ID }))[0]?.accountLogin,
    ).toBe("octo-org-renamed");
    expect((await fullNames("org_octo")).web).toBe("octo-org-renamed/web");
  });

  test("an enterprise's rename without account.login: the enterprise's slug GitHub has for the installation", async () => {
    await ctx.server.models.GitHubInstallation.create({
      installationId: INSTALLATION_ID,
      accountId: OCTO_BUSINESS.id,
      accountLogin: "octo-business-old",
      accountName: OCTO_BUSINESS.name,
      accountType: "Enterprise",
      organizationId: "org_octo",
    });
    const payload = webhookFixture("installation_target.renamed");
    const account = payload.account as Record<string, unknown>;
    delete account.login;
    account.id = OCTO_BUSINESS.id;
    nockGetInstallation({ id: INSTALLATION_ID, enterprise: OCTO_BUSINESS });
    const res = await deliverWebhook(ctx.server.url, { event: "installation_target", payload });
    expect(res.status, res.body).toBe(200);
    expect(
      (await storedAll(ctx.server.models.GitHubInstallation, { installationId: INSTALLATION_ID }))[0]?.accountLogin,
    ).toBe(OCTO_BUSINESS.slug);
  });

  test("without account.login, for an installation GitHub no longer has: nothing changes", async () => {
    await seed();
    const payload = webhookFixture("installation_target.renamed");
    delete (payload.account as Record<string, unknown>).login;
    nockGetInstallationMissing(INSTALLATION_ID);
    const res = await deliverWebhook(ctx.server.url, { event: "installation_target", payload });
    expect(res.status).toBe(200);
    expect((await fullNames("org_octo")).web).toBe("octo-org/web");
    expect(await ctx.server.models.AuditEvent.countDocuments()).toBe(0);
  });
});
