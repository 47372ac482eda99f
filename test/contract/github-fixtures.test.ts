import { readdirSync } from "node:fs";
import nock from "nock";
import { describe, expect, test } from "vitest";
import {
  checkResponse,
  DESCRIPTION_ERRATA,
  operationResponses,
  responseExample,
} from "../helpers/contract/openapi-responses.js";
import { manifestConversionJson, nockGetApp, nockManifestConversion } from "../helpers/github/apps.js";
import { ACME, GITHUB_FIXTURES, githubFixture, type GitHubFixture, type Json } from "../helpers/github/fixtures.js";
import {
  deliveryAttemptJson,
  nockHookDeliveries,
  nockHookDeliveriesFailing,
  nockRedeliver,
} from "../helpers/github/hook-deliveries.js";
import {
  nockInstallationToken,
  nockInstallationTokenRefused,
  nockScopedInstallationToken,
  scopedTokenJson,
  type TokenRefusal,
} from "../helpers/github/installation-tokens.js";
import {
  installationJson,
  nockAppInstallations,
  nockDeleteInstallation,
  nockGetInstallation,
  nockGetInstallationMissing,
  nockInstallationRepositories,
  nockUserInstallations,
  type InstallationSpec,
} from "../helpers/github/installations.js";
import {
  listingPlanJson,
  marketplaceAccountJson,
  nockMarketplaceAccount,
  nockMarketplacePlanAccounts,
  nockMarketplacePlans,
  nockMarketplacePlansFailing,
  type MarketplacePurchaseSpec,
} from "../helpers/github/marketplace.js";
import {
  createdRepositoryJson,
  fullRepositoryJson,
  nockCreateOrgRepo,
  nockOrgRepos,
  nockOwnRepos,
  nockRepo,
  nockUserRepos,
  repositoryJson,
} from "../helpers/github/repos.js";
import { nockAccount, nockGitHubUser } from "../helpers/github/users.js";
import { LISTING } from "../helpers/marketplace.js";

/*
 * Every REST body the tests serve matches GitHub's published description (@octokit/openapi):
 * the fixture files, and what the nock helpers build from them. The helpers also check their
 * bodies when a test defines them (documentedBody), so this file proves their defaults and
 * notable options, and that a body cut short is caught.
 */

type FixtureContract = { operation: string; status: number } | { outsideDescription: string };

/** Which operation and status each fixture file answers; a file missing here fails the listing test. */
const FIXTURE_CONTRACT: Record<GitHubFixture, FixtureContract> = {
  app: { operation: "GET /app", status: 200 },
  "app-installation": { operation: "GET /app/installations/{installation_id}", status: 200 },
  "app-manifest-conversion": { operation: "POST /app-manifests/{code}/conversions", status: 201 },
  "hook-deliveries": { operation: "GET /app/hook/deliveries", status: 200 },
  "installation-access-token": { operation: "POST /app/installations/{installation_id}/access_tokens", status: 201 },
  "installation-access-token-permissions-refused": {
    operation: "POST /app/installations/{installation_id}/access_tokens",
    status: 422,
  },
  "installation-access-token-repositories-refused": {
    operation: "POST /app/installations/{installation_id}/access_tokens",
    status: 422,
  },
  "installation-access-token-suspended": {
    operation: "POST /app/installations/{installation_id}/access_tokens",
    status: 403,
  },
  "installation-repositories": { operation: "GET /installation/repositories", status: 200 },
  "marketplace-account": { operation: "GET /marketplace_listing/accounts/{account_id}", status: 200 },
  "marketplace-listing-plans": { operation: "GET /marketplace_listing/plans", status: 200 },
  "oauth-access-token": {
    outsideDescription: "POST github.com/login/oauth/access_token is the OAuth web flow, not the REST API",
  },
  "oauth-bad-verification-code": {
    outsideDescription: "POST github.com/login/oauth/access_token is the OAuth web flow, not the REST API",
  },
  repository: { operation: "GET /repos/{owner}/{repo}", status: 200 },
  "repository-create-forbidden": { operation: "POST /orgs/{org}/repos", status: 403 },
  "repository-create-name-exists": { operation: "POST /orgs/{org}/repos", status: 422 },
  "repository-created": { operation: "POST /orgs/{org}/repos", status: 201 },
  user: { operation: "GET /user", status: 200 },
  "user-installations": { operation: "GET /user/installations", status: 200 },
};

