/** The errors an error wraps: @octokit/webhooks throws an iterable AggregateError; others use `errors` or `cause`. */
export function innerErrors(error: unknown): unknown[] {
  if (!error || typeof error !== "object") return [];
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  const wrapped = Symbol.iterator in error ? [...(error as Iterable<unknown>)] : Array.isArray(errors) ? errors : [];
  return cause === undefined ? wrapped : [...wrapped, cause];
}

/** An error's message, or the thrown value itself as text when it is not an Error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The HTTP status an error carries (Octokit's RequestError, our domain errors), if any. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** What a webhook failure is about: @octokit/webhooks wraps the handler's error in an AggregateError. */
export function firstError(error: unknown): { name: string; message: string; status: number | undefined } {
  const first = (innerErrors(error)[0] ?? error) as { name?: unknown; message?: unknown };
  return {
    name: typeof first.name === "string" ? first.name : "Error",
    message: typeof first.message === "string" ? first.message : String(first),
    status: statusOf(first),
  };
}
