import { describe, expect, test } from "vitest";
import { storedAll } from "../../helpers/documents.js";
import { type AccountSpec, ACME, INSTALLATION_TOKEN } from "../../helpers/github/fixtures.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import nock from "nock";
import { documentedBody } from "../../helpers/contract/openapi-responses.js";
import { createdRepositoryJson, nockCreateOrgRepo, nockRepo } from "../../helpers/github/repos.js";
import { GITHUB_API } from "../../helpers/github/rest.js";
import {
  domainSnapshot,
  expectNothingChanged,
  mainOf,
  pageText,
  SETTINGS,
  signInAdmin,
  signInMember,
  startConnectServer,
} from "../../helpers/github-connect.js";
import { storeInstallation, type StoredInstallationSpec } from "../../helpers/internal-api.js";
import { DEFAULT_PROJECTS, flashesIn, PROJECTS, submitAndFollow } from "../../helpers/projects.js";
import { useTestServer } from "../../helpers/use-test-server.js";
import { deliverWebhook, webhookExample } from "../../helpers/webhooks.js";

const ctx = useTestServer(startConnectServer, { emptyBetweenTests: true });
const MONA: AccountSpec = { id: 90002, login: "mona", type: "User" };

// The App's Probot caches each installation's token for the whole file: every test connects its own.
let lastInstallationId = 76000;

/** The organization connected to a fresh installation (organization account unless told), as the connect flow leaves it. */
async function connect(organizationId: string, spec: Partial<StoredInstallationSpec> = {}): Promise<number> {
  const installationId = ++lastInstallationId;
  await storeInstallation(ctx.server.models, { installationId, organizationId, ...spec });
  return installationId;
}

async function storedRepos(organizationId: string) {
  return (await storedAll(ctx.server.models.Repo, { organizationId })).map(
    ({ organizationId, slug, name, githubRepoId, fullName, accessible }) => ({
      organizationId,
      slug,
      name,
      githubRepoId,
      fullName,
      accessible,
    }),
  );
}

/** The organization's repo.* events, oldest first. */
const repoEvents = (organizationId: string) =>
  ctx.server.models.Event.find({ organizationId, type: /^repo\./ }, { _id: 0, type: 1, data: 1 })
    .sort({ _id: 1 })
    .lean();

