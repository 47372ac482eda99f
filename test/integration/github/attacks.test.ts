import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { signInAs } from "../../helpers/auth.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import {
  nockGetInstallation,
  nockGetInstallationMissing,
  nockInstallationRepositories,
  nockUserInstallations,
} from "../../helpers/github/installations.js";
import { nockOAuthToken } from "../../helpers/github/oauth.js";
import {
  arriveAtSetup,
  connectThroughGitHub,
  domainSnapshot,
  expectNothingChanged,
  mainOf,
  pageText,
  pressConnect,
  signInAdmin,
  signInMember,
  startConnectServer,
  stateOf,
} from "../../helpers/github-connect.js";
import { useTestServer } from "../../helpers/use-test-server.js";

/*
 * The attacks issue 3 lists. Each one ends on a clear error page with a 4xx status and leaves
 * every installation, claim, repo, audit event and request exactly as it was.
 */

let before: Record<string, unknown[]>;
const ctx = useTestServer(startConnectServer);
beforeAll(async () => {
  // org_victim is connected to installation 53000; org_attacker has nothing.
  const victim = await signInAdmin(ctx.server, "org_victim", "admin@victim.example");
  const linked = await connectThroughGitHub(victim, { installation: { id: 53000 } });
  expect(linked.status).toBe(303);
  await ctx.server.models.Repo.create({
    organizationId: "org_victim",
    slug: "web",
    name: "web",
    githubRepoId: 73001,
    fullName: "acme-corp/web",
    accessible: true,
  });
  // 53020 was installed, linked to org_gone, then uninstalled.
  await ctx.server.models.GitHubInstallation.create({
    installationId: 53020,
    accountId: 90020,
    accountLogin: "gone-corp",
    accountType: "Organization",
    organizationId: "org_gone",
    deletedAt: new Date("2026-11-01T00:00:00Z"),
  });
});
beforeEach(async () => {
  ctx.server.setNow(new Date("2026-11-24T12:00:00Z"));
  before = await domainSnapshot(ctx.server.models);
});

/** An admin of org_attacker holding a valid OAuth state for `installationId`. */
async function attackerAtCallback(installationId: number) {
  const attacker = await signInAdmin(ctx.server, "org_attacker", "mallory@attacker.example");
  nockGetInstallation({ id: installationId }); // GitHub knows the id: setup lets the OAuth check decide
  const setup = await arriveAtSetup(attacker, {
    installation_id: String(installationId),
    setup_action: "install",
    state: stateOf(await pressConnect(attacker)),
  });
  expect(setup.status, setup.body).toBe(303);
  return { attacker, oauthState: stateOf(setup.location) };
}

