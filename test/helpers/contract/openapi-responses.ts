import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { projectPaths } from "../../../src/project-paths.js";

/*
 * GitHub's published REST description (@octokit/openapi, dereferenced) as a contract for the
 * bodies the tests serve: an operation is named by method and path template
 * ("GET /repos/{owner}/{repo}") and a body is checked against its response schema for a status.
 *
 * The description is 60-75 MB of JSON (half a second and 200 MB to parse), and every test file
 * runs in its own process: an operation's responses are extracted once into the cache directory
 * (keyed by the package version), so a process parses the whole description only for an
 * operation no process has asked for before. Validators are compiled lazily and kept per process.
 */

/** api.github.com, or the newest GitHub Enterprise Server the package describes (the tests' GHE_HOST). */
export type ApiDescription = "api.github.com" | "ghes-3.19";

export interface ResponseDoc {
  /** The application/json schema; absent when the response has no body (204, 304). */
  schema?: object;
  /** GitHub's documented examples, by name. */
  examples?: Record<string, unknown>;
}

type OperationResponses = Record<string, ResponseDoc>;

const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve("@octokit/openapi/package.json"));
const packageVersion = (JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string })
  .version;
const cacheDir = path.join(
  process.env.GITHUB_CONNECT_CACHE || projectPaths.cache,
  "openapi-responses",
  `${packageVersion}`,
);

/** The description a base URL is answered by: api.github.com, else (an Enterprise Server's /api/v3) GHES. */
export function descriptionFor(baseUrl: string): ApiDescription {
  return new URL(baseUrl).hostname === "api.github.com" ? "api.github.com" : "ghes-3.19";
}

interface Description {
  /** GitHub's webhook payloads, by name ("installation-created"). */
  "x-webhooks"?: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: object }> } } }>;
  paths: Record<
    string,
    Record<
      string,
      {
        responses?: Record<
          string,
          { content?: Record<string, { schema?: object; examples?: Record<string, { value?: unknown }> }> }
        >;
      }
    >
  >;
}

const descriptions = new Map<ApiDescription, Description>();

function loadDescription(name: ApiDescription): Description {
  let description = descriptions.get(name);
  if (!description) {
    description = JSON.parse(
      readFileSync(path.join(packageDir, "generated", `${name}.deref.json`), "utf8"),
    ) as Description;
    descriptions.set(name, description);
  }
  return description;
}

function parseOperation(operation: string): { method: string; template: string } {
  const match = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)$/.exec(operation);
  if (!match) throw new Error(`an operation is "METHOD /path/{template}", got "${operation}"`);
  return { method: match[1]!.toLowerCase(), template: match[2]! };
}

function extractResponses(name: ApiDescription, operation: string): OperationResponses {
  const { method, template } = parseOperation(operation);
  const described = loadDescription(name).paths[template]?.[method];
  if (!described) throw new Error(`${name} describes no operation "${operation}"`);
  const responses: OperationResponses = {};
  for (const [status, response] of Object.entries(described.responses ?? {})) {
    const json = response.content?.["application/json"];
    const examples = json?.examples
      ? Object.fromEntries(Object.entries(json.examples).map(([key, example]) => [key, example.value]))
      : undefined;
    responses[status] = { ...(json?.schema ? { schema: json.schema } : {}), ...(examples ? { examples } : {}) };
  }
  return responses;
}

const operations = new Map<string, OperationResponses>();

/** Every response `operation` documents, by status code ("200", "404", …). */
export function operationResponses(
  operation: string,
  description: ApiDescription = "api.github.com",
): OperationResponses {
  const key = `${description} ${operation}`;
  let responses = operations.get(key);
  if (responses) return responses;
  const file = path.join(
    cacheDir,
    `${description}-${operation.replace(/[^A-Za-z0-9_-]+/g, "_")}-${createHash("sha1").update(key).digest("hex").slice(0, 8)}.json`,
  );
  try {
    responses = JSON.parse(readFileSync(file, "utf8")) as OperationResponses;
  } catch {
    responses = extractResponses(description, operation);
    mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed: test files in other processes may read it at the same moment.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(responses));
    renameSync(partial, file);
  }
  operations.set(key, responses);
  return responses;
}

/** GitHub's documented example for a response (the first one, or the one named). */
export function responseExample<T = unknown>(
  operation: string,
  status: number,
  options: { name?: string; description?: ApiDescription } = {},
): T {
  const examples = operationResponses(operation, options.description)[String(status)]?.examples ?? {};
  const name = options.name ?? Object.keys(examples)[0];
  if (name === undefined || !(name in examples))
    throw new Error(`"${operation}" documents no example${options.name ? ` "${options.name}"` : ""} for ${status}`);
  return structuredClone(examples[name]) as T;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// strict: false: GitHub's schemas carry keywords ajv does not know (nullable, x-github, example).
const ajv = addFormats(new Ajv({ strict: false, allErrors: true, logger: false }));
const validators = new Map<string, ValidateFunction>();

export type ResponseCheck =
  | { checked: true; errors: string[] }
  /** The operation documents no such status (GitHub describes few 4xx and no 5xx): nothing to check against. */
  | { checked: false; errors: [] };

/**
 * OpenAPI 3.0's `nullable` beside anyOf/oneOf/allOf (no `type`) means "or null"; ajv reads
 * `nullable` only next to `type`, so such a schema becomes anyOf [null, the rest].
 */
function nullableAsJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableAsJsonSchema);
  if (typeof node !== "object" || node === null) return node;
  const entries = Object.entries(node).map(
    ([key, value]) => [key, key === "example" || key === "examples" ? value : nullableAsJsonSchema(value)] as const,
  );
  const schema = Object.fromEntries(entries) as Record<string, unknown>;
  if (schema.nullable !== true || "type" in schema) return schema;
  const { nullable: _nullable, ...rest } = schema;
  return { anyOf: [{ type: "null" }, rest] };
}