describe("an admin creates a project in the organization's GitHub account", () => {
  test("POST /orgs/{org}/repos with the installation token (private, initialised); the id, slug, name and full name are stored at once, reachable", async () => {
    const installationId = await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    // GitHub's html_url is never the link: it is built from the configured GitHub URL and the full name.
    nockCreateOrgRepo(ACME, "Developer-Guide", {
      id: 75001,
      htmlUrl: "https://evil.example/acme-corp/Developer-Guide",
    });

    const flashes = await submitAndFollow(admin, PROJECTS, { name: " Developer-Guide " });

    expect(flashes).toEqual([
      {
        kind: "success",
        text: "Created the project Developer-Guide: a new private repository on GitHub. acme-corp/Developer-Guide",
        links: [{ text: "acme-corp/Developer-Guide", href: "https://github.com/acme-corp/Developer-Guide" }],
      },
    ]);
    expect(await storedRepos("org_acme")).toEqual([
      {
        organizationId: "org_acme",
        slug: "developer-guide",
        name: "Developer-Guide",
        githubRepoId: 75001,
        fullName: "acme-corp/Developer-Guide",
        accessible: true,
      },
    ]);
    const audit = await storedAll(ctx.server.models.AuditEvent, { action: "repo.created" });
    expect(audit).toMatchObject([
      {
        organizationId: "org_acme",
        actor: expect.stringMatching(/^user:/),
        details: { slug: "developer-guide", githubRepoId: 75001 },
      },
    ]);
    // The same step recorded its event, with the repo as a service needs it.
    expect(await repoEvents("org_acme")).toEqual([
      {
        type: "repo.created",
        data: {
          githubRepoId: 75001,
          slug: "developer-guide",
          name: "Developer-Guide",
          fullName: "acme-corp/Developer-Guide",
          status: "reachable",
        },
      },
    ]);

    const page = await admin.get(SETTINGS);
    expect(pageText(page.body)).toContain(
      "Projects (1) Project GitHub repository Access Developer-Guide acme-corp/Developer-Guide Reachable",
    );
    expect(page.body).toContain('<a href="https://github.com/acme-corp/Developer-Guide">acme-corp/Developer-Guide</a>');
    expect(page.body).not.toContain("evil.example");
    expect(ctx.server.logs.text()).not.toContain(INSTALLATION_TOKEN);
  });

  test("the installation_repositories.added webhook that follows a creation changes no repo", async () => {
    const installationId = await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    nockCreateOrgRepo(ACME, "engineering.tickets", { id: 75002 });
    await submitAndFollow(admin, PROJECTS, { name: "engineering.tickets" });
    const before = await storedAll(ctx.server.models.Repo, {});

    // GitHub grants a repository an App creates to its "selected" installation, and says so.
    const example = webhookExample("installation_repositories", "added");
    const payload = {
      ...example,
      installation: {
        ...(example.installation as object),
        id: installationId,
        account: {
          ...(example.installation as { account: object }).account,
          id: ACME.id,
          login: ACME.login,
          type: "Organization",
        },
        updated_at: "2026-11-24T12:00:05Z",
      },
      repository_selection: "selected",
      repositories_added: [
        {
          id: 75002,
          node_id: "R_kgDOAAElMg",
          name: "engineering.tickets",
          full_name: "acme-corp/engineering.tickets",
          private: true,
        },
      ],
      repositories_removed: [],
    };
    const delivery = await deliverWebhook(ctx.server.url, { event: "installation_repositories", payload });
    expect(delivery.status, delivery.body).toBe(200);

    expect(await storedAll(ctx.server.models.Repo, {})).toEqual(before);
    const audit = await storedAll(ctx.server.models.AuditEvent, { action: "installation_repositories.added" });
    expect(audit).toMatchObject([{ organizationId: "org_acme", details: { added: 1, knownReposChanged: 0 } }]);
  });

  test("a project already stored: said so, with its link; GitHub is not asked and nothing is written", async () => {
    await connect("org_acme");
    await ctx.server.models.Repo.create({
      organizationId: "org_acme",
      slug: "handbook",
      name: "handbook",
      githubRepoId: 75010,
      fullName: "acme-corp/handbook",
      accessible: true,
    });
    const admin = await signInAdmin(ctx.server, "org_acme");
    const before = await domainSnapshot(ctx.server.models);
    expect(await submitAndFollow(admin, PROJECTS, { name: "Handbook" })).toEqual([
      {
        kind: "info",
        text: "handbook is already a project. Nothing was created. acme-corp/handbook",
        links: [{ text: "acme-corp/handbook", href: "https://github.com/acme-corp/handbook" }],
      },
    ]);
    await expectNothingChanged(ctx.server.models, before);
  });
});

describe("the name is taken on GitHub", () => {
  test("the installation reaches the existing repository: it is adopted with its GitHub id", async () => {
    const installationId = await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    nockCreateOrgRepo(ACME, "handbook", "name-taken");
    nockRepo(ACME, "handbook", 75003, { token: INSTALLATION_TOKEN });

    expect(await submitAndFollow(admin, PROJECTS, { name: "handbook" })).toEqual([
      {
        kind: "success",
        text: "handbook already existed on GitHub and GitHub Connect can reach it: it is now a project. acme-corp/handbook",
        links: [{ text: "acme-corp/handbook", href: "https://github.com/acme-corp/handbook" }],
      },
    ]);
    expect(await storedRepos("org_acme")).toEqual([
      {
        organizationId: "org_acme",
        slug: "handbook",
        name: "handbook",
        githubRepoId: 75003,
        fullName: "acme-corp/handbook",
        accessible: true,
      },
    ]);
    expect(await storedAll(ctx.server.models.AuditEvent, { action: "repo.adopted" })).toHaveLength(1);
    expect(await repoEvents("org_acme")).toEqual([
      {
        type: "repo.adopted",
        data: {
          githubRepoId: 75003,
          slug: "handbook",
          name: "handbook",
          fullName: "acme-corp/handbook",
          status: "reachable",
        },
      },
    ]);
  });

  test("the repository was not selected for the App (404): explained, with a link to the installation's settings; nothing written", async () => {
    const installationId = await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    nockCreateOrgRepo(ACME, "handbook", "name-taken");
    nockRepo(ACME, "handbook", null, { token: INSTALLATION_TOKEN });
    const before = await domainSnapshot(ctx.server.models);

    expect(await submitAndFollow(admin, PROJECTS, { name: "handbook" })).toEqual([
      {
        kind: "error",
        text: "A repository named handbook already exists in acme-corp on GitHub, but it is not selected for GitHub Connect. An owner of acme-corp can add it to the App's repositories (Manage on GitHub, Repository access), then create the project here again to adopt it. handbook was not created. Manage on GitHub",
        links: [
          {
            text: "Manage on GitHub",
            href: `https://github.com/organizations/acme-corp/settings/installations/${installationId}`,
          },
        ],
      },
    ]);
    await expectNothingChanged(ctx.server.models, before);
  });
});

