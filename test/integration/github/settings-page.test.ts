import { beforeAll, describe, expect, test } from "vitest";
import { WebClient } from "../../helpers/auth.js";
import {
  mainOf,
  pageText,
  SETTINGS,
  signInAdmin,
  signInMember,
  startConnectServer,
} from "../../helpers/github-connect.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const ctx = useTestServer(startConnectServer);
beforeAll(async () => {
  const { GitHubInstallation, Repo } = ctx.server.models;
  const base = {
    accountId: 90001,
    accountLogin: "acme-corp",
    accountType: "Organization",
    installedAt: new Date("2026-11-02T08:00:00Z"),
  };
  await GitHubInstallation.create([
    {
      ...base,
      installationId: 54001,
      organizationId: "org_connected",
      htmlUrl: "https://github.com/organizations/acme-corp/settings/installations/54001",
    },
    { ...base, installationId: 54002, organizationId: "org_suspended", suspendedAt: new Date("2026-11-20T10:00:00Z") },
    { ...base, installationId: 54003, organizationId: "org_deleted", deletedAt: new Date("2026-11-22T10:00:00Z") },
    { ...base, installationId: 54004, organizationId: "org_js_link", htmlUrl: "javascript:alert(1)" },
    {
      ...base,
      installationId: 54005,
      organizationId: "org_foreign_link",
      accountLogin: "mona",
      accountType: "User",
      htmlUrl: "https://evil.example/settings/installations/54005",
    },
    { ...base, installationId: 54006, organizationId: "org_changed" },
  ]);
  await Repo.create([
    {
      organizationId: "org_connected",
      slug: "web",
      name: "Website",
      githubRepoId: 74001,
      fullName: "acme-corp/website",
      accessible: true,
    },
    {
      organizationId: "org_connected",
      slug: "api",
      name: "API",
      githubRepoId: 74002,
      fullName: "acme-corp/api",
      accessible: false,
    },
    {
      organizationId: "org_deleted",
      slug: "web",
      name: "Website",
      githubRepoId: 74101,
      fullName: "acme-corp/website",
      accessible: false,
    },
    {
      organizationId: "org_deleted",
      slug: "docs",
      name: "Docs",
      githubRepoId: 74102,
      fullName: "acme-corp/docs",
      accessible: false,
    },
    { organizationId: "org_deleted", slug: "draft", name: "Draft", githubRepoId: null, accessible: false },
    {
      organizationId: "org_suspended",
      slug: "web",
      name: "Website",
      githubRepoId: 74201,
      fullName: "acme-corp/website",
      accessible: true,
    },
    { organizationId: "org_connected", slug: "zdraft", name: "Zdraft", githubRepoId: null, accessible: false },
    ...[
      { slug: "archive", accessible: true, archived: true },
      { slug: "gone", accessible: false, deletedOnGitHubAt: new Date("2026-11-22T10:00:00Z") },
      { slug: "moved", accessible: false, transferredTo: "mona/moved" },
    ].map((repo, index) => ({
      organizationId: "org_changed",
      name: repo.slug,
      githubRepoId: 74301 + index,
      fullName: `acme-corp/${repo.slug}`,
      ...repo,
    })),
  ]);
});

