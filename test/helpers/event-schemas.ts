import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const DOC = path.resolve(import.meta.dirname, "../../docs/events.md");

export interface DocumentedType {
  type: string;
  example: Record<string, unknown>;
  schema: Record<string, unknown>;
}

/** Each "### `type`" section of docs/events.md: its ```json example and ```json schema blocks. */
export function documentedTypes(text = readFileSync(DOC, "utf8")): DocumentedType[] {
  const sections = text.split(/^### `/m).slice(1);
  return sections.map((section) => {
    const type = section.slice(0, section.indexOf("`"));
    const block = (kind: string) => {
      const match = section.match(new RegExp(`\`\`\`json ${kind}\\n([\\s\\S]*?)\\n\`\`\``));
      if (!match) throw new Error(`docs/events.md: ${type} has no json ${kind} block`);
      return JSON.parse(match[1] as string) as Record<string, unknown>;
    };
    return { type, example: block("example"), schema: block("schema") };
  });
}

/** A validator per documented type, compiled from docs/events.md. */
export function eventValidators(): Map<string, ValidateFunction> {
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
  return new Map(documentedTypes().map(({ type, schema }) => [type, ajv.compile(schema)]));
}

/** The schema errors of one event, as readable lines; empty when it conforms. */
export function eventSchemaErrors(validators: Map<string, ValidateFunction>, event: object): string[] {
  const type = String((event as { type?: unknown }).type);
  const validate = validators.get(type);
  if (!validate) return [`no schema in docs/events.md for type ${type}`];
  if (validate(event)) return [];
  return (validate.errors ?? []).map((e) => `${type} ${e.instancePath || "/"} ${e.message}`);
}