describe("a personal account", () => {
  test("an installation token cannot create a user's repository: refused with how to proceed, nothing written", async () => {
    const installationId = await connect("org_solo", { account: MONA });
    const admin = await signInAdmin(ctx.server, "org_solo");
    nockInstallationToken(installationId);
    nockRepo(MONA, "notes", null, { token: INSTALLATION_TOKEN });
    const before = await domainSnapshot(ctx.server.models);

    const flashes = await submitAndFollow(admin, PROJECTS, { name: "notes" });
    expect(flashes).toEqual([
      {
        kind: "error",
        text: "GitHub Connect is connected to mona, a personal account, where GitHub lets no App create repositories. Create notes on GitHub yourself and add it to GitHub Connect's repositories (Manage on GitHub), then create the project here again: it is adopted. Or connect a GitHub organization instead. notes was not created. Manage on GitHub",
        links: [{ text: "Manage on GitHub", href: `https://github.com/settings/installations/${installationId}` }],
      },
    ]);
    await expectNothingChanged(ctx.server.models, before);
  });

  test("a repository the owner created and added to the installation is adopted", async () => {
    const installationId = await connect("org_solo", { account: MONA });
    const admin = await signInAdmin(ctx.server, "org_solo");
    nockInstallationToken(installationId);
    nockRepo(MONA, "notes", 75004, { token: INSTALLATION_TOKEN });

    const [flash] = await submitAndFollow(admin, PROJECTS, { name: "notes" });
    expect(flash).toMatchObject({
      kind: "success",
      links: [{ text: "mona/notes", href: "https://github.com/mona/notes" }],
    });
    expect(await storedRepos("org_solo")).toEqual([
      {
        organizationId: "org_solo",
        slug: "notes",
        name: "notes",
        githubRepoId: 75004,
        fullName: "mona/notes",
        accessible: true,
      },
    ]);
  });

  test("the form says so before anyone tries", async () => {
    await connect("org_solo", { account: MONA });
    const admin = await signInAdmin(ctx.server, "org_solo");
    expect(pageText((await admin.get(SETTINGS)).body)).toContain(
      "mona is a personal account, where GitHub lets no App create repositories. Create the repository on GitHub, add it to GitHub Connect's repositories (Manage on GitHub), then enter its name here to adopt it. Or connect a GitHub organization instead.",
    );
  });
});

describe("names follow GitHub's rules, checked before any call", () => {
  test.each([
    ["", "Enter a name for the project."],
    ["   ", "Enter a name for the project."],
    [
      "a".repeat(101),
      `“${"a".repeat(100)}” cannot be a GitHub repository name: a repository name is at most 100 characters, and this one has 101. Nothing was created.`,
    ],
    [
      ".",
      '“.” cannot be a GitHub repository name: GitHub reserves "." and ".." and does not allow them as repository names. Nothing was created.',
    ],
    [
      "..",
      '“..” cannot be a GitHub repository name: GitHub reserves "." and ".." and does not allow them as repository names. Nothing was created.',
    ],
    [
      "my repo",
      "“my repo” cannot be a GitHub repository name: a repository name may contain only letters (A–Z, a–z), digits, hyphens (-), underscores (_) and periods (.), and this one contains a space. Nothing was created.",
    ],
    [
      "docs/site",
      '“docs/site” cannot be a GitHub repository name: a repository name may contain only letters (A–Z, a–z), digits, hyphens (-), underscores (_) and periods (.), and this one contains "/". Nothing was created.',
    ],
    [
      "café",
      '“café” cannot be a GitHub repository name: a repository name may contain only letters (A–Z, a–z), digits, hyphens (-), underscores (_) and periods (.), and this one contains "é". Nothing was created.',
    ],
  ])("%j is refused with the rule it breaks", async (name, message) => {
    await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    const before = await domainSnapshot(ctx.server.models);
    // No GitHub call is set up: any would fail the test (nock refuses the network).
    expect(await submitAndFollow(admin, PROJECTS, { name })).toEqual([{ kind: "error", text: message, links: [] }]);
    await expectNothingChanged(ctx.server.models, before);
  });

  test("no name field at all is an empty name", async () => {
    await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    expect(await submitAndFollow(admin, PROJECTS, {})).toEqual([
      { kind: "error", text: "Enter a name for the project.", links: [] },
    ]);
  });
});

