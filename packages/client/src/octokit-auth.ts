import type { IssuedToken } from "./types.js";

export interface ConnectAuthOptions {
  /** The token to send now: from the client's cache, or a new one when it is near expiry. */
  token: () => Promise<IssuedToken>;
  /** GitHub refused `token` (401): forget it so the retry gets a new one. */
  refused: (token: string) => void;
}

interface Request {
  (options: unknown): Promise<unknown>;
  endpoint: { merge(route: unknown, parameters?: unknown): { headers: Record<string, string> } };
}

/**
 * An Octokit auth strategy that asks GitHub Connect for each request's token (cached by the
 * client), and on GitHub's 401 drops that token and tries once more with a new one.
 */
export function createConnectAuth(options: ConnectAuthOptions) {
  const auth = async () => {
    const issued = await options.token();
    return { type: "token" as const, tokenType: issued.source, token: issued.token };
  };
  const send = async (request: Request, route: unknown, parameters: unknown) => {
    const { token } = await auth();
    const endpoint = request.endpoint.merge(route, parameters);
    endpoint.headers.authorization = `token ${token}`;
    return { token, answer: request(endpoint) };
  };
  const hook = async (request: Request, route: unknown, parameters?: unknown) => {
    const first = await send(request, route, parameters);
    try {
      return await first.answer;
    } catch (error) {
      if ((error as { status?: unknown }).status !== 401) throw error;
      options.refused(first.token);
      return (await send(request, route, parameters)).answer;
    }
  };
  return Object.assign(auth, { hook });
}
