import nock from "nock";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { signInAs, type WebClient } from "../../helpers/auth.js";
import { nockInstallationToken } from "../../helpers/github/installation-tokens.js";
import { nockInstallationRepositories, nockUserInstallations } from "../../helpers/github/installations.js";
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

  test("every installation id not theirs (unknown, another org's, removed, unlinked) takes one path: no GitHub call before OAuth, one page, one refusal after it", async () => {
    // 53030 is known (its webhook stored it) but linked to no one: a page must not name its account.
    await ctx.server.models.GitHubInstallation.create({
      installationId: 53030,
      accountId: 90030,
      accountLogin: "unlinked-corp",
      accountType: "Organization",
      organizationId: null,
    });
    const start = await domainSnapshot(ctx.server.models);
    const ids = { unknown: 53021, "another org's": 53000, removed: 53020, unlinked: 53030 };
    const gitHubCalls: string[] = [];
    // nock reports every request it does not answer, our own loopback server's included.
    const onRequest = (req: { method: string; host?: string; hostname?: string; path: string }) => {
      const host = req.hostname ?? req.host ?? "";
      if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) gitHubCalls.push(`${req.method} ${host}${req.path}`);
    };
    nock.emitter.on("no match", onRequest);
    const answers: Array<{
      id: number;
      prober: WebClient;
      label: string;
      status: number;
      text: string;
      location: string | null;
    }> = [];
    try {
      for (const [why, id] of Object.entries(ids)) {
        // One admin of org_prober per id, each within the setup throttle.
        const prober = await signInAdmin(ctx.server, "org_prober", `eve+${id}@prober.example`);
        // Without our state (a link from anywhere), with it (after pressing Connect), and the confirmation form posted directly.
        const bare = await arriveAtSetup(prober, { installation_id: String(id), setup_action: "install" });
        const withState = await arriveAtSetup(prober, {
          installation_id: String(id),
          setup_action: "install",
          state: stateOf(await pressConnect(prober)),
        });
        await prober.refreshCsrfToken("/workspace/settings/repos");
        const posted = await prober.postForm("/github/setup/confirm", { installation_id: String(id) });
        for (const [how, response] of [
          ["no state", bare],
          ["our state", withState],
          ["form", posted],
        ] as const) {
          // A page's words, or where a redirect leads (its state, one-use, aside).
          const to = response.location ? new URL(response.location) : null;
          to?.searchParams.delete("state");
          const text = to ? `→ ${to}` : pageText(mainOf(response.body)).replaceAll(String(id), "<id>");
          answers.push({
            id,
            prober,
            label: `${why}, ${how}`,
            status: response.status,
            text,
            location: response.location,
          });
        }
      }
      // Before OAuth, not one GitHub request for any of them (nothing answered, nothing asked).
      expect(gitHubCalls).toEqual([]);
    } finally {
      nock.emitter.removeListener("no match", onRequest);
    }
    for (const how of ["no state", "our state", "form"]) {
      const same = answers.filter((a) => a.label.endsWith(how));
      const distinct = [...new Set(same.map((a) => `${a.status} ${a.text}`))];
      expect(distinct, how).toEqual(distinct.slice(0, 1));
    }
    // With or without our state, on to GitHub's OAuth; the form, without a state OAuth issued, is refused.
    expect(answers.find((a) => a.label.endsWith("no state"))!.status).toBe(303);
    expect(answers.find((a) => a.label.endsWith("form"))!.status).toBe(400);
    // No page named an account.
    for (const login of ["acme-corp", "gone-corp", "unlinked-corp"])
      expect(
        answers.some((a) => a.text.includes(login)),
        login,
      ).toBe(false);

    // Each goes on to GitHub's OAuth, and there the same two requests refuse it the same way.
    const refusals = new Set<string>();
    for (const { id, prober, location, label } of answers.filter((a) =>
      a.location?.includes("/login/oauth/authorize"),
    )) {
      nockOAuthToken({ code: `eve-${label}` });
      nockUserInstallations([[{ id: 53999, account: { id: 667, login: "eve" } }]]);
      const response = await prober.get(
        `/github/callback?code=${encodeURIComponent(`eve-${label}`)}&state=${encodeURIComponent(stateOf(location))}`,
      );
      refusals.add(`${response.status} ${pageText(mainOf(response.body)).replaceAll(String(id), "<id>")}`);
    }
    expect(refusals.size).toBe(1);
    expect([...refusals][0]).toMatch(/^403 /);
    await expectNothingChanged(ctx.server.models, start);
  });

  test("/github/setup is throttled per admin and per organization (429 with Retry-After), before anything else is done", async () => {
    const setup = (client: Awaited<ReturnType<typeof signInAdmin>>) =>
      arriveAtSetup(client, { installation_id: "53040", setup_action: "install" });
    const first = await signInAdmin(ctx.server, "org_flood", "one@flood.example");
    for (let i = 0; i < 10; i++) expect((await setup(first)).status).toBe(303);
    const refused = await setup(first);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(pageText(mainOf(refused.body))).toContain("too many times");
    // The confirmation form counts too.
    await first.refreshCsrfToken("/workspace/settings/repos");
    expect((await first.postForm("/github/setup/confirm", { installation_id: "53040" })).status).toBe(429);
    // Another admin of the same organization has their own allowance, up to the organization's.
    const second = await signInAdmin(ctx.server, "org_flood", "two@flood.example");
    const third = await signInAdmin(ctx.server, "org_flood", "three@flood.example");
    for (let i = 0; i < 10; i++) expect((await setup(second)).status).toBe(303);
    for (let i = 0; i < 10; i++) expect((await setup(third)).status).toBe(303);
    const fourth = await signInAdmin(ctx.server, "org_flood", "four@flood.example");
    expect((await setup(fourth)).status).toBe(429);
    // Another organization is not held back by this one.
    expect((await setup(await signInAdmin(ctx.server, "org_calm", "one@calm.example"))).status).toBe(303);
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
    expect((await arriveAtSetup(admin, { installation_id: "53007", setup_action: "install", state })).status).toBe(303);
    const replay = await arriveAtSetup(admin, { installation_id: "53007", setup_action: "install", state });
    expect(replay.status).toBe(400);
    expect(pageText(replay.body)).toContain("This link was already used");
    await expectNothingChanged(ctx.server.models, before);
  });

  test("a replayed OAuth callback (same state and code) is refused (400) and links nothing twice", async () => {
    const admin = await signInAdmin(ctx.server, "org_replay2", "admin@replay2.example");
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