describe("attacks on the connect flow", () => {
  test("a spoofed installation_id: the attacker's GitHub token does not list it, so it is not linked (403)", async () => {
    const { attacker, oauthState } = await attackerAtCallback(53999);
    nockOAuthToken({ code: "mallory-code" });
    nockUserInstallations([[{ id: 53998, account: { id: 666, login: "mallory" } }]]);
    const response = await attacker.get(`/github/callback?code=mallory-code&state=${encodeURIComponent(oauthState)}`);
    expect(response.status).toBe(403);
    expect(pageText(response.body)).toContain("You cannot see this installation on GitHub");
    // The way out leads back to the admin's own settings.
    expect(response.body).toContain('<a href="/workspace/settings/repos">Back to Settings</a>');
    await expectNothingChanged(ctx.server.models, before);
  });

  test("installation ids not theirs to claim (unknown, another org's, removed) get one refusal, before OAuth: ids cannot be probed", async () => {
    const attacker = await signInAdmin(ctx.server, "org_attacker", "mallory@attacker.example");
    const ids = { unknown: 53021, "another org's": 53000, removed: 53020 };
    const answers: Array<[string, number, string]> = [];
    for (const [why, id] of Object.entries(ids)) {
      // Without our state (a link from anywhere), with it (after pressing Connect), and the confirmation form posted directly.
      if (why === "unknown") nockGetInstallationMissing(id);
      const bare = await arriveAtSetup(attacker, { installation_id: String(id), setup_action: "install" });
      if (why === "unknown") nockGetInstallationMissing(id);
      const withState = await arriveAtSetup(attacker, {
        installation_id: String(id),
        setup_action: "install",
        state: stateOf(await pressConnect(attacker)),
      });
      if (why === "unknown") nockGetInstallationMissing(id);
      await attacker.refreshCsrfToken("/workspace/settings/repos");
      const posted = await attacker.postForm("/github/setup/confirm", { installation_id: String(id) });
      for (const [how, response] of [
        ["no state", bare],
        ["our state", withState],
        ["form", posted],
      ] as const) {
        answers.push([`${why}, ${how}`, response.status, pageText(mainOf(response.body))]);
      }
    }
    for (const [label, status, text] of answers) {
      expect(status, label).toBe(404);
      expect(text, label).toBe(
        "This installation cannot be connected GitHub Connect cannot connect this installation to your organization: it does not exist, was removed from GitHub, or is connected to another organization. Nothing was changed. To connect GitHub, go to Settings and press Connect GitHub. Back to Settings",
      );
    }
    // Nothing told the attacker whose 53000 is.
    expect(answers.some(([, , text]) => text.includes("acme-corp"))).toBe(false);
    await expectNothingChanged(ctx.server.models, before);
  });

  test("an installation linked to another org while the attacker was at GitHub: refused at the callback (409)", async () => {
    const { attacker, oauthState } = await attackerAtCallback(53002);
    // Meanwhile org_other links 53002.
    const other = await signInAdmin(ctx.server, "org_other", "admin@other.example");
    expect((await connectThroughGitHub(other, { installation: { id: 53002 } })).status).toBe(303);
    const snapshot = await domainSnapshot(ctx.server.models);
    nockOAuthToken({ code: "late" });
    nockUserInstallations([[{ id: 53002 }]]);
    const response = await attacker.get(`/github/callback?code=late&state=${encodeURIComponent(oauthState)}`);
    expect(response.status).toBe(409);
    expect(pageText(response.body)).toContain("Connected to another organization");
    await expectNothingChanged(ctx.server.models, snapshot);
  });

  test("another organization's state: refused at setup (403)", async () => {
    const someone = await signInAdmin(ctx.server, "org_someone", "someone@else.example");
    const foreignState = stateOf(await pressConnect(someone));
    const attacker = await signInAdmin(ctx.server, "org_attacker", "mallory@attacker.example");
    const response = await arriveAtSetup(attacker, {
      installation_id: "53003",
      setup_action: "install",
      state: foreignState,
    });
    expect(response.status).toBe(403);
    expect(pageText(response.body)).toContain("This link is for another organization");
    await expectNothingChanged(ctx.server.models, before);
  });

  test("another organization's OAuth state at the callback: refused (403) before any GitHub call", async () => {
    const { oauthState } = await attackerAtCallback(53004);
    const victim = await signInAdmin(ctx.server, "org_victim2", "admin@victim2.example");
    const response = await victim.get(`/github/callback?code=whatever&state=${encodeURIComponent(oauthState)}`);
    expect(response.status).toBe(403);
    expect(pageText(response.body)).toContain("This link is for another organization");
    await expectNothingChanged(ctx.server.models, before);
  });

  test("a state issued to another admin of the same organization: refused (403)", async () => {
    const first = await signInAdmin(ctx.server, "org_shared", "first@shared.example");
    const state = stateOf(await pressConnect(first));
    const second = await signInAdmin(ctx.server, "org_shared", "second@shared.example");
    const response = await arriveAtSetup(second, { installation_id: "53005", setup_action: "install", state });
    expect(response.status).toBe(403);
    expect(pageText(response.body)).toContain("This link was started by someone else");
    await expectNothingChanged(ctx.server.models, before);
  });

  test("the same user's state carried into another browser: refused (403)", async () => {
    const laptop = await signInAdmin(ctx.server, "org_two_browsers", "same@user.example");
    const state = stateOf(await pressConnect(laptop));
    const phone = await signInAdmin(ctx.server, "org_two_browsers", "same@user.example");
    const response = await arriveAtSetup(phone, { installation_id: "53006", setup_action: "install", state });
    expect(response.status).toBe(403);
    expect(pageText(response.body)).toContain("This link was started in another browser");
  });

  test("a replayed state: the second use is refused (400)", async () => {
    const admin = await signInAdmin(ctx.server, "org_replay", "admin@replay.example");
    const state = stateOf(await pressConnect(admin));
    nockGetInstallation({ id: 53007 });
    expect((await arriveAtSetup(admin, { installation_id: "53007", setup_action: "install", state })).status).toBe(303);
    const replay = await arriveAtSetup(admin, { installation_id: "53007", setup_action: "install", state });
    expect(replay.status).toBe(400);
    expect(pageText(replay.body)).toContain("This link was already used");
    await expectNothingChanged(ctx.server.models, before);
  });

  test("a replayed OAuth callback (same state and code) is refused (400) and links nothing twice", async () => {
    const admin = await signInAdmin(ctx.server, "org_replay2", "admin@replay2.example");
    nockGetInstallation({ id: 53008 });
    const setup = await arriveAtSetup(admin, {
      installation_id: "53008",
      setup_action: "install",
      state: stateOf(await pressConnect(admin)),
    });
    nockOAuthToken({ code: "once" });
    nockUserInstallations([[{ id: 53008 }]]);
    nockInstallationToken(53008);
    nockInstallationRepositories([[]]);
    const path = `/github/callback?code=once&state=${encodeURIComponent(stateOf(setup.location))}`;
    expect((await admin.get(path)).status).toBe(303);
    const snapshot = await domainSnapshot(ctx.server.models);
    const replay = await admin.get(path);
    expect(replay.status).toBe(400);
    expect(pageText(replay.body)).toContain("This link was already used");
    await expectNothingChanged(ctx.server.models, snapshot);
  });

  test("an expired state (older than 10 minutes): refused (400)", async () => {
    const admin = await signInAdmin(ctx.server, "org_slow", "admin@slow.example");
    const state = stateOf(await pressConnect(admin));
    ctx.server.setNow(new Date("2026-11-24T12:10:01Z"));
    const response = await arriveAtSetup(admin, { installation_id: "53009", setup_action: "install", state });
    expect(response.status).toBe(400);
    expect(pageText(response.body)).toContain("This link has expired");
    await expectNothingChanged(ctx.server.models, before);
  });

  test("a forged state: altered, invented, or of the wrong step, is refused (400)", async () => {
    const admin = await signInAdmin(ctx.server, "org_forge", "admin@forge.example");
    const state = stateOf(await pressConnect(admin));
    const [body, mac] = state.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(body, "base64url").toString());
    const altered = `${Buffer.from(JSON.stringify({ ...claims, expiresAt: claims.expiresAt + 86_400_000 })).toString("base64url")}.${mac}`;
    for (const forged of [altered, "invented", `${body}.AAAA`]) {
      const response = await arriveAtSetup(admin, { installation_id: "53010", setup_action: "install", state: forged });
      expect(response.status).toBe(400);
      expect(pageText(response.body)).toContain("This link is not valid");
    }
    // An install state presented at the OAuth callback (or an OAuth state altered to name another installation).
    const wrongStep = await admin.get(`/github/callback?code=x&state=${encodeURIComponent(state)}`);
    expect(wrongStep.status).toBe(400);
    nockGetInstallation({ id: 53010 });
    const setup = await arriveAtSetup(admin, { installation_id: "53010", setup_action: "install", state });
    const [oauthBody, oauthMac] = stateOf(setup.location).split(".") as [string, string];
    const oauthClaims = JSON.parse(Buffer.from(oauthBody, "base64url").toString());
    const retargeted = `${Buffer.from(JSON.stringify({ ...oauthClaims, installationId: 53000 })).toString("base64url")}.${oauthMac}`;
    const response = await admin.get(`/github/callback?code=x&state=${encodeURIComponent(retargeted)}`);
    expect(response.status).toBe(400);
    expect(pageText(response.body)).toContain("This link is not valid");
    const missing = await admin.get("/github/callback?code=x");
    expect(missing.status).toBe(400);
    await expectNothingChanged(ctx.server.models, before);
  });

  test("the admin declines on GitHub (error=access_denied): 403 and nothing changes", async () => {
    const { attacker, oauthState } = await attackerAtCallback(53011);
    const response = await attacker.get(
      `/github/callback?error=access_denied&error_description=The+user+has+denied+your+application+access.&error_uri=https%3A%2F%2Fdocs.github.com&state=${encodeURIComponent(oauthState)}`,
    );
    expect(response.status).toBe(403);
    expect(pageText(response.body)).toContain("GitHub authorization was not given");
    await expectNothingChanged(ctx.server.models, before);
  });

  test("a bad OAuth code (GitHub's 200 with bad_verification_code): 400 and nothing changes", async () => {
    const { attacker, oauthState } = await attackerAtCallback(53012);
    nockOAuthToken({ code: "guessed", result: "bad_verification_code" });
    const response = await attacker.get(`/github/callback?code=guessed&state=${encodeURIComponent(oauthState)}`);
    expect(response.status).toBe(400);
    expect(pageText(response.body)).toContain("GitHub did not accept the sign-in code");
    await expectNothingChanged(ctx.server.models, before);
  });
});

