import { describe, expect, test } from "vitest";
import { stored, storedAll } from "../../helpers/documents.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import {
  nockDeleteInstallation,
  nockGetInstallation,
  nockInstallationRepositories,
  nockUserInstallations,
} from "../../helpers/github/installations.js";
import { nockOAuthToken } from "../../helpers/github/oauth.js";
import {
  arriveAtSetup,
  confirmSetup,
  connectThroughGitHub,
  domainSnapshot,
  expectNothingChanged,
  pageText,
  SETTINGS,
  signInAdmin,
  signInMember,
  startConnectServer,
  stateOf,
} from "../../helpers/github-connect.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const ctx = useTestServer(startConnectServer);

async function connectedOrg(organizationId: string, installationId: number) {
  const admin = await signInAdmin(ctx.server, organizationId, `admin@${organizationId}.example`);
  expect((await connectThroughGitHub(admin, { installation: { id: installationId } })).status).toBe(303);
  await ctx.server.models.Repo.create([
    {
      organizationId,
      slug: "web",
      name: "web",
      githubRepoId: installationId * 10 + 1,
      fullName: "acme-corp/web",
      accessible: true,
    },
    {
      organizationId,
      slug: "api",
      name: "api",
      githubRepoId: installationId * 10 + 2,
      fullName: "acme-corp/api",
      accessible: true,
    },
  ]);
  await admin.refreshCsrfToken(SETTINGS);
  return admin;
}

describe("GET /github/disconnect: Disconnect asks first", () => {
  test("the confirmation names the account, posts with the CSRF token, and Cancel goes back to Settings; nothing changes until it is posted", async () => {
    const admin = await connectedOrg("org_confirm", 55101);
    const before = await domainSnapshot(ctx.server.models);
    const page = await admin.get("/github/disconnect");
    expect(page.status).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain(
      "Disconnect acme-corp? This uninstalls GitHub Connect from the GitHub organization acme-corp.",
    );
    expect(text).toContain("Your projects and their repositories are kept.");
    expect(page.body).toMatch(
      /<form method="post" action="\/github\/disconnect" class="actions">\s*<input type="hidden" name="_csrf" value="[\w-]{20,}">/,
    );
    expect(page.body).toContain('<a class="button" href="/workspace/settings/repos">Cancel</a>');
    expect(page.headers.get("cache-control")).toBe("no-store");
    await expectNothingChanged(ctx.server.models, before);
  });

  test("with nothing connected it goes back to Settings and says so", async () => {
    const admin = await signInAdmin(ctx.server, "org_confirm_none");
    const response = await admin.get("/github/disconnect");
    expect(response.status).toBe(303);
    expect(response.location).toBe(SETTINGS);
    expect(pageText((await admin.get(SETTINGS)).body)).toContain(
      "GitHub is not connected, so there is nothing to disconnect.",
    );
  });

  test("a member is refused the confirmation page", async () => {
    const member = await signInMember(ctx.server, "org_confirm");
    expect((await member.get("/github/disconnect")).status).toBe(403);
  });

  test("a GitHub that does not answer: within about 5 seconds a page says so, and nothing changes", async () => {
    const admin = await connectedOrg("org_hang", 55102);
    const before = await domainSnapshot(ctx.server.models);
    nockDeleteInstallation(55102, 204, { delayMs: 10_000 });
    const started = Date.now();
    const response = await admin.postForm("/github/disconnect");
    const took = Date.now() - started;
    expect(took).toBeLessThan(6_000);
    expect(took).toBeGreaterThanOrEqual(4_500);
    expect(response.status).toBe(504);
    const text = pageText(response.body);
    expect(text).toContain("GitHub did not answer in time");
    expect(text).toContain(
      "GitHub did not answer within 5 seconds, so GitHub Connect is still installed on acme-corp and nothing was changed. Try Disconnect again in a minute.",
    );
    expect(text).not.toMatch(/Error 50\d/);
    await expectNothingChanged(ctx.server.models, before);
  }, 15_000);
});

