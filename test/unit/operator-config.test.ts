import { describe, expect, it } from "vitest";
import { configErrorFor, testConfig, testEnv } from "../helpers/test-config.js";

describe("OPERATOR_EMAILS", () => {
  it("is nobody by default", () => {
    expect(testConfig().operatorEmails).toEqual([]);
  });

  it("lists each email once, lowercased, spaces around commas ignored", () => {
    expect(
      testConfig({ OPERATOR_EMAILS: " Ops@Connect.example ,ada@example.com,ops@connect.example" }).operatorEmails,
    ).toEqual(["ops@connect.example", "ada@example.com"]);
  });

  it.each([
    ["ops@connect.example,", 'OPERATOR_EMAILS entry 2 of 2 ("") is not an email address'],
    ["ops connect.example", 'OPERATOR_EMAILS entry 1 of 1 ("ops connect.example") is not an email address'],
    ["ops@localhost", 'OPERATOR_EMAILS entry 1 of 1 ("ops@localhost") is not an email address'],
  ])("refuses %j at start-up, naming the entry", (value, message) => {
    expect(configErrorFor(testEnv({ OPERATOR_EMAILS: value }))).toContain(message);
  });
});