describe("the connection must be live", () => {
  test.each([
    [
      "not connected",
      null,
      "GitHub is not connected. Connect GitHub first: projects are created in the GitHub account your organization connects. Nothing was created.",
    ],
    [
      "suspended",
      { suspendedAt: new Date("2026-11-20T10:00:00Z") },
      "GitHub Connect is suspended on acme-corp, so it cannot create repositories there. An owner of acme-corp can unsuspend it (Manage on GitHub, below). Nothing was created.",
    ],
    [
      "deleted",
      { deletedAt: new Date("2026-11-22T10:00:00Z") },
      "GitHub Connect was uninstalled from acme-corp. Reconnect GitHub to create projects. Nothing was created.",
    ],
  ] as const)("%s: a clear message, no GitHub call, nothing written", async (_state, spec, message) => {
    if (spec) await connect("org_acme", spec);
    const admin = await signInAdmin(ctx.server, "org_acme");
    const before = await domainSnapshot(ctx.server.models);
    expect(await submitAndFollow(admin, PROJECTS, { name: "developer-guide" })).toEqual([
      { kind: "error", text: message, links: [] },
    ]);
    await expectNothingChanged(ctx.server.models, before);
  });
});

describe("GitHub refuses", () => {
  test("403 (no Administration write): says which permission, links to the installation; nothing written", async () => {
    const installationId = await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    nockCreateOrgRepo(ACME, "developer-guide", "forbidden");
    const before = await domainSnapshot(ctx.server.models);
    expect(await submitAndFollow(admin, PROJECTS, { name: "developer-guide" })).toEqual([
      {
        kind: "error",
        text: "GitHub did not let GitHub Connect create repositories in acme-corp: the App needs the Administration (read and write) permission there. An owner of acme-corp can review the App's permissions on GitHub. developer-guide was not created. Manage on GitHub",
        links: [
          {
            text: "Manage on GitHub",
            href: `https://github.com/organizations/acme-corp/settings/installations/${installationId}`,
          },
        ],
      },
    ]);
    await expectNothingChanged(ctx.server.models, before);
  });

  test("500: try again; nothing written", async () => {
    const installationId = await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    nockCreateOrgRepo(ACME, "developer-guide", "server-error");
    const before = await domainSnapshot(ctx.server.models);
    expect(await submitAndFollow(admin, PROJECTS, { name: "developer-guide" })).toEqual([
      {
        kind: "error",
        text: "GitHub did not create developer-guide (HTTP 500). developer-guide was not created. Try again in a minute.",
        links: [],
      },
    ]);
    await expectNothingChanged(ctx.server.models, before);
  });
});

