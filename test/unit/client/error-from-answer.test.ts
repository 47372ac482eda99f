import { describe, expect, test } from "vitest";
import { errorFromAnswer, GitHubConnectError, type TooManyAttemptsError } from "../../../packages/client/src/index.js";

describe("errorFromAnswer: a refusal's body as the client's error", () => {
  test.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "a code named like an object's own property (%s) is a plain GitHubConnectError with that code",
    (code) => {
      const error = errorFromAnswer(400, { error: code, message: "refused" }, new Headers());
      expect(error.constructor).toBe(GitHubConnectError);
      expect({ code: error.code, status: error.status, message: error.message }).toEqual({
        code,
        status: 400,
        message: "refused",
      });
    },
  );

  test("too_many_attempts carries Retry-After in seconds, and null for none or a bad one", () => {
    const retry = (value?: string) =>
      (
        errorFromAnswer(
          429,
          { error: "too_many_attempts", message: "wait" },
          new Headers(value === undefined ? {} : { "retry-after": value }),
        ) as TooManyAttemptsError
      ).retryAfterSeconds;
    expect([retry("42"), retry(), retry("soon"), retry("0")]).toEqual([42, null, null, null]);
  });
});
