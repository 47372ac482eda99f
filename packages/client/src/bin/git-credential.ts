#!/usr/bin/env node
/**
 * git's credential helper protocol (gitcredentials(7)) for an organization's installation token:
 *
 *   git config credential.https://github.com.helper '!github-connect-git-credential --organization org_…'
 *
 * with GITHUB_CONNECT_URL and GITHUB_CONNECT_SERVICE_TOKEN in the environment. git appends the
 * operation (get, store, erase) and writes key=value lines on stdin up to a blank line.
 */
import { GitHubConnect } from "../client.js";
import { GitHubConnectError } from "../errors.js";

const NAME = "github-connect-git-credential";

class Refusal extends Error {}

interface Invocation {
  organizationId: string;
  /** The hosts this helper answers for (host[:port], as git sends them). */
  hosts: string[];
  operation: string;
}

function parseArguments(argv: string[]): Invocation {
  let organizationId: string | undefined;
  const hosts: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    const [flag, inline] = argument.startsWith("--") ? argument.split(/=(.*)/s, 2) : [argument, undefined];
    if (flag === "--organization" || flag === "--host") {
      const value = inline ?? argv[++i];
      if (!value) throw new Refusal(`${flag} needs a value`);
      if (flag === "--organization") organizationId = value;
      else hosts.push(value.toLowerCase());
    } else if (argument.startsWith("--")) {
      throw new Refusal(`unknown option ${flag}: use --organization org_… [--host host]`);
    } else {
      positional.push(argument);
    }
  }
  if (!organizationId) throw new Refusal("--organization org_… is required");
  return { organizationId, hosts: hosts.length > 0 ? hosts : ["github.com"], operation: positional.at(-1) ?? "" };
}

/** key=value lines up to a blank line or the end of input. */
async function readCredentialRequest(): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  let buffered = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) {
    buffered += chunk;
    if (/(^|\n)\r?\n/.test(buffered)) break;
  }
  for (const line of buffered.split("\n")) {
    const trimmed = line.replace(/\r$/, "");
    if (trimmed === "") break;
    const equals = trimmed.indexOf("=");
    if (equals > 0) fields.set(trimmed.slice(0, equals), trimmed.slice(equals + 1));
  }
  return fields;
}

function environment(name: string): string {
  const value = process.env[name];
  if (!value) throw new Refusal(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const invocation = parseArguments(process.argv.slice(2));
  const request = await readCredentialRequest();
  // store and erase: the token lives in GitHub Connect, nothing to keep or forget here.
  if (invocation.operation !== "get") return;
  const host = request.get("host")?.toLowerCase();
  // Another host's credentials are another helper's business: say nothing, and git asks the next one.
  if (!host || !invocation.hosts.includes(host)) return;
  const client = new GitHubConnect({
    baseUrl: environment("GITHUB_CONNECT_URL"),
    serviceToken: environment("GITHUB_CONNECT_SERVICE_TOKEN"),
  });
  const issued = await client.token(invocation.organizationId);
  process.stdout.write(`username=x-access-token\npassword=${issued.token}\n`);
}

main().catch((error: unknown) => {
  const reason =
    error instanceof GitHubConnectError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`${NAME}: ${reason.replace(/\s+/g, " ")}\n`);
  process.exitCode = 1;
});
