import { parseChannelUrl } from "../config/webhook-proxy.js";

/** Long enough for smee.io on a slow line, short enough that an offline setup page still answers. */
const CREATE_TIMEOUT_MS = 8_000;

/** No channel could be created: smee unreachable (offline) or it answered without one. */
class SmeeChannelError extends Error {
  override name = "SmeeChannelError";
}

/**
 * A new smee channel, as Probot's setup creates one: `<smeeUrl>/new` answers with a redirect to a
 * fresh channel, which is read from Location without following it.
 */
export async function createSmeeChannel(smeeUrl: string, timeoutMs = CREATE_TIMEOUT_MS): Promise<string> {
  const newChannel = `${smeeUrl}/new`;
  let response: Response;
  try {
    response = await fetch(newChannel, { method: "HEAD", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    const why =
      (error as Error).name === "TimeoutError"
        ? `no answer within ${timeoutMs / 1000} s`
        : typeof cause === "string"
          ? cause
          : (error as Error).message;
    throw new SmeeChannelError(`${newChannel} could not be reached (${why})`);
  }
  const location = response.headers.get("location");
  if (response.status < 300 || response.status >= 400 || !location) {
    throw new SmeeChannelError(`${newChannel} answered ${response.status} without a channel`);
  }
  try {
    return parseChannelUrl("the channel smee created", new URL(location, newChannel).toString());
  } catch {
    throw new SmeeChannelError(`${newChannel} redirected to something that is not a channel`);
  }
}
