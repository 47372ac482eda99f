import type { AuditEventDoc } from "../../models/audit-event.js";

type Details = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);
const repositories = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "repository" : "repositories"}`;

/** Who acted, as a person reads it: their email here, their GitHub login, or the App itself. */
function actorText(event: Pick<AuditEventDoc, "actor" | "actorName">, appName: string): string {
  if (event.actorName) return event.actorName;
  const [kind, ...rest] = event.actor.split(":");
  const name = rest.join(":");
  if (kind === "github") return name || "GitHub";
  if (kind === "user") return "An admin of your organization";
  return appName;
}

const repoName = (value: unknown) => text(value) ?? "a repository";

/**
 * A repo changed on GitHub: "octocat renamed acme/web to acme/site on GitHub" when a webhook named
 * who; "acme/web was renamed acme/site on GitHub" when the reconcile job found it.
 */
function onGitHub(
  event: Pick<AuditEventDoc, "actor" | "details">,
  who: string,
  active: string,
  passive: string,
  to: string | null = null,
): string {
  const tail = to ? ` ${to}` : "";
  if (event.actor.startsWith("github")) return `${who} ${active}${tail} on GitHub`;
  const details = (event.details ?? {}) as Details;
  return `${repoName(details.from ?? details.fullName)} ${passive}${tail} on GitHub`;
}

const PURCHASES: Record<string, (plan: string) => string> = {
  purchased: (plan) => `bought the ${plan} plan on GitHub Marketplace`,
  changed: (plan) => `changed the plan to ${plan}`,
  pending_change: (plan) => `scheduled a change to the ${plan} plan`,
  pending_change_cancelled: () => "cancelled the scheduled plan change",
  cancelled: (plan) => `cancelled the ${plan} plan`,
};

/**
 * One audit event as a sentence: "ada@example.com connected acme-corp", "octocat removed 2
 * repositories on GitHub". `appName`: the App as GitHub shows it, where a sentence names it.
 */
export function activitySentence(
  event: Pick<AuditEventDoc, "actor" | "actorName" | "action" | "details">,
  appName: string,
): string {
  const who = actorText(event, appName);
  const details = (event.details ?? {}) as Details;
  const account = text(details.account) ?? "the GitHub account";
  const [family, action = ""] = event.action.split(".");
  switch (event.action) {
    case "github.connected":
      // An operator linked it from the console (an installation no admin had connected).
      if (details.via === "operator") return `${who}, an operator, linked ${account} to this organization`;
      return `${who} connected ${account}`;
    case "github.disconnected":
      return details.github === "already-gone"
        ? `${who} disconnected ${account} (GitHub had already uninstalled it)`
        : `${who} disconnected ${account}`;
    case "github.install_requested":
      return `${who} asked an owner on GitHub to install ${appName}${text(details.githubLogin) ? ` (as ${text(details.githubLogin)})` : ""}`;
    case "installation.created":
      return `${who} installed ${appName} on ${account}`;
    case "installation.deleted":
      return `${who} uninstalled ${appName} from ${account} on GitHub`;
    case "installation.suspended":
      return `Suspended by ${who}`;
    case "installation.unsuspended":
      return `Unsuspended by ${who}`;
    case "installation_target.renamed":
      return `${text(details.from) ?? "The GitHub account"} was renamed ${text(details.to) ?? "on GitHub"}`;
    case "repo.created":
      return `${who} created ${text(details.fullName) ?? "a repository"}`;
    case "repo.adopted":
      return `${who} added ${text(details.fullName) ?? "a repository"} as a project`;
    case "repo.imported":
      return `${text(details.fullName) ?? "A repository"} was recorded from the personal token it used before`;
    case "repo.renamed":
      return onGitHub(event, who, `renamed ${repoName(details.from)} to`, `was renamed`, text(details.to));
    case "repo.transferred":
      return onGitHub(event, who, `transferred ${repoName(details.from)} to`, `was transferred to`, text(details.to));
    case "repo.deleted":
      return onGitHub(event, who, `deleted ${repoName(details.fullName)}`, "was deleted");
    case "repo.archived":
      return onGitHub(event, who, `archived ${repoName(details.fullName)}`, "was archived");
    case "repo.unarchived":
      return onGitHub(event, who, `unarchived ${repoName(details.fullName)}`, "was unarchived");
    case "repo.recreated":
      return `${who} created ${text(details.fullName) ?? "a repository"} again`;
    case "operator.webhook_redelivery_requested": {
      const webhook = [text(details.event), text(details.action)].filter(Boolean).join(".") || "a";
      return `${who}, an operator, asked GitHub to send the ${webhook} webhook again`;
    }
    case "marketplace.corrected":
      return "The plan was brought up to date from GitHub Marketplace";
    case "operator.event_delivery_retried":
      return `${who} (an operator) sent ${text(details.eventType) ? `the ${text(details.eventType)} event` : "an event"} to your services again`;
  }
  if (family === "installation_repositories") {
    const n = action === "added" ? count(details.added) : count(details.removed);
    return `${who} ${action === "added" ? "added" : "removed"} ${repositories(n)} on GitHub`;
  }
  if (family === "marketplace_purchase") {
    const plan = text(details.plan) ?? "a";
    const sentence = PURCHASES[action];
    if (sentence) return action === "changed" ? `Plan changed to ${plan} by ${who}` : `${who} ${sentence(plan)}`;
  }
  return `${who}: ${event.action.replace(/[._]/g, " ")}`;
}