describe("POST /github/disconnect (rule 6)", () => {
  test("uninstalls through the App API, marks the link gone, keeps every repo id, audits, and says so", async () => {
    const admin = await connectedOrg("org_bye", 55001);
    nockDeleteInstallation(55001);
    const response = await admin.postForm("/github/disconnect");
    expect(response.status, response.body).toBe(303);
    expect(response.location).toBe(SETTINGS);

    const installation = await stored(ctx.server.models.GitHubInstallation, { installationId: 55001 });
    expect(installation?.deletedAt?.toISOString()).toBe("2026-11-24T12:00:00.000Z");
    expect(installation?.organizationId).toBe("org_bye");
    const repos = await storedAll(ctx.server.models.Repo, { organizationId: "org_bye" });
    expect(repos.map((r) => [r.slug, r.githubRepoId, r.accessible]).sort()).toEqual([
      ["api", 550012, false],
      ["web", 550011, false],
    ]);
    const audit = await stored(ctx.server.models.AuditEvent, {
      organizationId: "org_bye",
      action: "github.disconnected",
    });
    expect(audit).toMatchObject({ details: { installationId: 55001, account: "acme-corp", github: "uninstalled" } });

    const page = await admin.get(SETTINGS);
    const text = pageText(page.body);
    expect(text).toContain("Disconnected from acme-corp: GitHub Connect was uninstalled there.");
    expect(text).toContain("Connection Disconnected acme-corp Organization");
    expect(page.body.replace(/&amp;/g, "&")).toMatch(
      /permissions\?suggested_target_id=90001&repository_ids\[\]=550011&repository_ids\[\]=550012&state=/,
    );
  });

  test("the installation.deleted webhook that follows changes nothing more", async () => {
    const { deliverWebhook, webhookExample } = await import("../../helpers/webhooks.js");
    const payload = webhookExample("installation", "deleted");
    (payload.installation as { id: number }).id = 55001;
    const before = await domainSnapshot(ctx.server.models);
    expect((await deliverWebhook(ctx.server.url, { event: "installation", payload })).status).toBe(200);
    expect((await domainSnapshot(ctx.server.models)).audit).toEqual(before.audit);
  });

  test("GitHub already forgot the installation (404): the link is still marked gone", async () => {
    const admin = await connectedOrg("org_gone", 55002);
    nockDeleteInstallation(55002, 404);
    expect((await admin.postForm("/github/disconnect")).status).toBe(303);
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 55002 }))?.deletedAt).not.toBeNull();
  });

  test("GitHub fails (500): an error page, nothing changes, and the log says it in one line with the status and what to do", async () => {
    const admin = await connectedOrg("org_flaky", 55003);
    const before = await domainSnapshot(ctx.server.models);
    nockDeleteInstallation(55003, 500);
    const response = await admin.postForm("/github/disconnect");
    expect(response.status).toBe(502);
    expect(pageText(response.body)).toContain("GitHub did not answer as expected");
    await expectNothingChanged(ctx.server.models, before);

    const requestId = response.headers.get("x-request-id");
    const lines = ctx.server.logs.lines.filter((line) => line.requestId === requestId);
    // The failure, then the access line; neither carries Octokit's error (stack, request headers, response).
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        github: { status: 500, request: "DELETE /app/installations/55003" },
        msg: "GitHub answered 500 to DELETE /app/installations/55003; GitHub is having trouble: try again in a minute (https://www.githubstatus.com)",
      }),
      expect.objectContaining({ msg: "request errored", res: { statusCode: 502 } }),
    ]);
    for (const line of lines) expect(line).not.toHaveProperty("err");
    expect(JSON.stringify(lines)).not.toMatch(/authorization|bearer|stack/i);
  });

  test("nothing connected: says so", async () => {
    const admin = await signInAdmin(ctx.server, "org_nothing");
    await admin.refreshCsrfToken(SETTINGS);
    const response = await admin.postForm("/github/disconnect");
    expect(response.status).toBe(303);
    expect(pageText((await admin.get(SETTINGS)).body)).toContain(
      "GitHub is not connected, so there was nothing to disconnect.",
    );
  });
});