/** The errors `body` has against the operation's documented response; fails when the status is not documented at all. */
function contractErrors(
  operation: string,
  status: number,
  body: unknown,
  description?: "api.github.com" | "ghes-3.19",
): string[] {
  const result = checkResponse(operation, status, body, description);
  if (!result.checked) return [`${operation} documents no ${status}`];
  return result.errors;
}

/** Defines a helper's nocks (which check their bodies) and drops them: no request is made here. */
function defines(define: () => unknown): void {
  try {
    define();
  } finally {
    nock.cleanAll();
  }
}

describe("the fixture files", () => {
  test("the GitHubFixture names are exactly the files in test/fixtures/github/", () => {
    const files = readdirSync(new URL("../fixtures/github/", import.meta.url)).map((file) =>
      file.replace(/\.json$/, ""),
    );
    expect([...GITHUB_FIXTURES].sort()).toEqual(files.sort());
    expect(Object.keys(FIXTURE_CONTRACT).sort()).toEqual(files.sort());
  });

  test.each(GITHUB_FIXTURES.filter((name) => "operation" in FIXTURE_CONTRACT[name]))(
    "%s.json matches its operation's documented response",
    (name) => {
      const { operation, status } = FIXTURE_CONTRACT[name] as { operation: string; status: number };
      expect(contractErrors(operation, status, githubFixture(name))).toEqual([]);
    },
  );

  test("on GitHub Enterprise Server (GHE_HOST) the installation token and repository list match GHES 3.19's description", () => {
    const mint = "POST /app/installations/{installation_id}/access_tokens";
    expect(contractErrors(mint, 201, githubFixture("installation-access-token"), "ghes-3.19")).toEqual([]);
    expect(
      contractErrors("GET /installation/repositories", 200, githubFixture("installation-repositories"), "ghes-3.19"),
    ).toEqual([]);
  });
});

describe("a body cut short is refused, naming the field", () => {
  test("an installation without html_url", () => {
    const trimmed = githubFixture("app-installation");
    delete trimmed.html_url;
    expect(contractErrors("GET /app/installations/{installation_id}", 200, trimmed)).toContain(
      '(body): missing required field "html_url"',
    );
  });

  test("a repository list item whose owner lost its login", () => {
    const trimmed = githubFixture<{ repositories: Array<Json & { owner: Json }> }>("installation-repositories");
    delete trimmed.repositories[0]!.owner.login;
    expect(contractErrors("GET /installation/repositories", 200, trimmed)).toContain(
      '/repositories/0/owner: missing required field "login"',
    );
  });

  test("a helper refuses to define a nock with such a body", () => {
    expect(() => defines(() => nockGetApp({ slug: 42 }))).toThrow(
      /GET \/app 200: the body does not match[\s\S]*\/slug: must be string/,
    );
  });
});

const INSTALLATIONS: Array<[string, InstallationSpec]> = [
  ["an organization's", { id: 52001 }],
  ["a personal account's", { id: 52003, account: { id: 80001, login: "mona-admin", type: "User" } }],
  ["a suspended one", { id: 52005, suspendedAt: "2026-11-25T08:00:00Z" }],
  [
    "one with every repository, renamed dates",
    { id: 52006, repositorySelection: "all", createdAt: "2026-11-01T00:00:00Z", updatedAt: "2026-11-02T00:00:00Z" },
  ],
  [
    "one whose html_url is not GitHub's (the app builds the link itself)",
    { id: 52007, htmlUrl: "https://evil.example/settings/installations/52007" },
  ],
];

const PURCHASES: Array<[string, MarketplacePurchaseSpec]> = [
  ["free", { account: ACME, plan: LISTING.free }],
  [
    "per unit, yearly, with a pending change",
    {
      account: ACME,
      plan: LISTING.organization,
      unitCount: 3,
      billingCycle: "yearly",
      pendingChange: { plan: LISTING.team, effectiveDate: "2026-12-01T00:00:00Z" },
    },
  ],
  [
    "a user's free trial, no next billing date",
    {
      account: { id: 80001, login: "mona", type: "User" },
      plan: LISTING.starter,
      onFreeTrial: true,
      freeTrialEndsOn: "2026-12-10T00:00:00Z",
      nextBillingDate: null,
    },
  ],
];

