import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR_PAGES } from "../../../src/web/operator/operator-paths.js";
import { signInAs, type WebClient } from "../../helpers/auth.js";
import { nockGetApp, nockGetAppHookConfig } from "../../helpers/github/apps.js";
import { GITHUB_API, GITHUB_WEB } from "../../helpers/github/rest.js";
import { mainOf, pageText } from "../../helpers/github-connect.js";
import { signInOperator, startOperatorServer } from "../../helpers/operator.js";
import { useTestServer } from "../../helpers/use-test-server.js";

// The console's Doctor (docs/operator-console.md): the live App (GET /app, GET /app/hook/config,
// nocked with GitHub's shapes) held against app.yml and BASE_URL; the installations behind; the
// same notice on the organization's settings page, from the cached GET /app.
const text = (html: string) => pageText(mainOf(html));
const BASE_URL = "http://127.0.0.1:3000";
const WEBHOOK_URL = `${BASE_URL}/api/github/webhooks`;
/** The fixture App (test/fixtures/github/app.json) is owned by the organization acme-saas. */
const APP_SETTINGS = `${GITHUB_WEB}/organizations/acme-saas/settings/apps/github-connect-test`;
/** What the fixture App asks for: app.yml's three, and members: read. */
const LIVE_PERMISSIONS = { administration: "write", contents: "write", members: "read", metadata: "read" };

