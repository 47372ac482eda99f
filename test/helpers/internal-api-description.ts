import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import yaml from "js-yaml";

// ajv-formats is CommonJS with `exports.default`: under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const DESCRIPTION_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../docs/internal-api.openapi.yaml",
);
const DOC_ID = "internal-api.openapi.yaml";
/** The description's own extension for what an authorized call to an unlisted path or method answers. */
export const UNKNOWN_ENDPOINT = "x-unknown-endpoint";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

type Json = Record<string, unknown>;
interface Response {
  description: string;
  headers?: Record<string, HeaderSpec | { $ref: string }>;
  content?: Record<string, MediaType>;
}
interface MediaType {
  schema?: Json;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface HeaderSpec {
  required?: boolean;
  schema: Json;
}
interface Operation {
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, Response | { $ref: string }>;
}

/** One answer the description lists: "POST /api/internal/orgs/{organizationId}/github-token 400 invalid_scope" ("" for no error code). */
export type AnswerKey = string;

export interface DescribedAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface InternalApiDescription {
  doc: Json;
  /** The operation a method and concrete path are, as "METHOD /template", or UNKNOWN_ENDPOINT for none. */
  operationOf(method: string, urlPath: string): string;
  /**
   * What is wrong with an answer to `method urlPath` by the description (an empty list: nothing),
   * and the key of the documented answer it was.
   */
  check(method: string, urlPath: string, answer: DescribedAnswer): { key: AnswerKey; problems: string[] };
  /** Whether a request body is one the description accepts for the operation. */
  acceptsRequestBody(method: string, urlPath: string, body: unknown): boolean;
  /** Every answer the description lists, each status with each error code it may carry. */
  documentedAnswers(): AnswerKey[];
  /** What is wrong with the description's own examples by their schemas (an empty list: nothing). */
  exampleProblems(): string[];
}

/** Every "#/…" $ref made absolute, so a schema cut out of the document still finds what it points at. */
function absoluteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(absoluteRefs);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string" && inner.startsWith("#/") ? `${DOC_ID}${inner}` : absoluteRefs(inner),
    ]),
  );
}

function templatePattern(template: string): RegExp {
  const literal = (part: string) => part.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&");
  return new RegExp(
    `^${template
      .split(/\{[^}]+\}/)
      .map(literal)
      .join("[^/]+")}$`,
  );
}