describe("the bodies the helpers build", () => {
  test.each(INSTALLATIONS)("installationJson: %s", (_name, spec) => {
    expect(contractErrors("GET /app/installations/{installation_id}", 200, installationJson(spec))).toEqual([]);
    defines(() => {
      nockGetInstallation(spec);
      nockUserInstallations([[spec]]);
      nockAppInstallations([[spec], [{ id: 1 }]]);
    });
  });

  test("installation errors and lists", () => {
    defines(() => {
      nockGetInstallationMissing(404);
      nockDeleteInstallation(1);
      nockDeleteInstallation(1, 404);
      nockDeleteInstallation(1, 500);
      nockUserInstallations([]);
      nockAppInstallations([]);
    });
  });

  test("repositories: list items, one looked up, one created, and the refusals", () => {
    const owner = { id: 80001, login: "mona", type: "User" as const };
    expect(
      contractErrors("GET /installation/repositories", 200, {
        total_count: 1,
        repositories: [repositoryJson({ id: 1, name: "web", owner })],
      }),
    ).toEqual([]);
    expect(contractErrors("GET /repos/{owner}/{repo}", 200, fullRepositoryJson({ id: 1, name: "web", owner }))).toEqual(
      [],
    );
    expect(contractErrors("POST /orgs/{org}/repos", 201, createdRepositoryJson({ id: 2, name: "handbook" }))).toEqual(
      [],
    );
    defines(() => {
      nockInstallationRepositories([[{ id: 1, name: "web" }], [{ id: 2, name: "api", owner }]]);
      nockInstallationRepositories([]);
      nockOrgRepos("acme-corp", [[{ id: 1, name: "web" }]], { token: "t" });
      nockOwnRepos([[{ id: 1, name: "notes", owner }]], { token: "t" });
      nockUserRepos("mona", [[{ id: 1, name: "notes", owner }]], { token: "t" });
      nockRepo(ACME, "web", 70001, { token: "t" });
      nockRepo(owner, "notes", 70002, { token: "t" });
      nockRepo(ACME, "ghost", null, { token: "t" });
      nockCreateOrgRepo(ACME, "handbook", { id: 75001 });
      nockCreateOrgRepo(ACME, "handbook", {
        id: 75001,
        htmlUrl: "https://evil.example/acme-corp/handbook",
        fullName: "someone/else",
      });
      for (const refusal of ["name-taken", "forbidden", "server-error"] as const)
        nockCreateOrgRepo(ACME, "handbook", refusal);
    });
  });

  test("installation tokens: whole, narrowed, refused", () => {
    const narrowed = { repositoryIds: [3, 1], permissions: { contents: "read" as const, issues: "write" as const } };
    expect(
      contractErrors("POST /app/installations/{installation_id}/access_tokens", 201, scopedTokenJson(narrowed)),
    ).toEqual([]);
    defines(() => {
      nockInstallationToken(1);
      nockScopedInstallationToken(1);
      nockScopedInstallationToken(1, narrowed, { token: "ghs_other" });
      for (const refusal of [
        "permissions",
        "repositories",
        "suspended",
        "missing",
        "server-error",
      ] satisfies TokenRefusal[])
        nockInstallationTokenRefused(1, refusal);
    });
  });

  test("the App and its manifest conversion", () => {
    expect(contractErrors("POST /app-manifests/{code}/conversions", 201, manifestConversionJson())).toEqual([]);
    defines(() => {
      nockGetApp();
      nockGetApp({ name: "Acme Repos", slug: "acme-workspaces" });
      nockGetApp({ status: 401 });
      nockGetApp({ status: 500 });
      nockManifestConversion("code");
    });
  });

  test("users and accounts", () => {
    defines(() => {
      nockGitHubUser({ id: 80001, login: "mona" });
      nockAccount(ACME, { token: "t" });
      nockAccount({ id: 80001, login: "mona", type: "User" }, { token: "t" });
    });
  });

  test.each(Object.entries(LISTING))("listingPlanJson: the listing's %s plan", (_name, plan) => {
    expect(contractErrors("GET /marketplace_listing/plans", 200, [listingPlanJson(plan)])).toEqual([]);
  });

  test.each(PURCHASES)("marketplaceAccountJson: %s", (_name, spec) => {
    expect(contractErrors("GET /marketplace_listing/accounts/{account_id}", 200, marketplaceAccountJson(spec))).toEqual(
      [],
    );
    defines(() => {
      nockMarketplaceAccount(spec.account.id, spec);
      nockMarketplaceAccount(spec.account.id, spec, { stubbed: true });
      nockMarketplacePlanAccounts(spec.plan.id, [[spec]], { totalPages: 2 });
      nockMarketplacePlanAccounts(spec.plan.id, [[spec]], { stubbed: true });
    });
  });

  test("Marketplace lists and refusals", () => {
    defines(() => {
      nockMarketplacePlans([Object.values(LISTING)]);
      nockMarketplacePlans([[LISTING.free]], { stubbed: true });
      nockMarketplaceAccount(1, null);
      nockMarketplaceAccount(1, null, { stubbed: true });
      nockMarketplaceAccount(1, "server-error");
      nockMarketplacePlansFailing(404);
      nockMarketplacePlansFailing(500);
      nockMarketplacePlansFailing(404, { stubbed: true });
    });
  });

  test("the webhook delivery log and redeliveries", () => {
    const spec = {
      id: 1,
      guid: "0b989ba4-242f-11e5-81e1-c7b6966d2516",
      deliveredAt: "2026-11-24T11:00:00Z",
      statusCode: 0,
      action: null,
      installationId: null,
    };
    expect(
      contractErrors("GET /app/hook/deliveries", 200, [
        deliveryAttemptJson(spec),
        deliveryAttemptJson({ ...spec, id: 2, statusCode: 200, redelivery: true }),
      ]),
    ).toEqual([]);
    defines(() => {
      nockHookDeliveries([[spec], [{ ...spec, id: 2, statusCode: 502 }]], { lastPageHasNext: true, rateRemaining: 3 });
      nockHookDeliveries([]);
      nockRedeliver(1);
      nockRedeliver(1, 404);
      nockRedeliver(1, 422);
      nockRedeliver(1, 500);
      nockHookDeliveriesFailing();
    });
  });
});