describe("the doctor", () => {
  const holder = useTestServer((connection) => startOperatorServer(connection), { emptyBetweenTests: true });
  let operator: WebClient;
  /** Requests to GitHub that no nock answered (loopback requests to the server pass through). */
  const unmatched: string[] = [];
  const githubHost = new URL(GITHUB_API).hostname;
  const onNoMatch = (request: { method?: string; path?: string; host?: string; hostname?: string }) => {
    if ((request.hostname ?? request.host ?? "").split(":")[0] === githubHost)
      unmatched.push(`${request.method} ${request.path}`);
  };

  beforeAll(async () => {
    // The header's App name: asked once by the first page and cached (with the permissions) for the file.
    const header = nockGetApp();
    operator = await signInOperator(holder.server);
    expect(header.isDone()).toBe(true);
    nock.emitter.on("no match", onNoMatch);
    return () => {
      nock.emitter.removeListener("no match", onNoMatch);
    };
  });
  afterEach(() => {
    const seen = unmatched.splice(0);
    nock.cleanAll();
    expect(seen).toEqual([]);
  });

  async function doctorWith(app: Parameters<typeof nockGetApp>[0], hook: Parameters<typeof nockGetAppHookConfig>[0]) {
    const scopes = [nockGetApp(app), nockGetAppHookConfig(hook)];
    const page = await operator.get(OPERATOR_PAGES.doctor);
    for (const scope of scopes) expect(scope.isDone()).toBe(true);
    expect(page.status).toBe(200);
    return page;
  }

  it("says so when the live App matches app.yml and BASE_URL", async () => {
    const page = await doctorWith({ external_url: BASE_URL }, { url: WEBHOOK_URL });
    const shown = text(page.body);
    expect(shown).toContain("Nothing to fix: the live App matches app.yml and BASE_URL.");
    expect(page.body).not.toContain('data-testid="doctor-problems"');
    expect(shown).toContain(
      "The App also asks for members: read, which app.yml does not: installations must grant it though nothing here uses it.",
    );
    expect(shown).toContain("GitHub does not report meta in GET /app (global events)");
    expect(shown).toContain(`Webhook URL ${WEBHOOK_URL} ${WEBHOOK_URL} matches`);
    expect(shown).toContain(`Callback URL ${BASE_URL}/github/callback not reported by GitHub check by hand`);
    expect(shown).toContain(`Setup URL ${BASE_URL}/github/setup not reported by GitHub check by hand`);
    expect(shown).toContain("Every installation has accepted the App's current permissions.");
  });

  it("names a permission the live App lacks or asks at a lower level, and an event it misses, with where to fix them", async () => {
    const page = await doctorWith(
      { external_url: BASE_URL, permissions: { administration: "read", metadata: "read" }, events: ["meta"] },
      { url: WEBHOOK_URL },
    );
    const shown = text(page.body);
    expect(shown).toContain("3 things to fix on the live App.");
    expect(shown).toContain(
      "The App asks for administration: read, app.yml needs administration: write. On GitHub, under Permissions & events, set Administration to “Read and write” and save.",
    );
    expect(shown).toContain("The App does not ask for contents (app.yml needs contents: write).");
    expect(shown).toContain(
      "The App is not subscribed to repository events (app.yml subscribes to it). On GitHub, under Permissions & events → Subscribe to events, tick “Repository” and save.",
    );
    expect(page.body).toContain(`href="${APP_SETTINGS}/permissions"`);
    expect(shown).toContain("Permission: administration write read differs");
    expect(shown).not.toContain("Nothing to fix");
  });

  it("names a webhook URL that points elsewhere, with the URL it should be", async () => {
    const page = await doctorWith(
      { external_url: BASE_URL },
      { url: "https://old-host.example.com/api/github/webhooks", insecure_ssl: "1" },
    );
    const shown = text(page.body);
    expect(shown).toContain("2 things to fix on the live App.");
    expect(shown).toContain(
      `GitHub sends the App's webhooks to https://old-host.example.com/api/github/webhooks, but this deployment receives them at ${WEBHOOK_URL}. On GitHub, under Webhook, set the Webhook URL to ${WEBHOOK_URL} and save.`,
    );
    expect(shown).toContain("GitHub does not verify this deployment's TLS certificate when it sends webhooks.");
    expect(page.body).toContain(`href="${APP_SETTINGS}"`);
    expect(shown).toContain(`Webhook URL ${WEBHOOK_URL} https://old-host.example.com/api/github/webhooks differs`);
  });

  it("lists the installations that have not accepted the App's current permissions, with the link to accept", async () => {
    const { GitHubInstallation } = holder.server.models;
    const installation = (installationId: number, accountLogin: string, accountType: string, permissions: object) => ({
      installationId,
      accountId: installationId,
      accountLogin,
      accountType,
      permissions,
      organizationId: accountType === "User" ? null : `org_${accountLogin.replace(/-/g, "_")}`,
    });
    await GitHubInstallation.create([
      installation(41000001, "acme-corp", "Organization", {
        administration: "write",
        contents: "write",
        metadata: "read",
      }),
      installation(41000002, "octocat", "User", { ...LIVE_PERMISSIONS, contents: "read" }),
      installation(41000003, "up-to-date", "Organization", { ...LIVE_PERMISSIONS, administration: "admin" }),
      { ...installation(41000004, "gone", "Organization", {}), deletedAt: new Date("2026-11-01T00:00:00Z") },
    ]);
    const page = await doctorWith({ external_url: BASE_URL }, { url: WEBHOOK_URL });
    const shown = text(page.body);
    expect(shown).toContain("2 installations have not accepted the App's current permissions.");
    expect(shown).toContain(
      "41000001 acme-corp (Organization) org_acme_corp members: read (not granted) Installation settings",
    );
    expect(shown).toContain("41000002 octocat (User) unclaimed contents: write (has read) Installation settings");
    expect(page.body).toContain(`href="${GITHUB_WEB}/organizations/acme-corp/settings/installations/41000001"`);
    expect(page.body).toContain(`href="${GITHUB_WEB}/settings/installations/41000002"`);
    expect(shown).not.toContain("up-to-date");
    expect(shown).not.toContain("gone");
  });

  it("pages the installations behind, 50 a page", async () => {
    await holder.server.models.GitHubInstallation.collection.insertMany(
      Array.from({ length: 51 }, (_, i) => ({
        installationId: 50000001 + i,
        accountId: 50000001 + i,
        accountLogin: `account-${i}`,
        accountType: "Organization",
        permissions: { metadata: "read" },
        organizationId: null,
        deletedAt: null,
      })),
    );
    const first = await doctorWith({ external_url: BASE_URL }, { url: WEBHOOK_URL });
    expect(text(first.body)).toContain("51 installations have not accepted");
    expect(text(first.body)).toContain("Showing 1–50 of 51 installations");
    expect(first.body.match(/Installation settings<\/a>/g)).toHaveLength(50);
    const scopes = [nockGetApp({ external_url: BASE_URL }), nockGetAppHookConfig({ url: WEBHOOK_URL })];
    const second = await operator.get(`${OPERATOR_PAGES.doctor}?page=2`);
    for (const scope of scopes) expect(scope.isDone()).toBe(true);
    expect(second.body.match(/Installation settings<\/a>/g)).toHaveLength(1);
    expect(text(second.body)).toContain("50000051 account-50");
  });

  it("says it could not ask GitHub when GitHub is down: 200, a message, no stack", async () => {
    const page = await doctorWith({ status: 500 }, { status: 500 });
    const shown = text(page.body);
    expect(shown).toContain("Could not ask GitHub about the App, so nothing was checked.");
    expect(shown).toMatch(/GitHub answered 500 to GET (\/api\/v3)?\/app;/);
    expect(page.body).not.toMatch(/at \w+ \(|node_modules|RequestError/);
    expect(page.body).not.toContain('data-testid="doctor-summary"');
  });

  it("checks the App when only the webhook configuration cannot be read, and says that part was not checked", async () => {
    const page = await doctorWith({ external_url: BASE_URL }, { status: 500 });
    const shown = text(page.body);
    expect(shown).toMatch(
      /Could not read the App's webhook configuration \(GET \/app\/hook\/config\), so the webhook URL was not checked\. GitHub answered 500 to GET (\/api\/v3)?\/app\/hook\/config;/,
    );
    expect(shown).toContain("Nothing to fix in what GitHub answered.");
  });

  describe("the organization's settings page", () => {
    async function connectAcme(permissions: object) {
      await holder.server.models.GitHubInstallation.create({
        installationId: 41000001,
        accountId: 90001,
        accountLogin: "acme-corp",
        accountType: "Organization",
        permissions,
        organizationId: "org_acme",
        installedAt: new Date("2026-11-02T08:00:00Z"),
      });
    }

    it("shows its admins the permissions not yet accepted and the link to accept, from the cached GET /app (no call of its own)", async () => {
      await connectAcme({ administration: "write", contents: "read", metadata: "read" });
      const admin = await signInAs(holder.server.url, {
        role: "admin",
        organizationId: "org_acme",
        email: "a@acme.example",
      });
      // Would answer the page if it asked GitHub for the App: it must stay unused.
      const trap = nockGetApp({ permissions: {} });
      for (const _ of [1, 2]) {
        const page = await admin.get("/workspace/settings/repos");
        expect(page.status).toBe(200);
        const shown = text(page.body);
        expect(shown).toContain("asks for more than acme-corp has accepted.");
        expect(shown).toContain("contents: write (has read)");
        expect(shown).toContain("members: read (not granted)");
        expect(page.body).toContain(
          `href="${GITHUB_WEB}/organizations/acme-corp/settings/installations/41000001">Review and accept the permissions on GitHub`,
        );
      }
      expect(trap.isDone()).toBe(false);
    });

    it("shows members no notice, and admins none once the installation has accepted", async () => {
      await connectAcme({ administration: "write", contents: "read", metadata: "read" });
      const member = await signInAs(holder.server.url, {
        role: "member",
        organizationId: "org_acme",
        email: "m@acme.example",
      });
      expect((await member.get("/workspace/settings/repos")).body).not.toContain('data-testid="permissions-notice"');

      await holder.server.models.GitHubInstallation.collection.updateOne(
        { installationId: 41000001 },
        { $set: { permissions: LIVE_PERMISSIONS } },
      );
      const admin = await signInAs(holder.server.url, {
        role: "admin",
        organizationId: "org_acme",
        email: "a@acme.example",
      });
      const page = await admin.get("/workspace/settings/repos");
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('data-testid="permissions-notice"');
    });
  });
});
