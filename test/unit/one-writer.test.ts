import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";

/**
 * Design rule 11: each domain has one writer. A write to a domain's collections from anywhere
 * else (a handler, a page, the reconcile job, a script) would skip its staleness rule and its
 * activity entry, so this reads every source file and names any write outside the owner.
 */
const OWNERS: Record<string, RegExp> = {
  GitHubInstallation: /^src\/installations\//,
  InstallationClaim: /^src\/installations\//,
  Repo: /^src\/repos\//,
  MarketplaceAccount: /^src\/marketplace\/purchases\.ts$/,
  // The event log: recorded only through recordEvent, which numbers it (docs/events.md).
  Event: /^src\/events\/event-log\.ts$/,
  // Deliveries of the event log to EVENT_ENDPOINTS: created, claimed and settled by the dispatcher.
  EventDelivery: /^src\/events\/dispatcher\.ts$/,
  EventDeliveryClaim: /^src\/events\/dispatcher\.ts$/,
  EventScanCheckpoint: /^src\/events\/dispatcher\.ts$/,
};
const COLLECTIONS = Object.keys(OWNERS).join("|");
const WRITES =
  "create|insertMany|updateOne|updateMany|findOneAndUpdate|findOneAndDelete|replaceOne|deleteOne|deleteMany|bulkWrite";
const DIRECT_WRITE = new RegExp(`\\.(${COLLECTIONS})\\s*\\.\\s*(?:${WRITES})\\s*\\(`, "g");
const UPSERT_HELPER = new RegExp(`conditionalUpsert\\s*\\(\\s*(?:[\\w$]+\\s*\\.\\s*)*(${COLLECTIONS})\\b`, "g");

const root = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith(".ts") ? [relative] : [];
  });
}

/** Every write to an owned collection in `text`, as "collection at line N". */
function writesIn(text: string): Array<{ collection: string; line: number }> {
  const found: Array<{ collection: string; line: number }> = [];
  for (const pattern of [DIRECT_WRITE, UPSERT_HELPER]) {
    for (const match of text.matchAll(pattern)) {
      found.push({ collection: match[1] as string, line: text.slice(0, match.index).split("\n").length });
    }
  }
  return found;
}

describe("one writer per domain (rule 11)", () => {
  test("the scan finds the writes it looks for, however they are formatted", () => {
    const sample = [
      "await models.Repo.updateMany({}, {});",
      "await deps.models.MarketplaceAccount\n  .updateOne({}, {});",
      "await conditionalUpsert(\n  models.GitHubInstallation,\n  {},\n  {},\n);",
      "await models.Repo.find({});",
    ].join("\n");
    expect(writesIn(sample)).toEqual([
      { collection: "Repo", line: 1 },
      { collection: "MarketplaceAccount", line: 2 },
      { collection: "GitHubInstallation", line: 4 },
    ]);
  });

  test("installations, repos and Marketplace accounts are written only by their domain's modules", () => {
    const outside = sourceFiles("src")
      .concat(sourceFiles("scripts"))
      .flatMap((file) =>
        writesIn(readFileSync(path.join(root, file), "utf8"))
          .filter(({ collection }) => !OWNERS[collection]?.test(file))
          .map(({ collection, line }) => `${file}:${line} writes ${collection}`),
      );
    expect(outside).toEqual([]);
  });
});
