import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import * as client from "../../packages/client/src/index.js";
import { ERROR_CLASSES, errorFromAnswer, GitHubConnectError } from "../../packages/client/src/index.js";
import { OPERATION_SHAPES, SCHEMA_SHAPES } from "../../packages/client/src/shapes.js";
import { loadInternalApiDescription } from "../helpers/internal-api-description.js";

// @github-connect/client's types against docs/internal-api.openapi.yaml. The client writes each type out
// as a value (packages/client/src/shapes.ts, which TypeScript holds to the type); this test reads the
// description's schemas into the same form and compares: property names, required or optional,
// nullable, enum values, and the type of each value. Either side changing alone fails here or in tsc.
const { doc } = loadInternalApiDescription();
type Json = Record<string, unknown>;
const components = doc.components as Record<string, Record<string, Json>>;
const schemas = components.schemas!;

/** A value's type in the form shapes.ts writes it. */
interface Shape {
  type: string;
  nullable?: boolean;
  optional?: boolean;
  enum?: Record<string, true>;
  items?: Shape;
  values?: Shape;
  properties?: Record<string, Shape>;
}

/** Keywords that say nothing the client's types can: formats, bounds, patterns, words. */
const NOT_TYPED = new Set([
  "description",
  "title",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "propertyNames",
  "example",
  "examples",
]);

function schemaAt(ref: string): Json {
  const [, name] = /^#\/components\/schemas\/(.+)$/.exec(ref) ?? [];
  const found = name ? schemas[name] : undefined;
  if (!found) throw new Error(`${ref} is not in the description`);
  return found;
}

/** A schema of the description as a Shape; a keyword this reading does not know fails, so nothing is skipped silently. */
function described(schema: Json, where: string): Shape {
  const known = Object.keys(schema).filter((key) => !NOT_TYPED.has(key));
  if (typeof schema.$ref === "string") {
    if (known.length > 1) throw new Error(`${where}: $ref with ${known.join(", ")} is not read by this test`);
    return described(schemaAt(schema.$ref), where);
  }
  if (Array.isArray(schema.oneOf)) {
    const alternatives = schema.oneOf as Json[];
    const others = alternatives.filter((alternative) => alternative.type !== "null");
    if (known.length > 1 || alternatives.length !== 2 || others.length !== 1)
      throw new Error(`${where}: only oneOf [null, a schema] is read by this test`);
    return { ...described(others[0]!, where), nullable: true };
  }
  const shape: Partial<Shape> = {};
  const types = schema.type === undefined ? [] : ([] as unknown[]).concat(schema.type);
  if (types.includes("null")) shape.nullable = true;
  const values =
    schema.const !== undefined ? [schema.const] : Array.isArray(schema.enum) ? (schema.enum as unknown[]) : undefined;
  if (values?.includes(null)) shape.nullable = true;
  const members = values?.filter((value) => value !== null);
  const nonNull = types.filter((type) => type !== "null");
  if (nonNull.length === 0 && members?.every((value) => typeof value === "string")) nonNull.push("string");
  if (nonNull.length !== 1) throw new Error(`${where}: no single type (${JSON.stringify(schema.type)})`);
  shape.type = nonNull[0] as string;
  if (members) shape.enum = Object.fromEntries(members.map((member) => [String(member), true]));

  for (const key of known) {
    if (["type", "enum", "const", "properties", "required", "additionalProperties", "items"].includes(key)) continue;
    throw new Error(`${where}: "${key}" is not read by this test; teach it, or the client's shapes, what it means`);
  }
  if (shape.type === "array") {
    if (!schema.items) throw new Error(`${where}: an array with no items`);
    shape.items = described(schema.items as Json, `${where}[]`);
  }
  if (shape.type === "object") {
    const properties = schema.properties as Record<string, Json> | undefined;
    const additional = schema.additionalProperties;
    if (properties) {
      if (additional !== false) throw new Error(`${where}: properties with more allowed is not a client type`);
      const required = new Set((schema.required as string[] | undefined) ?? []);
      shape.properties = Object.fromEntries(
        Object.entries(properties).map(([name, inner]) => {
          const property = described(inner, `${where}.${name}`);
          return [name, required.has(name) ? property : { ...property, optional: true }];
        }),
      );
    } else {
      shape.values =
        additional === undefined || additional === true ? { type: "any" } : described(additional as Json, `${where}.*`);
    }
  }
  return shape as Shape;
}