/** The internal API's OpenAPI description, read from docs/, with an ajv 2020 validator for its schemas. */
export function loadInternalApiDescription(): InternalApiDescription {
  const doc = yaml.load(readFileSync(DESCRIPTION_PATH, "utf8")) as Json;
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // The document's own keywords: registered as schema keywords that check nothing, so the whole
  // document can be added once and every "#/components/…" in it resolves.
  ajv.addVocabulary(Object.keys(doc).filter((key) => !key.startsWith("$")));
  ajv.addSchema(doc, DOC_ID);

  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const components = doc.components as Record<string, Record<string, Json>>;
  const compiled = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Json) => {
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(absoluteRefs(schema) as Json);
      compiled.set(key, validate);
    }
    return validate;
  };
  const deref = <T>(value: T | { $ref: string }): T => {
    if (value && typeof value === "object" && "$ref" in value) {
      const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(value.$ref) ?? [];
      const found = kind && name ? components[kind]?.[name] : undefined;
      if (!found) throw new Error(`${value.$ref} is not in the description`);
      return found as T;
    }
    return value as T;
  };

  const operations = (): Array<{ name: string; responses: Operation["responses"]; operation?: Operation }> => [
    ...Object.entries(paths).flatMap(([template, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        name: `${method.toUpperCase()} ${template}`,
        responses: item[method]!.responses,
        operation: item[method],
      })),
    ),
    { name: UNKNOWN_ENDPOINT, responses: (doc[UNKNOWN_ENDPOINT] as { responses: Operation["responses"] }).responses },
  ];

  const operationOf = (method: string, urlPath: string): string => {
    const lower = method.toLowerCase();
    for (const [template, item] of Object.entries(paths)) {
      // The query is not part of the path template.
      if (item[lower] && templatePattern(template).test(urlPath.split("?")[0]!))
        return `${method.toUpperCase()} ${template}`;
    }
    return UNKNOWN_ENDPOINT;
  };
  const find = (name: string) => operations().find((op) => op.name === name)!;

  /** The error codes a response's schema narrows `error` to; [""] for one without. */
  const errorCodes = (response: Response): string[] => {
    const schema = response.content?.["application/json"]?.schema;
    const narrowed = (schema?.allOf as Json[] | undefined)?.find((part) => !("$ref" in part)) as
      | { properties?: { error?: { enum?: string[] } } }
      | undefined;
    return narrowed?.properties?.error?.enum ?? [""];
  };

  return {
    doc,
    operationOf,
    check(method, urlPath, answer) {
      const name = operationOf(method, urlPath);
      const op = find(name);
      const errorCode =
        answer.body && typeof answer.body === "object" && typeof (answer.body as Json).error === "string"
          ? ((answer.body as Json).error as string)
          : "";
      const raw = op.responses[String(answer.status)];
      if (!raw)
        return {
          key: `${name} ${answer.status} ${errorCode}`,
          problems: [`${name}: ${answer.status} is not documented`],
        };
      const response = deref<Response>(raw);
      const problems: string[] = [];
      const codes = errorCodes(response);
      const key = `${name} ${answer.status} ${codes.includes(errorCode) ? errorCode : codes[0]}`;

      for (const [header, spec] of Object.entries(response.headers ?? {})) {
        const { required, schema } = deref<HeaderSpec>(spec);
        const value = answer.headers.get(header);
        if (value === null) {
          if (required) problems.push(`header ${header} is documented as required and was not sent`);
          continue;
        }
        const validate = validator(`${name} ${answer.status} header ${header}`, schema);
        if (!validate(value))
          problems.push(`header ${header}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
      }

      const media = response.content?.["application/json"];
      const contentType = answer.headers.get("content-type") ?? "";
      if (!media?.schema) {
        if (answer.body !== undefined) problems.push("a body was sent where none is documented");
      } else if (!contentType.startsWith("application/json")) {
        problems.push(`content-type ${contentType} where application/json is documented`);
      } else {
        const validate = validator(`${name} ${answer.status} body`, media.schema);
        if (!validate(answer.body)) problems.push(`body: ${ajv.errorsText(validate.errors, { dataVar: "body" })}`);
      }
      return { key, problems };
    },
    acceptsRequestBody(method, urlPath, body) {
      const name = operationOf(method, urlPath);
      const schema = find(name).operation?.requestBody?.content["application/json"]?.schema;
      if (!schema) throw new Error(`${name} takes no JSON body by the description`);
      return validator(`${name} request`, schema)(body);
    },
    exampleProblems() {
      const problems: string[] = [];
      const checkMedia = (where: string, media: MediaType | undefined) => {
        if (!media?.schema) return;
        const validate = validator(`${where} example`, media.schema);
        const named = Object.entries(media.examples ?? {}).map(([name, { value }]) => [name, value] as const);
        for (const [name, value] of media.example === undefined
          ? named
          : [...named, ["example", media.example] as const]) {
          if (!validate(value))
            problems.push(`${where} ${name}: ${ajv.errorsText(validate.errors, { dataVar: "example" })}`);
        }
      };
      for (const { name, responses, operation } of operations()) {
        checkMedia(`${name} request`, operation?.requestBody?.content["application/json"]);
        for (const [status, raw] of Object.entries(responses))
          checkMedia(`${name} ${status}`, deref<Response>(raw).content?.["application/json"]);
      }
      return problems;
    },
    documentedAnswers: () =>
      operations().flatMap(({ name, responses }) =>
        Object.entries(responses).flatMap(([status, raw]) =>
          errorCodes(deref<Response>(raw)).map((code) => `${name} ${status} ${code}`),
        ),
      ),
  };
}