describe("members and other organizations cannot change anything", () => {
  test("a member gets 403 on every admin route of the flow", async () => {
    const member = await signInMember(ctx.server, "org_victim");
    for (const path of [
      "/github/connect",
      "/github/setup?installation_id=53000&setup_action=install",
      "/github/callback?code=x&state=y",
    ]) {
      const response = await member.get(path);
      expect(response.status, path).toBe(403);
      expect(pageText(response.body)).toContain("Only organization admins can");
    }
    await member.refreshCsrfToken("/workspace/settings/repos");
    const disconnect = await member.postForm("/github/disconnect");
    expect(disconnect.status).toBe(403);
    const confirm = await member.postForm("/github/setup/confirm", { installation_id: "53000" });
    expect(confirm.status).toBe(403);
    expect(pageText(confirm.body)).toContain("Only organization admins can");
    await expectNothingChanged(ctx.server.models, before);
  });

  test("a user with no organization gets 403", async () => {
    const loner = await signInAs(ctx.server.url, { role: "admin", organizationId: null, email: "loner@example.com" });
    expect((await loner.get("/github/connect")).status).toBe(403);
    expect((await loner.get("/workspace/settings/repos")).status).toBe(403);
  });

  test("disconnect without a CSRF token is refused (403) and GitHub is not called", async () => {
    const admin = await signInAdmin(ctx.server, "org_victim", "admin@victim.example");
    const noToken = await admin.postForm("/github/disconnect", {}, { csrf: false });
    expect(noToken.status).toBe(403);
    expect(pageText(noToken.body)).toContain("This form has expired");
    const wrongToken = await admin.postForm("/github/disconnect", {}, { csrf: "not-the-token" });
    expect(wrongToken.status).toBe(403);
    await expectNothingChanged(ctx.server.models, before);
  });

  test("a disconnect posted from another site (no cookies' CSRF token) is refused", async () => {
    const admin = await signInAdmin(ctx.server, "org_victim", "admin@victim.example");
    const response = await fetch(`${ctx.server.url}/github/disconnect`, {
      method: "POST",
      headers: {
        cookie: admin.cookie,
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://evil.example",
      },
      body: "",
      redirect: "manual",
    });
    expect(response.status).toBe(403);
    await expectNothingChanged(ctx.server.models, before);
  });
});
