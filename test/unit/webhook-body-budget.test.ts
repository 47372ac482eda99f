import { expect, test } from "vitest";
import { WebhookBodyBudget } from "../../src/webhooks/body-budget.js";

test("requests share the budget: a reservation that does not fit is refused until another is released", () => {
  const budget = new WebhookBodyBudget(100);
  const first = budget.reserve(60)!;
  expect(first).not.toBeNull();
  expect(budget.reserve(41)).toBeNull();
  const second = budget.reserve(40)!;
  expect(budget.heldBytes).toBe(100);
  // Full: even a body of unknown length is refused before a byte is read.
  expect(budget.reserve(0)).toBeNull();
  first.release();
  first.release();
  expect(budget.heldBytes).toBe(40);
  second.release();
  expect(budget.heldBytes).toBe(0);
});

test("a body of unknown length grows its reservation as it streams, and stops where the budget ends", () => {
  const budget = new WebhookBodyBudget(100);
  const chunked = budget.reserve(0)!;
  expect(chunked.cover(30)).toBe(true);
  expect(chunked.cover(20)).toBe(true);
  expect(budget.heldBytes).toBe(30);
  const other = budget.reserve(50)!;
  expect(chunked.cover(51)).toBe(false);
  expect(chunked.cover(50)).toBe(true);
  chunked.release();
  other.release();
  expect(budget.heldBytes).toBe(0);
  expect(chunked.cover(60)).toBe(false);
});
