import { describe, expect, test } from "vitest";
import { DEFAULT_APP_NAME } from "../../src/github/app-profile.js";
import { activitySentence } from "../../src/web/activity/activity-sentence.js";

const event = (
  action: string,
  actor: string,
  details: Record<string, unknown> = {},
  actorName: string | null = null,
) => ({ action, actor, actorName, details });

describe("an audit event reads as a sentence", () => {
  test.each([
    [event("github.connected", "user:u1", { account: "acme" }, "ada@example.com"), "ada@example.com connected acme"],
    [event("github.connected", "user:u1", { account: "acme" }), "An admin of your organization connected acme"],
    [
      event("github.disconnected", "user:u1", { account: "acme", github: "uninstalled" }, "ada@example.com"),
      "ada@example.com disconnected acme",
    ],
    [
      event("github.disconnected", "user:u1", { account: "acme", github: "already-gone" }, "ada@example.com"),
      "ada@example.com disconnected acme (GitHub had already uninstalled it)",
    ],
    [
      event("github.install_requested", "user:u1", { githubLogin: "mona" }, "ada@example.com"),
      "ada@example.com asked an owner on GitHub to install GitHub Connect (as mona)",
    ],
    [event("installation.created", "github:octocat", { account: "acme" }), "octocat installed GitHub Connect on acme"],
    [
      event("installation.deleted", "github:octocat", { account: "acme" }),
      "octocat uninstalled GitHub Connect from acme on GitHub",
    ],
    [event("installation.suspended", "github:octocat"), "Suspended by octocat"],
    [event("installation.unsuspended", "github:octocat"), "Unsuspended by octocat"],
    [
      event("installation_repositories.removed", "github:acme", { added: 0, removed: 2 }),
      "acme removed 2 repositories on GitHub",
    ],
    [
      event("installation_repositories.added", "github:octocat", { added: 1, removed: 0 }),
      "octocat added 1 repository on GitHub",
    ],
    [
      event("installation_target.renamed", "github:octocat", { from: "acme", to: "acme-corp" }),
      "acme was renamed acme-corp",
    ],
    [event("marketplace_purchase.changed", "github:octocat", { plan: "Team" }), "Plan changed to Team by octocat"],
    [
      event("marketplace_purchase.purchased", "github:octocat", { plan: "Starter" }),
      "octocat bought the Starter plan on GitHub Marketplace",
    ],
    [event("marketplace_purchase.cancelled", "github:octocat", { plan: "Team" }), "octocat cancelled the Team plan"],
    [event("repo.created", "user:u1", { fullName: "acme/web" }, "ada@example.com"), "ada@example.com created acme/web"],
    [
      event("repo.adopted", "user:u1", { fullName: "mona/notes" }, "ada@example.com"),
      "ada@example.com added mona/notes as a project",
    ],
    [
      event("repo.imported", "script:migrate-legacy", { fullName: "acme-corp/web" }),
      "acme-corp/web was recorded from the personal token it used before",
    ],
    [
      event("repo.renamed", "github:octocat", { from: "acme/web", to: "acme/site" }),
      "octocat renamed acme/web to acme/site on GitHub",
    ],
    [
      event("repo.renamed", "reconcile", { from: "acme/web", to: "acme/site" }),
      "acme/web was renamed acme/site on GitHub",
    ],
    [
      event("repo.transferred", "github:octocat", { from: "acme/web", to: "mona/web" }),
      "octocat transferred acme/web to mona/web on GitHub",
    ],
    [event("repo.deleted", "github:octocat", { fullName: "acme/web" }), "octocat deleted acme/web on GitHub"],
    [event("repo.deleted", "reconcile", { fullName: "acme/web" }), "acme/web was deleted on GitHub"],
    [event("repo.archived", "github:octocat", { fullName: "acme/web" }), "octocat archived acme/web on GitHub"],
    [event("repo.unarchived", "github:octocat", { fullName: "acme/web" }), "octocat unarchived acme/web on GitHub"],
    [
      event("repo.recreated", "user:u1", { fullName: "acme/web" }, "ada@example.com"),
      "ada@example.com created acme/web again",
    ],
    [
      event(
        "github.connected",
        "operator:ops@connect.example",
        { account: "acme", via: "operator" },
        "ops@connect.example",
      ),
      "ops@connect.example, an operator, linked acme to this organization",
    ],
    [
      event(
        "operator.webhook_redelivery_requested",
        "operator:ops@connect.example",
        { deliveryId: "d-1", event: "installation", action: "created" },
        "ops@connect.example",
      ),
      "ops@connect.example, an operator, asked GitHub to send the installation.created webhook again",
    ],
    [event("marketplace.corrected", "system"), "The plan was brought up to date from GitHub Marketplace"],
    [event("something.new_here", "system"), "GitHub Connect: something new here"],
  ])("%o → %s", (input, sentence) => {
    expect(activitySentence(input, DEFAULT_APP_NAME)).toBe(sentence);
  });
});

describe("sentences name the App as GitHub does", () => {
  test.each([
    [event("installation.created", "github:octocat", { account: "acme" }), "octocat installed Acme Workspaces on acme"],
    [
      event("installation.deleted", "github:octocat", { account: "acme" }),
      "octocat uninstalled Acme Workspaces from acme on GitHub",
    ],
    [
      event("github.install_requested", "user:u1", {}, "ada@example.com"),
      "ada@example.com asked an owner on GitHub to install Acme Workspaces",
    ],
    [event("something.new_here", "system"), "Acme Workspaces: something new here"],
  ])("%o → %s", (input, sentence) => {
    expect(activitySentence(input, "Acme Workspaces")).toBe(sentence);
  });
});
