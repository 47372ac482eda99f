import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { FREE_LIMITS, PLAN_CATALOGUE, planAllowingMoreRepos, type CataloguePlan } from "../../src/marketplace/plans.js";

/** docs/marketplace-and-plans.md's plan table, one row per plan id. */
function readmePlanRows(): string[][] {
  const readme = readFileSync(new URL("../../docs/marketplace-and-plans.md", import.meta.url), "utf8");
  const section = readme;
  const table = section.slice(section.indexOf("| plan id |"));
  const lines = table.split("\n");
  return lines
    .slice(
      0,
      lines.findIndex((line) => !line.startsWith("|")),
    )
    .slice(2)
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

function row(id: string, name: string, plan: CataloguePlan): string[] {
  return [
    id,
    name,
    id === "—" ? "—" : plan.priceModel,
    plan.maxRepos === null ? "unlimited" : String(plan.maxRepos),
    plan.features.privateRepos ? "yes" : "no",
    plan.priceModel === "PER_UNIT" ? `${plan.seatsPerUnit} per unit` : "—",
  ];
}

describe("the plan catalogue", () => {
  test("the docs' plan table lists every plan with its limits, and the free default first", () => {
    const expected = [
      row("—", "Free (no purchase, or a cancelled one)", FREE_LIMITS),
      ...[...PLAN_CATALOGUE].map(([id, plan]) => row(String(id), plan.name, plan)),
    ];
    expect(readmePlanRows()).toEqual(expected);
  });

  test("the plan that allows more is the smallest step up from both the limit and what exists", () => {
    expect(planAllowingMoreRepos(3)?.name).toBe("Starter");
    expect(planAllowingMoreRepos(5)?.name).toBe("Team");
    expect(planAllowingMoreRepos(25)?.name).toBe("Organization");
    const limited = new Map([...PLAN_CATALOGUE].filter(([, plan]) => plan.maxRepos !== null));
    expect(planAllowingMoreRepos(25, limited)).toBeNull();
  });
});