describe("GET /workspace/settings/repos", () => {
  test("disconnected: tells the admin to choose “Only select repositories” and offers Connect GitHub", async () => {
    const admin = await signInAdmin(ctx.server, "org_fresh");
    const page = await admin.get(SETTINGS);
    expect(page.status).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain("Connection Not connected");
    expect(text).toContain("choose “Only select repositories”");
    expect(page.body).toContain('<a class="button button-primary" href="/github/connect">Connect GitHub</a>');
    expect(text).toContain("Projects (0) Connect GitHub to create projects.");
    expect(page.body).not.toContain("/github/disconnect");
  });

  test("connected: account, kind, install date, Manage on GitHub, Disconnect, and each project with its GitHub link and reachability", async () => {
    const admin = await signInAdmin(ctx.server, "org_connected");
    const page = await admin.get(SETTINGS);
    const text = pageText(page.body);
    expect(text).toContain("Connection Connected acme-corp Organization Installed 2 November 2026");
    expect(page.body).toContain('<a href="https://github.com/acme-corp">acme-corp</a>');
    expect(page.body).toContain('<img class="avatar" src="https://avatars.githubusercontent.com/u/90001?s=64" alt=""');
    expect(page.body).toContain('<time datetime="2026-11-02T08:00:00.000Z">2 November 2026</time>');
    expect(page.body).toContain(
      'href="https://github.com/organizations/acme-corp/settings/installations/54001">Manage on GitHub</a>',
    );
    expect(page.body).toContain('<a class="button button-danger" href="/github/disconnect"');
    expect(text).toContain("Projects (3)");
    expect(text).toContain(
      "API acme-corp/api Not reachable GitHub Connect's installation on acme-corp does not include this repository. An owner of acme-corp can add it: Add it to the installation on GitHub",
    );
    expect(page.body).toContain(
      '<a href="https://github.com/organizations/acme-corp/settings/installations/54001">Add it to the installation on GitHub</a>',
    );
    expect(text).toContain("Zdraft No repository yet Not created yet");
    expect(page.body).toMatch(/<span class="status status-muted">Not created yet<\/span>/);
    expect(text).toContain("Website acme-corp/website Reachable");
    expect(page.body).toContain('<a href="https://github.com/acme-corp/website">acme-corp/website</a>');
    expect(page.headers.get("cache-control")).toBe("no-store");
  });

  test("what became of a repo on GitHub, in words, with the fix where there is one", async () => {
    const admin = await signInAdmin(ctx.server, "org_changed");
    const page = await admin.get(SETTINGS);
    const text = pageText(page.body);
    expect(text).toContain("archive acme-corp/archive Archived on GitHub: read-only");
    expect(text).toContain("gone acme-corp/gone Deleted on GitHub Create again");
    expect(text).toContain(
      "moved acme-corp/moved Transferred on GitHub to mona/moved It is no longer in acme-corp's account. An owner can transfer it back to acme-corp on GitHub: Open it on GitHub",
    );
    expect(page.body).toContain('<a href="https://github.com/mona/moved">Open it on GitHub</a>');
    expect(text).not.toContain("Not reachable");
    expect(text).not.toContain("Add it to the installation");
  });

  test("Manage on GitHub is built from the configured GitHub URL, never the stored html_url (javascript: or another host)", async () => {
    const org = await signInAdmin(ctx.server, "org_js_link");
    const orgPage = (await org.get(SETTINGS)).body;
    expect(orgPage).toContain(
      '<a class="button" href="https://github.com/organizations/acme-corp/settings/installations/54004">Manage on GitHub</a>',
    );
    expect(orgPage).not.toContain("javascript:");
    const user = await signInAdmin(ctx.server, "org_foreign_link");
    const userPage = (await user.get(SETTINGS)).body;
    expect(userPage).toContain(
      '<a class="button" href="https://github.com/settings/installations/54005">Manage on GitHub</a>',
    );
    expect(userPage).not.toContain("evil.example");
  });

  test("suspended: the heading says Suspended, how to lift it, and the projects' access is paused, not reachable", async () => {
    const admin = await signInAdmin(ctx.server, "org_suspended");
    const text = pageText((await admin.get(SETTINGS)).body);
    expect(text).toContain("Connection Suspended acme-corp Organization");
    expect(text).not.toContain("Connected");
    expect(text).toContain("Suspended since 20 November 2026.");
    expect(text).toContain("To lift it, an owner of acme-corp opens Manage on GitHub and chooses Unsuspend.");
    expect(text).toContain("Projects (1)");
    expect(text).toContain("Website acme-corp/website Paused while suspended");
    expect(text).not.toContain("Reachable");
  });

  test("deleted: offers Reconnect GitHub, pre-selecting the account and every stored repository", async () => {
    const admin = await signInAdmin(ctx.server, "org_deleted");
    const page = await admin.get(SETTINGS);
    const text = pageText(page.body);
    expect(text).toContain(
      "Connection Disconnected acme-corp Organization Installed 2 November 2026 Removed 22 November 2026",
    );
    expect(text).toContain("Reconnect GitHub to install it again with your 2 repositories already selected.");
    const href = /href="([^"]+)">Reconnect GitHub<\/a>/.exec(page.body)?.[1]?.replace(/&amp;/g, "&");
    expect(href).toMatch(
      /^https:\/\/github\.com\/apps\/github-connect-test\/installations\/new\/permissions\?suggested_target_id=90001&repository_ids\[\]=74101&repository_ids\[\]=74102&state=[\w-]+\.[\w-]+$/,
    );
    expect(text).toContain("Projects (3)");
    expect(text).toContain("Draft No repository yet Not created yet");
    expect(text).toContain("Docs acme-corp/docs Paused until GitHub is reconnected");
    expect(text).not.toContain("Not reachable");
    expect(page.body).not.toContain("/github/disconnect");
  });

  test("members see the same status with no buttons", async () => {
    for (const organizationId of ["org_fresh", "org_connected", "org_suspended", "org_deleted"]) {
      const member = await signInMember(ctx.server, organizationId);
      const page = await member.get(SETTINGS);
      expect(page.status).toBe(200);
      const main = mainOf(page.body);
      expect(main, organizationId).not.toMatch(/<button|<form|class="button/);
      expect(main).not.toContain("/github/");
      expect(pageText(page.body)).toMatch(
        /An admin of your organization can connect GitHub\.|Only admins of your organization can change the GitHub connection\./,
      );
    }
    const connected = pageText((await (await signInMember(ctx.server, "org_connected")).get(SETTINGS)).body);
    expect(connected).toContain("Connected acme-corp Organization Installed 2 November 2026");
    expect(connected).toContain("Projects (3)");
    const fresh = pageText((await (await signInMember(ctx.server, "org_fresh")).get(SETTINGS)).body);
    expect(fresh).toContain(
      "Projects (0) Your organization's admins connect GitHub; projects appear here once they do.",
    );
    expect(fresh).not.toContain("Connect GitHub to create projects");
  });

  test("a visitor who is not signed in is sent to sign in", async () => {
    const response = await new WebClient(ctx.server.url).get(SETTINGS);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`/auth/login?returnTo=${encodeURIComponent(SETTINGS)}`);
  });

  test("the page is plain accessible HTML: headings, a labelled section, table headers", async () => {
    const admin = await signInAdmin(ctx.server, "org_connected");
    const page = (await admin.get(SETTINGS)).body;
    expect(page).toContain(
      '<section class="card connection connection-connected" aria-labelledby="github-connection-title">',
    );
    expect(page).toContain(
      '<h2 id="github-connection-title">Connection <span class="state-badge state-connected" data-testid="connection-state">Connected</span></h2>',
    );
    expect(page).toContain('<th scope="col">Project</th>');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).not.toMatch(/https?:\/\/[^"]*cdn/i);
  });
});
