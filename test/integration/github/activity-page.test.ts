import { describe, expect, test } from "vitest";
import { WebClient } from "../../helpers/auth.js";
import { nockDeleteInstallation } from "../../helpers/github/installations.js";
import {
  connectThroughGitHub,
  mainOf,
  pageText,
  SETTINGS,
  signInAdmin,
  signInMember,
  startConnectServer,
} from "../../helpers/github-connect.js";
import { useTestServer } from "../../helpers/use-test-server.js";

const ctx = useTestServer(startConnectServer);
const ACTIVITY = "/workspace/settings/activity";

describe("GET /workspace/settings/activity", () => {
  test("connect and disconnect appear as sentences naming the admin by email, newest first; the settings page links here", async () => {
    const admin = await signInAdmin(ctx.server, "org_activity", "ada@example.com");
    expect((await connectThroughGitHub(admin, { installation: { id: 58801 } })).status).toBe(303);
    ctx.server.setNow(new Date("2026-11-24T13:00:00Z"));
    await admin.refreshCsrfToken(SETTINGS);
    nockDeleteInstallation(58801);
    expect((await admin.postForm("/github/disconnect")).status).toBe(303);

    const settings = await admin.get(SETTINGS);
    expect(settings.body).toContain(`<a href="${ACTIVITY}">Activity</a>`);
    const page = await admin.get(ACTIVITY);
    expect(page.status).toBe(200);
    expect(pageText(mainOf(page.body))).toBe(
      "GitHub Activity The GitHub connection's activity, newest first " +
        "ada@example.com disconnected acme-corp 24 November 2026, 13:00 UTC " +
        "ada@example.com connected acme-corp 24 November 2026, 12:00 UTC",
    );
  });

  test("20 events a page with Older and Newer links; another organization's events never show", async () => {
    const { AuditEvent } = ctx.server.models;
    await AuditEvent.create(
      Array.from({ length: 45 }, (_, i) => ({
        organizationId: "org_busy",
        actor: "github:octocat",
        action: "installation_repositories.added",
        details: { added: i + 1, removed: 0 },
        at: new Date(Date.UTC(2026, 10, 1, 0, i)),
      })),
    );
    await AuditEvent.create({
      organizationId: "org_other",
      actor: "github:mallory",
      action: "installation.suspended",
      details: {},
      at: new Date("2026-11-30T00:00:00Z"),
    });
    const member = await signInMember(ctx.server, "org_busy");
    const first = pageText(mainOf((await member.get(ACTIVITY)).body));
    expect(first).toContain("Showing 1–20 of 45 events");
    expect(first).toMatch(
      /^GitHub Activity The GitHub connection's activity, newest first Showing 1–20 of 45 events octocat added 45 repositories on GitHub/,
    );
    expect(first).toContain("Page 1 of 3 Older");
    expect(first).not.toContain("mallory");
    const last = await member.get(`${ACTIVITY}?page=3`);
    const lastText = pageText(mainOf(last.body));
    expect(lastText).toContain("Showing 41–45 of 45 events");
    expect(lastText).toContain("octocat added 1 repository on GitHub");
    expect(lastText).toContain("Newer Page 3 of 3");
    expect(last.body).toContain(`<a rel="prev" href="${ACTIVITY}?page=2">Newer</a>`);
    expect(last.body).not.toContain('rel="next"');
  });

  test("nothing yet: says what will appear", async () => {
    const admin = await signInAdmin(ctx.server, "org_quiet");
    expect(pageText(mainOf((await admin.get(ACTIVITY)).body))).toContain("Nothing has happened yet.");
  });

  test("a visitor who is not signed in is sent to sign in", async () => {
    const response = await new WebClient(ctx.server.url).get(ACTIVITY);
    expect(response.status).toBe(303);
    expect(response.location).toBe(`/auth/login?returnTo=${encodeURIComponent(ACTIVITY)}`);
  });
});
