import { describe, expect, test } from "vitest";
import { createGitHubUrls } from "../../src/github/urls.js";
import { testConfig } from "../helpers/test-config.js";

const urls = (env: Record<string, string> = {}) => {
  const config = testConfig(env);
  return createGitHubUrls({ github: config.github, baseUrl: config.baseUrl });
};

describe("GitHub addresses of the connect flow", () => {
  test("the install link goes to the App's page on github.com and carries the state", () => {
    expect(urls().installUrl("a.b")).toBe("https://github.com/apps/github-connect-test/installations/new?state=a.b");
  });

  test("on GitHub Enterprise Server Apps live under /github-apps/", () => {
    const ghes = urls({ GHE_HOST: "ghes.example.com" });
    expect(ghes.installUrl("s")).toBe(
      "https://ghes.example.com/github-apps/github-connect-test/installations/new?state=s",
    );
    expect(ghes.authorizeUrl("s")).toMatch(/^https:\/\/ghes\.example\.com\/login\/oauth\/authorize\?/);
    expect(ghes.reconnectUrl({ accountId: 1, repositoryIds: [2], state: "s" })).toBe(
      "https://ghes.example.com/github-apps/github-connect-test/installations/new/permissions?suggested_target_id=1&repository_ids[]=2&state=s",
    );
  });

  test("the reconnect link pre-selects the account and every stored repository", () => {
    expect(urls().reconnectUrl({ accountId: 90001, repositoryIds: [70001, 70002], state: "x.y" })).toBe(
      "https://github.com/apps/github-connect-test/installations/new/permissions?suggested_target_id=90001&repository_ids[]=70001&repository_ids[]=70002&state=x.y",
    );
  });

  test("Manage on GitHub is the org or user settings page on the configured GitHub", () => {
    const u = urls();
    expect(u.manageUrl({ installationId: 5, accountLogin: "acme", accountType: "Organization" })).toBe(
      "https://github.com/organizations/acme/settings/installations/5",
    );
    expect(u.manageUrl({ installationId: 5, accountLogin: "mona", accountType: "User" })).toBe(
      "https://github.com/settings/installations/5",
    );
    expect(
      urls({ GHE_HOST: "ghes.example.com" }).manageUrl({
        installationId: 5,
        accountLogin: "a/../b",
        accountType: "Organization",
      }),
    ).toBe("https://ghes.example.com/organizations/a%2F..%2Fb/settings/installations/5");
  });

  test("an enterprise's account and Manage links are its /enterprises/ pages; GitHub's html_url is used only when it is this installation's settings page here", () => {
    const u = urls();
    const enterprise = { installationId: 57002, accountLogin: "octo-business", accountType: "Enterprise" };
    expect(u.accountUrl("octo-business", "Enterprise")).toBe("https://github.com/enterprises/octo-business");
    expect(u.manageUrl(enterprise)).toBe("https://github.com/enterprises/octo-business/settings/installations/57002");
    const given = "https://github.com/enterprises/octo-business/settings/installations/57002";
    expect(u.manageUrl({ ...enterprise, htmlUrl: given })).toBe(given);
    for (const htmlUrl of [
      "javascript:alert(1)",
      "https://evil.example/enterprises/octo-business/settings/installations/57002",
      "http://github.com/enterprises/octo-business/settings/installations/57002",
      "https://github.com/enterprises/octo-business/settings/installations/99",
      "https://github.com/enterprises/octo-business/settings/installations/57002?next=https://evil.example",
    ])
      expect(u.manageUrl({ ...enterprise, htmlUrl })).toBe(
        "https://github.com/enterprises/octo-business/settings/installations/57002",
      );
  });

  test("the OAuth authorize link names our client, our callback and the state", () => {
    const url = new URL(urls().authorizeUrl("st.ate"));
    expect(url.origin + url.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "Iv1.testclientid",
      redirect_uri: "http://127.0.0.1:3000/github/callback",
      state: "st.ate",
    });
  });
});