/** Where two shapes differ, one line each ("" when they agree). */
function differences(mine: Shape, theirs: Shape, where: string): string[] {
  const out: string[] = [];
  const flag = (name: "nullable" | "optional") => {
    if (Boolean(mine[name]) !== Boolean(theirs[name]))
      out.push(
        `${where}: ${mine[name] ? "" : "not "}${name} in the client, ${theirs[name] ? "" : "not "}${name} in the description`,
      );
  };
  if (mine.type !== theirs.type) return [`${where}: ${mine.type} in the client, ${theirs.type} in the description`];
  flag("nullable");
  flag("optional");
  const onlyIn = (a: object | undefined, b: object | undefined) =>
    Object.keys(a ?? {}).filter((key) => !Object.hasOwn(b ?? {}, key));
  if (mine.enum || theirs.enum) {
    for (const value of onlyIn(mine.enum, theirs.enum)) out.push(`${where}: "${value}" only in the client's enum`);
    for (const value of onlyIn(theirs.enum, mine.enum)) out.push(`${where}: "${value}" only in the description's enum`);
  }
  if (mine.items || theirs.items) {
    if (!mine.items || !theirs.items) out.push(`${where}: items on one side only`);
    else out.push(...differences(mine.items, theirs.items, `${where}[]`));
  }
  if (mine.values || theirs.values) {
    if (!mine.values || !theirs.values) out.push(`${where}: an open record on one side, properties on the other`);
    else out.push(...differences(mine.values, theirs.values, `${where}.*`));
  }
  if (mine.properties || theirs.properties) {
    for (const name of onlyIn(mine.properties, theirs.properties))
      out.push(`${where}.${name}: only in the client's type`);
    for (const name of onlyIn(theirs.properties, mine.properties))
      out.push(`${where}.${name}: only in the description`);
    for (const [name, property] of Object.entries(mine.properties ?? {})) {
      const other = theirs.properties?.[name];
      if (other) out.push(...differences(property, other, `${where}.${name}`));
    }
  }
  return out;
}

interface Operation {
  operationId: string;
  parameters?: Json[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, Json>;
}
const METHODS = ["get", "put", "post", "delete", "patch"];
const operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([template, item]) =>
  METHODS.filter((method) => item[method]).map((method) => ({ name: `${method} ${template}`, ...item[method]! })),
);

/** Every refusal the description lists: each error code with the statuses it comes with. */
function documentedRefusals(): Map<string, Set<number>> {
  const refusals = new Map<string, Set<number>>();
  const responseSets = [
    ...operations.map((operation) => operation.responses),
    (doc["x-unknown-endpoint"] as { responses: Record<string, Json> }).responses,
  ];
  for (const responses of responseSets)
    for (const [status, raw] of Object.entries(responses)) {
      const ref = typeof raw.$ref === "string" ? /^#\/components\/responses\/(.+)$/.exec(raw.$ref)?.[1] : undefined;
      const response = ref ? components.responses![ref]! : raw;
      const schema = (response.content as Record<string, { schema: Json }> | undefined)?.["application/json"]?.schema;
      const narrowed = (schema?.allOf as Json[] | undefined)?.find((part) => !("$ref" in part)) as
        | { properties: { error: { enum: string[] } } }
        | undefined;
      for (const code of narrowed?.properties.error.enum ?? []) {
        if (!refusals.has(code)) refusals.set(code, new Set());
        refusals.get(code)!.add(Number(status));
      }
    }
  return refusals;
}

