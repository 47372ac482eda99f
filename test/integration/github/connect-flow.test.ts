import { describe, expect, test } from "vitest";
import { WebClient } from "../../helpers/auth.js";
import { stored } from "../../helpers/documents.js";
import { TEST_CLIENT_ID } from "../../helpers/github/oauth.js";
import {
  arriveAtSetup,
  confirmSetup,
  connectThroughGitHub,
  domainSnapshot,
  expectNothingChanged,
  mainOf,
  pageText,
  pressConnect,
  SETTINGS,
  signInAdmin,
  startConnectServer,
  stateOf,
} from "../../helpers/github-connect.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import {
  nockGetInstallation,
  nockInstallationRepositories,
  nockUserInstallations,
} from "../../helpers/github/installations.js";
import { nockOAuthToken } from "../../helpers/github/oauth.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const ctx = useTestServer(startConnectServer);

describe("GET /github/connect", () => {
  test("sends an admin to the App's install page with a signed state bound to their org and user", async () => {
    const admin = await signInAdmin(ctx.server, "org_connect");
    const location = await pressConnect(admin);
    const url = new URL(location);
    expect(url.origin + url.pathname).toBe("https://github.com/apps/github-connect-test/installations/new");
    const [body] = stateOf(location).split(".");
    const claims = JSON.parse(Buffer.from(body!, "base64url").toString());
    expect(claims).toMatchObject({
      purpose: "install",
      organizationId: "org_connect",
      expiresAt: new Date("2026-11-24T12:10:00Z").getTime(),
    });
    expect(claims.userId).toMatch(/^dev_user_/);
  });

  test("a signed-out visitor is sent to sign in first", async () => {
    const response = await new WebClient(ctx.server.url).get("/github/connect");
    expect(response.status).toBe(303);
    expect(response.location).toBe("/auth/login?returnTo=%2Fgithub%2Fconnect");
  });
});

describe("the whole connect flow: connect → setup → OAuth → callback", () => {
  test("setup sends the admin through GitHub's OAuth with a fresh state for that installation", async () => {
    const admin = await signInAdmin(ctx.server, "org_setup");
    const installUrl = await pressConnect(admin);
    const setup = await arriveAtSetup(admin, {
      installation_id: "52001",
      setup_action: "install",
      state: stateOf(installUrl),
    });
    expect(setup.status).toBe(303);
    const authorize = new URL(setup.location!);
    expect(authorize.origin + authorize.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(authorize.searchParams.get("client_id")).toBe(TEST_CLIENT_ID);
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://127.0.0.1:3000/github/callback");
    const oauthState = stateOf(setup.location);
    expect(oauthState).not.toBe(stateOf(installUrl));
    expect(JSON.parse(Buffer.from(oauthState.split(".")[0]!, "base64url").toString())).toMatchObject({
      purpose: "oauth",
      installationId: 52001,
      intent: "link",
    });
    // Nothing is linked before the OAuth check.
    expect(await ctx.server.models.GitHubInstallation.countDocuments({ installationId: 52001 })).toBe(0);
  });

  test("after the OAuth check the installation is linked, audited, and the settings page shows it connected", async () => {
    const admin = await signInAdmin(ctx.server, "org_happy");
    const callback = await connectThroughGitHub(admin, {
      installation: { id: 52002, createdAt: "2026-11-20T09:30:00Z" },
    });
    expect(callback.status, callback.body).toBe(303);
    expect(callback.location).toBe(SETTINGS);

    const installation = await stored(ctx.server.models.GitHubInstallation, { installationId: 52002 });
    expect(installation).toMatchObject({
      organizationId: "org_happy",
      accountLogin: "acme-corp",
      accountId: 90001,
      accountType: "Organization",
      deletedAt: null,
    });
    expect(await stored(ctx.server.models.InstallationClaim, { installationId: 52002 })).toMatchObject({
      organizationId: "org_happy",
    });
    const audit = await stored(ctx.server.models.AuditEvent, {
      organizationId: "org_happy",
      action: "github.connected",
    });
    expect(audit).toMatchObject({ details: { installationId: 52002, account: "acme-corp", via: "oauth" } });
    expect(audit?.actor).toMatch(/^user:dev_user_/);

    const page = await admin.get(SETTINGS);
    expect(page.status).toBe(200);
    const text = pageText(page.body);
    expect(text).toContain("Connected to acme-corp on GitHub.");
    expect(text).toContain("Connection Connected acme-corp Organization Installed 20 November 2026");
    expect(page.body).toContain(
      'href="https://github.com/organizations/acme-corp/settings/installations/52002">Manage on GitHub</a>',
    );
    expect(page.body).toContain(
      '<a class="button button-danger" href="/github/disconnect" aria-describedby="disconnect-help">Disconnect…</a>',
    );
  });

  test("the user token and the OAuth code never reach the log", async () => {
    expect(ctx.server.logs.text()).not.toMatch(/ghu_|ghr_|ghs_|code-52002/);
  });

  test("a personal account is shown as one", async () => {
    const admin = await signInAdmin(ctx.server, "org_personal");
    const callback = await connectThroughGitHub(admin, {
      installation: {
        id: 52003,
        account: { id: 80001, login: "mona-admin", type: "User" },
        htmlUrl: "https://evil.example/settings/installations/52003",
      },
    });
    expect(callback.status, callback.body).toBe(303);
    const text = pageText((await admin.get(SETTINGS)).body);
    expect(text).toContain("Connected mona-admin Personal account");
    expect((await admin.get(SETTINGS)).body).toContain('href="https://github.com/settings/installations/52003"');
  });

  test("GitHub lists the user's installations over several pages: every page is read", async () => {
    const admin = await signInAdmin(ctx.server, "org_pages");
    const setup = await arriveAtSetup(admin, {
      installation_id: "52004",
      setup_action: "install",
      state: stateOf(await pressConnect(admin)),
    });
    nockOAuthToken({ code: "paged" });
    nockUserInstallations([[{ id: 1 }, { id: 2 }], [{ id: 3 }], [{ id: 52004 }]]);
    nockInstallationToken(52004);
    nockInstallationRepositories([[]]);
    const callback = await admin.get(
      `/github/callback?code=paged&state=${encodeURIComponent(stateOf(setup.location))}`,
    );
    expect(callback.status, callback.body).toBe(303);
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 52004 }))?.organizationId).toBe(
      "org_pages",
    );
  });
});