describe("who may", () => {
  test("a member sees no form and gets 403 for both actions; nothing written", async () => {
    await connect("org_acme");
    const member = await signInMember(ctx.server, "org_acme");
    const page = mainOf((await member.get(SETTINGS)).body);
    expect(page).not.toContain(PROJECTS);
    expect(pageText(page)).not.toContain("New project");
    const before = await domainSnapshot(ctx.server.models);
    for (const path of [PROJECTS, DEFAULT_PROJECTS]) {
      const answer = await member.postForm(path, { name: "developer-guide" });
      expect(answer.status, path).toBe(403);
      expect(pageText(answer.body)).toContain(
        "Only organization admins can create projects. Ask an admin of your organization.",
      );
    }
    await expectNothingChanged(ctx.server.models, before);
  });

  test("an admin of a connected organization sees the form, with GitHub's name rules; no defaults button when DEFAULT_REPOS is unset", async () => {
    await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    const page = (await admin.get(SETTINGS)).body;
    expect(page).toContain('<form class="stack-form" method="post" action="/workspace/projects">');
    expect(page).toContain('name="name" type="text" required maxlength="100"');
    expect(pageText(page)).toContain("New project Creates a private repository in acme-corp on GitHub");
    expect(pageText(page)).toContain(
      "Letters, digits, hyphens (-), underscores (_) and periods (.); at most 100 characters.",
    );
    expect(page).not.toContain(DEFAULT_PROJECTS);
  });

  test("no form while GitHub is not connected", async () => {
    const admin = await signInAdmin(ctx.server, "org_acme");
    expect((await admin.get(SETTINGS)).body).not.toContain(`action="${PROJECTS}"`);
  });

  test("without the form's CSRF token: 403, nothing written", async () => {
    await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    const before = await domainSnapshot(ctx.server.models);
    for (const csrf of [false, "not-the-token"] as const) {
      const answer = await admin.postForm(PROJECTS, { name: "developer-guide" }, { csrf });
      expect(answer.status).toBe(403);
      expect(pageText(answer.body)).toContain("This form has expired");
    }
    await expectNothingChanged(ctx.server.models, before);
  });

  test("the defaults action with no DEFAULT_REPOS configured creates nothing", async () => {
    await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    const before = await domainSnapshot(ctx.server.models);
    expect(await submitAndFollow(admin, DEFAULT_PROJECTS)).toEqual([
      { kind: "info", text: "This deployment has no default repositories. Nothing was created.", links: [] },
    ]);
    await expectNothingChanged(ctx.server.models, before);
  });
});

describe("the plan's repo limit under concurrent creations (rule 10)", () => {
  test("twenty creations at once on the Free plan (3 repos) create exactly 3; the others are refused with the plan's reason", async () => {
    const installationId = await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    let nextId = 75100;
    // Exactly three POSTs may reach GitHub: a fourth matches nothing and fails the creation loudly.
    const created = nock(GITHUB_API)
      .post("/orgs/acme-corp/repos")
      .times(3)
      .reply(201, (_uri, body) =>
        documentedBody(
          "POST /orgs/{org}/repos",
          201,
          createdRepositoryJson({ id: nextId++, name: String((body as { name: string }).name) }),
        ),
      );

    const names = Array.from({ length: 20 }, (_, i) => `project-${i + 1}`);
    const flashes = await Promise.all(names.map((name) => submitAndFollow(admin, PROJECTS, { name })));

    expect(created.isDone()).toBe(true);
    const kinds = flashes.map((shown) => shown.map((flash) => flash.kind).join());
    expect(kinds.filter((kind) => kind === "success")).toHaveLength(3);
    const refusals = flashes.flat().filter((flash) => flash.kind !== "success");
    expect(refusals).toHaveLength(17);
    for (const refusal of refusals)
      expect(refusal.text).toContain("The Free plan allows 3 repos and your organization has 3.");
    const stored = await storedRepos("org_acme");
    expect(stored).toHaveLength(3);
    expect(stored.every((repo) => typeof repo.githubRepoId === "number" && repo.accessible)).toBe(true);
    expect(pageText((await admin.get(SETTINGS)).body)).toContain("3 of 3 repos");
  });

  test("a creation GitHub refuses gives its place back: the next one may use it", async () => {
    const installationId = await connect("org_acme");
    const admin = await signInAdmin(ctx.server, "org_acme");
    nockInstallationToken(installationId);
    nockCreateOrgRepo(ACME, "refused", "server-error");
    await submitAndFollow(admin, PROJECTS, { name: "refused" });
    expect(await storedRepos("org_acme")).toEqual([]);
  });
});

test("flashesIn reads what the page shows", () => {
  expect(
    flashesIn(
      '<div class="flash flash-error" role="alert">No. <a href="https://x.example/a?b=1&amp;c=2">there</a></div>',
    ),
  ).toEqual([{ kind: "error", text: "No. there", links: [{ text: "there", href: "https://x.example/a?b=1&c=2" }] }]);
});