describe("reconnect (rule 5)", () => {
  test("the Reconnect link's state brings the admin back; afterwards the page says which repos are reachable again and which are not", async () => {
    const admin = await connectedOrg("org_again", 55004);
    nockDeleteInstallation(55004);
    await admin.postForm("/github/disconnect");

    const page = await admin.get(SETTINGS);
    const reconnect = /href="([^"]+)">Reconnect GitHub<\/a>/.exec(page.body)![1]!.replace(/&amp;/g, "&");
    const url = new URL(reconnect);
    expect(url.pathname).toBe("/apps/github-connect-test/installations/new/permissions");
    expect(url.searchParams.get("suggested_target_id")).toBe("90001");
    expect(url.searchParams.getAll("repository_ids[]")).toEqual(["550041", "550042"]);

    // On GitHub the owner installs again; only "web" was kept in the selection.
    const setup = await arriveAtSetup(admin, {
      installation_id: "55005",
      setup_action: "install",
      state: stateOf(reconnect),
    });
    expect(setup.status, setup.body).toBe(303);
    nockOAuthToken({ code: "again" });
    nockUserInstallations([[{ id: 55005 }]]);
    nockInstallationToken(55005);
    nockInstallationRepositories([[{ id: 550041, name: "web" }]]);
    const callback = await admin.get(
      `/github/callback?code=again&state=${encodeURIComponent(stateOf(setup.location))}`,
    );
    expect(callback.status, callback.body).toBe(303);

    const repos = Object.fromEntries(
      (await storedAll(ctx.server.models.Repo, { organizationId: "org_again" })).map((r) => [r.slug, r.accessible]),
    );
    expect(repos).toEqual({ web: true, api: false });
    const text = pageText((await admin.get(SETTINGS)).body);
    expect(text).toContain("Connected to acme-corp on GitHub.");
    expect(text).toContain("Reachable again: web.");
    expect(text).toContain(
      "Not reachable: api. GitHub Connect has no access to this repository: choose Manage on GitHub and add it to the installation's repositories.",
    );
    expect(text).toContain("Connection Connected acme-corp Organization");
    expect(text).toContain("api acme-corp/api Not reachable");
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 55005 }))?.organizationId).toBe(
      "org_again",
    );
  });

  test("a repo deleted on GitHub is neither pre-selected nor called not reachable: the page says Deleted on GitHub", async () => {
    const admin = await connectedOrg("org_deleted_repo", 55018);
    await ctx.server.models.Repo.updateOne(
      { organizationId: "org_deleted_repo", slug: "api" },
      { $set: { accessible: false, deletedOnGitHubAt: new Date("2026-11-23T09:00:00Z") } },
    );
    nockDeleteInstallation(55018);
    await admin.postForm("/github/disconnect");
    const page = await admin.get(SETTINGS);
    const reconnect = /href="([^"]+)">Reconnect GitHub<\/a>/.exec(page.body)![1]!.replace(/&amp;/g, "&");
    expect(new URL(reconnect).searchParams.getAll("repository_ids[]")).toEqual(["550181"]);

    // Setup asks GitHub nothing: the OAuth check at the callback decides.
    const setup = await arriveAtSetup(admin, {
      installation_id: "55019",
      setup_action: "install",
      state: stateOf(reconnect),
    });
    nockOAuthToken({ code: "gone" });
    nockUserInstallations([[{ id: 55019 }]]);
    nockInstallationToken(55019);
    nockInstallationRepositories([[{ id: 550181, name: "web" }]]);
    await admin.get(`/github/callback?code=gone&state=${encodeURIComponent(stateOf(setup.location))}`);

    const text = pageText((await admin.get(SETTINGS)).body);
    expect(text).toContain("Reachable again: web.");
    expect(text).not.toContain("Not reachable");
    expect(text).toContain("api acme-corp/api Deleted on GitHub Create again");
  });

  test("GET /github/connect after a removal goes to the pre-selecting install page too", async () => {
    const admin = await connectedOrg("org_again2", 55006);
    nockDeleteInstallation(55006);
    await admin.postForm("/github/disconnect");
    const response = await admin.get("/github/connect");
    expect(response.status).toBe(303);
    expect(response.location).toMatch(
      /\/installations\/new\/permissions\?suggested_target_id=90001&repository_ids\[\]=550061&repository_ids\[\]=550062&state=/,
    );
  });

  test("listing the repositories fails after the link: still connected, and the page says it could not check", async () => {
    const admin = await signInAdmin(ctx.server, "org_partial");
    const { submit } = await confirmSetup(admin, { id: 55007 }, { code: "partial" });
    nockGetInstallation({ id: 55007 });
    nockInstallationToken(55007);
    const { default: nock } = await import("nock");
    nock("https://api.github.com")
      .get("/installation/repositories")
      .query(true)
      .reply(502, { message: "Server Error" });
    const confirmed = await submit();
    expect(confirmed.status).toBe(303);
    expect(pageText((await admin.get(SETTINGS)).body)).toContain(
      "GitHub Connect could not check which projects it can reach",
    );
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 55007 }))?.organizationId).toBe(
      "org_partial",
    );
  });
});