/**
 * Where GitHub's description contradicts itself, the schema its other operations use, so a body
 * GitHub really sends passes. test/contract/ checks each erratum is still needed (GitHub's own
 * example fails the schema as published) and every example passes as corrected.
 */
type SchemaNode = Record<string, unknown>;
export const DESCRIPTION_ERRATA: Record<string, { why: string; correct(schema: SchemaNode): void }> = {
  "GET /app/installations 200": {
    why: "the list inlines installation.account as allOf [simple-user, enterprise] (both at once); the installation schema everywhere else says anyOf",
    correct(schema) {
      const account = ((schema.items as SchemaNode).properties as SchemaNode).account as SchemaNode;
      if (account.allOf) {
        account.anyOf = account.allOf;
        delete account.allOf;
      }
    },
  },
};

function formatError(error: ErrorObject): string {
  const at = error.instancePath || "(body)";
  if (error.keyword === "required")
    return `${at}: missing required field "${(error.params as { missingProperty: string }).missingProperty}"`;
  if (error.keyword === "additionalProperties")
    return `${at}: field "${(error.params as { additionalProperty: string }).additionalProperty}" is not in the schema`;
  if (error.keyword === "enum")
    return `${at}: ${error.message} ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`;
  return `${at}: ${error.message}`;
}

/** Checks `body` against what `operation` documents for `status`; errors name the field (instancePath). */
export function checkResponse(
  operation: string,
  status: number,
  body: unknown,
  description: ApiDescription = "api.github.com",
  options: { asPublished?: boolean } = {},
): ResponseCheck {
  const response = operationResponses(operation, description)[String(status)];
  if (!response) return { checked: false, errors: [] };
  if (!response.schema) {
    // An error without a schema documents no shape (GitHub still sends basic-error); a 2xx/3xx without one has no body.
    if (status >= 400) return { checked: false, errors: [] };
    const empty = body === undefined || body === "" || body === null;
    return {
      checked: true,
      errors: empty
        ? []
        : [`(body): ${status} has no body in the description, got ${JSON.stringify(body).slice(0, 80)}`],
    };
  }
  const key = `${description} ${operation} ${status}${options.asPublished ? " as published" : ""}`;
  let validate = validators.get(key);
  if (!validate) {
    const published = structuredClone(response.schema) as SchemaNode;
    if (!options.asPublished) DESCRIPTION_ERRATA[`${operation} ${status}`]?.correct(published);
    validate = ajv.compile(nullableAsJsonSchema(published) as object);
    validators.set(key, validate);
  }
  const parsed = typeof body === "string" ? (JSON.parse(body) as unknown) : body;
  if (validate(parsed)) return { checked: true, errors: [] };
  // oneOf/anyOf report every branch; keep each message once.
  return { checked: true, errors: [...new Set((validate.errors ?? []).map(formatError))] };
}

/**
 * `body` unchanged when GitHub's description allows it for `operation` and `status`; throws
 * naming each failing field otherwise. A 2xx the operation does not document is an error (the
 * helper names the wrong operation); an undocumented 4xx/5xx passes unchecked.
 */
export function documentedBody<T>(
  operation: string,
  status: number,
  body: T,
  description: ApiDescription = "api.github.com",
): T {
  const result = checkResponse(operation, status, body, description);
  if (!result.checked && status < 300) throw new Error(`${description} documents no ${status} for "${operation}"`);
  if (result.errors.length > 0) {
    throw new Error(
      `${operation} ${status}: the body does not match GitHub's REST description (${description}):\n  ${result.errors.join("\n  ")}`,
    );
  }
  return body;
}

const webhookValidators = new Map<string, ValidateFunction>();

/**
 * Where `payload` departs from the webhook payload GitHub's REST description publishes under
 * `x-webhooks` ("installation-created"); [] when it conforms. For a shape GitHub documents there
 * and @octokit/webhooks-schemas does not yet (an installation on an enterprise account).
 */
export function checkWebhookPayload(name: string, payload: unknown): string[] {
  let validate = webhookValidators.get(name);
  if (!validate) {
    const file = path.join(cacheDir, `api.github.com-x-webhooks-${name.replace(/[^A-Za-z0-9_-]+/g, "_")}.json`);
    let schema: object;
    try {
      schema = JSON.parse(readFileSync(file, "utf8")) as object;
    } catch {
      const described =
        loadDescription("api.github.com")["x-webhooks"]?.[name]?.post?.requestBody?.content?.["application/json"]
          ?.schema;
      if (!described) throw new Error(`api.github.com describes no webhook "${name}"`);
      schema = described;
      mkdirSync(cacheDir, { recursive: true });
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, JSON.stringify(schema));
      renameSync(partial, file);
    }
    validate = ajv.compile(nullableAsJsonSchema(schema) as object);
    webhookValidators.set(name, validate);
  }
  if (validate(payload)) return [];
  return [...new Set((validate.errors ?? []).map(formatError))];
}