/** Where GitHub's example is older than its schema (the fixtures add what the schema requires). */
const EXAMPLE_GAPS: Record<string, string[]> = {
  "POST /orgs/{org}/repos 201": ['(body): missing required field "has_discussions"'],
  "GET /repos/{owner}/{repo} 200": [
    '(body): missing required field "language"',
    '/source: missing required field "language"',
  ],
};

describe("the validator reads GitHub's description as GitHub means it", () => {
  test.each(Object.entries(DESCRIPTION_ERRATA))(
    "erratum %s is still needed: GitHub's own example fails the schema as published, and passes as corrected",
    (key, erratum) => {
      const [method, path, status] = key.split(" ") as [string, string, string];
      const operation = `${method} ${path}`;
      const example = responseExample(operation, Number(status));
      expect(
        checkResponse(operation, Number(status), example, "api.github.com", { asPublished: true }).errors,
        erratum.why,
      ).not.toEqual([]);
      expect(checkResponse(operation, Number(status), example).errors).toEqual([]);
    },
  );

  test.each(
    Object.values(FIXTURE_CONTRACT)
      .flatMap((contract) => ("operation" in contract ? [`${contract.operation} ${contract.status}`] : []))
      .filter((key, index, all) => all.indexOf(key) === index),
  )("GitHub's documented examples for %s pass", (key) => {
    const [method, path, status] = key.split(" ") as [string, string, string];
    const operation = `${method} ${path}`;
    const examples = operationResponses(operation)[status]?.examples ?? {};
    for (const [name, example] of Object.entries(examples))
      expect(checkResponse(operation, Number(status), example).errors, name).toEqual(EXAMPLE_GAPS[key] ?? []);
  });
});