describe("installs that start on GitHub or the Marketplace (no state of ours)", () => {
  test("the admin goes through GitHub's OAuth first, is then asked to confirm on a page naming the account, and confirming links it", async () => {
    const admin = await signInAdmin(ctx.server, "org_marketplace");
    const before = await domainSnapshot(ctx.server.models);
    const { setup, page, submit } = await confirmSetup(admin, { id: 52005 });
    // Setup asked GitHub nothing: on to OAuth, to be shown the installation by the admin's own token.
    expect(setup.location).toMatch(/^https:\/\/github\.com\/login\/oauth\/authorize\?/);
    expect(JSON.parse(Buffer.from(stateOf(setup.location).split(".")[0]!, "base64url").toString())).toMatchObject({
      purpose: "oauth",
      intent: "confirm",
      installationId: 52005,
    });
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(pageText(mainOf(page.body))).toBe(
      "Connect acme-corp to your organization? GitHub Connect is installed on the GitHub organization acme-corp, and your GitHub account can see that installation. Connecting it lets your organization use it. " +
        "Continue only if you installed it just now, or know who did. Connect acme-corp Cancel",
    );
    expect(page.body).toMatch(
      /<form method="post" action="\/github\/setup\/confirm" class="actions">\s*<input type="hidden" name="_csrf" value="[^"]+">\s*<input type="hidden" name="state" value="[^"]+">/,
    );
    expect(page.body).toContain('<a class="button" href="/workspace/settings/repos">Cancel</a>');
    // Neither OAuth nor the page linked or wrote anything: that waits for the form.
    await expectNothingChanged(ctx.server.models, before);
    nockGetInstallation({ id: 52005 });
    nockInstallationToken(52005);
    nockInstallationRepositories([[]]);
    const confirmed = await submit();
    expect(confirmed.status, confirmed.body).toBe(303);
    expect(confirmed.location).toBe(SETTINGS);
    expect((await stored(ctx.server.models.GitHubInstallation, { installationId: 52005 }))?.organizationId).toBe(
      "org_marketplace",
    );
    expect(pageText(mainOf((await admin.get(SETTINGS)).body))).toContain("Connected to acme-corp on GitHub.");
  });

  test("a personal account is named as one on the confirmation", async () => {
    const admin = await signInAdmin(ctx.server, "org_person");
    const { page } = await confirmSetup(admin, {
      id: 52010,
      account: { id: 80002, login: "octo-person", type: "User" },
    });
    expect(pageText(mainOf(page.body))).toContain(
      "GitHub Connect is installed on the GitHub personal account octo-person, and your GitHub account can see that installation.",
    );
  });

  test("a link from another site links nothing: after OAuth it only shows the page, and the confirmation is a POST that needs this browser's CSRF token and state", async () => {
    const admin = await signInAdmin(ctx.server, "org_csrf_confirm");
    const before = await domainSnapshot(ctx.server.models);
    const { page } = await confirmSetup(admin, { id: 52011 });
    const state = /name="state" value="([^"]+)"/.exec(page.body)![1]!;
    for (const csrf of [false, "not-the-token"] as const) {
      const response = await admin.postForm("/github/setup/confirm", { state }, { csrf });
      expect(response.status).toBe(403);
      expect(pageText(response.body)).toContain("This form has expired");
    }
    // Without the state OAuth issued, or with one made up, the form is refused too.
    await admin.refreshCsrfToken(SETTINGS);
    const made: Record<string, string>[] = [{}, { state: "forged.state" }, { installation_id: "52011" }];
    for (const fields of made) {
      expect((await admin.postForm("/github/setup/confirm", fields)).status).toBe(400);
    }
    // A GET of the form's target is no way round it.
    expect((await admin.get("/github/setup/confirm?installation_id=52011")).status).toBe(404);
    await expectNothingChanged(ctx.server.models, before);
  });

  test("a visitor who is not signed in is sent to sign in and brought back to setup", async () => {
    const visitor = new WebClient(ctx.server.url);
    const setupPath = "/github/setup?installation_id=52006&setup_action=install";
    const first = await visitor.get(setupPath);
    expect(first.status).toBe(303);
    expect(first.location).toBe(`/auth/login?returnTo=${encodeURIComponent(setupPath)}`);
    await visitor.get(first.location!);
    const signedIn = await visitor.postForm("/auth/dev-login", {
      email: "owner@new.example",
      organizationId: "org_new",
      role: "admin",
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe(setupPath);
    // Back at setup, on to GitHub's OAuth, which names the account afterwards.
    const back = await visitor.get(signedIn.location!);
    expect(back.status).toBe(303);
    expect(back.location).toMatch(/^https:\/\/github\.com\/login\/oauth\/authorize\?/);
  });

  test("an admin whose org is already connected elsewhere is told so, and nothing changes", async () => {
    const admin = await signInAdmin(ctx.server, "org_busy");
    await connectThroughGitHub(admin, { installation: { id: 52007 } });
    const setup = await arriveAtSetup(admin, { installation_id: "52008", setup_action: "install" });
    expect(setup.status).toBe(409);
    expect(pageText(setup.body)).toContain("Your organization is already connected");
    expect(await ctx.server.models.GitHubInstallation.countDocuments({ installationId: 52008 })).toBe(0);
  });

  test("setup_action=update for the org's own installation refreshes what is reachable, without OAuth", async () => {
    const admin = await signInAdmin(ctx.server, "org_update");
    await connectThroughGitHub(admin, { installation: { id: 52009 } });
    await ctx.server.models.Repo.create({
      organizationId: "org_update",
      slug: "site",
      name: "site",
      githubRepoId: 72001,
      fullName: "acme-corp/site",
      accessible: false,
    });
    nockInstallationRepositories([[{ id: 72001, name: "site" }]]); // the token minted on connect is still cached
    const setup = await arriveAtSetup(admin, { installation_id: "52009", setup_action: "update" });
    expect(setup.status).toBe(303);
    expect(setup.location).toBe(SETTINGS);
    expect((await stored(ctx.server.models.Repo, { organizationId: "org_update" }))?.accessible).toBe(true);
    const text = pageText((await admin.get(SETTINGS)).body);
    expect(text).toContain("GitHub Connect's access on acme-corp was updated.");
    expect(text).toContain("Reachable again: site.");
  });
});