describe("the client's types and the internal API's description", () => {
  test.each(Object.keys(SCHEMA_SHAPES))("%s has the same properties, optionality, nullability and enums", (name) => {
    const schema = schemas[name];
    expect(schema, `components.schemas.${name} is not in the description`).toBeDefined();
    const mine = SCHEMA_SHAPES[name as keyof typeof SCHEMA_SHAPES] as Shape;
    expect(differences(mine, described(schema!, name), name)).toEqual([]);
  });

  test("every schema of the description is one the client writes out", () => {
    expect(Object.keys(schemas).sort()).toEqual(Object.keys(SCHEMA_SHAPES).sort());
  });

  test("each operation the client calls answers, takes and is asked with the client's types", () => {
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(Object.keys(OPERATION_SHAPES).sort());
    const problems = operations.flatMap((operation) => {
      const mine: { answer: Shape; request?: Shape; query?: Shape } =
        OPERATION_SHAPES[operation.operationId as keyof typeof OPERATION_SHAPES];
      const where = operation.operationId;
      const ok = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      expect(
        ok.map(([status]) => status),
        `${where}: one 2xx answer`,
      ).toHaveLength(1);
      const answer = (ok[0]![1].content as Record<string, { schema: Json }>)["application/json"]!.schema;
      const out = differences(mine.answer, described(answer, `${where} answer`), `${where} answer`);

      const request = operation.requestBody?.content["application/json"]?.schema;
      if (Boolean(request) !== Boolean(mine.request)) out.push(`${where}: a request body on one side only`);
      else if (request && mine.request)
        out.push(...differences(mine.request, described(request, `${where} request`), `${where} request`));

      // A query parameter is a property of the options, optional unless required; an option's null is "not sent".
      const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in === "query");
      const query: Shape = {
        type: "object",
        properties: Object.fromEntries(
          parameters.map((parameter) => {
            const shape = described(parameter.schema as Json, `${where} ?${parameter.name}`);
            return [parameter.name as string, parameter.required ? shape : { ...shape, optional: true }];
          }),
        ),
      };
      const myQuery: Shape = mine.query
        ? {
            ...mine.query,
            properties: Object.fromEntries(
              Object.entries(mine.query.properties!).map(([name, { nullable: _, ...shape }]) => [name, shape]),
            ),
          }
        : { type: "object", properties: {} };
      out.push(...differences(myQuery, query, `${where} query`));
      return out;
    });
    expect(problems).toEqual([]);
  });

  test("ErrorCode lists exactly the codes the responses carry, and the client maps every one", () => {
    const enumerated = (schemas.ErrorCode!.enum as string[]).slice().sort();
    expect([...documentedRefusals().keys()].sort()).toEqual(enumerated);
    expect(Object.keys(ERROR_CLASSES).sort()).toEqual(enumerated);
  });

  test("each refusal the description lists becomes the client's error for its code, with its status", () => {
    const seen: string[] = [];
    for (const [code, statuses] of documentedRefusals())
      for (const status of statuses) {
        const error = errorFromAnswer(status, { error: code, message: "refused" }, new Headers());
        const Class = ERROR_CLASSES[code as keyof typeof ERROR_CLASSES] ?? GitHubConnectError;
        expect(error.constructor, `${status} ${code}`).toBe(Class);
        expect({ code: error.code, status: error.status, message: error.message }).toEqual({
          code,
          status,
          message: "refused",
        });
        seen.push(`${status} ${code}`);
      }
    expect(seen).toContain("400 invalid_cursor");
  });

  test("the README's table of errors names each class with its code and a status the description gives it", () => {
    const readme = readFileSync(new URL("../../packages/client/README.md", import.meta.url), "utf8");
    const rows = [...readme.matchAll(/^\| `(\w+Error)` +\| `(\w+)` +\| (\d+) +\|$/gm)].map(
      ([, name, code, status]) => ({
        name: name!,
        code: code!,
        status: Number(status),
      }),
    );
    const refusals = documentedRefusals();
    const exported = client as unknown as Record<string, unknown>;
    for (const row of rows) {
      expect(exported[row.name], row.name).toBe(ERROR_CLASSES[row.code as keyof typeof ERROR_CLASSES]);
      expect([...(refusals.get(row.code) ?? [])], `${row.code}'s statuses`).toContain(row.status);
    }
    const typed = Object.entries(ERROR_CLASSES).filter(([, Class]) => Class !== null);
    expect(rows.map((row) => row.code).sort()).toEqual(typed.map(([code]) => code).sort());
  });
});
