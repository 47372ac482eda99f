import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS with `exports.default`: under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const SCHEMA_ID = "octokit-webhooks";

export interface WebhookSchemaError {
  /**
   * JSON pointer to the field at fault, e.g. "/installation/account/type"; for a missing or an
   * unexpected property, the property itself ("/requester"), where ajv would name its parent.
   */
  instancePath: string;
  message: string;
}

let ajv: Ajv | undefined;
let definitions: Record<string, unknown> | undefined;
const compiled = new Map<string, ValidateFunction>();

/** GitHub's webhook schemas (@octokit/webhooks-schemas), loaded and added on first use only. */
function schemas(): { ajv: Ajv; definitions: Record<string, unknown> } {
  if (!ajv || !definitions) {
    const schema = createRequire(import.meta.url)("@octokit/webhooks-schemas/schema.json") as {
      definitions: Record<string, unknown>;
    };
    // strict: false: the schemas use keywords ajv does not know (e.g. tsAdditionalProperties).
    ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
    addFormats(ajv);
    // The definitions alone: the root oneOf over all 344 definitions would be compiled in full on first use.
    ajv.addSchema({ definitions: schema.definitions }, SCHEMA_ID);
    definitions = schema.definitions;
  }
  return { ajv, definitions };
}

/** The schema's name for an event and action: "installation$created", or "ping_event" for an event without actions. */
export function webhookSchemaName(event: string, action: unknown): string | undefined {
  const { definitions } = schemas();
  if (typeof action === "string" && `${event}$${action}` in definitions) return `${event}$${action}`;
  if (action === undefined && `${event}_event` in definitions) return `${event}_event`;
  return undefined;
}

function validator(name: string): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    validate = schemas().ajv.getSchema(`${SCHEMA_ID}#/definitions/${name}`);
    if (!validate) throw new Error(`@octokit/webhooks-schemas has no definition "${name}"`);
    compiled.set(name, validate);
  }
  return validate;
}

function describe(error: ErrorObject): WebhookSchemaError {
  const params = error.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  const property = params.missingProperty ?? params.additionalProperty;
  if (property !== undefined)
    return { instancePath: `${error.instancePath}/${property}`, message: String(error.message) };
  // The value, not the allowed list: an event-name enum has fifty names.
  const value = params.allowedValues ? ` (not ${JSON.stringify(error.data)})` : "";
  return { instancePath: error.instancePath, message: `${error.message}${value}` };
}

/**
 * Where a payload departs from GitHub's published schema for its event and action ([] when it
 * conforms). An event.action the schemas do not describe is itself an error.
 */
export function validateWebhook(event: string, payload: unknown): WebhookSchemaError[] {
  const action = (payload as { action?: unknown } | null)?.action;
  const name = webhookSchemaName(event, action);
  if (!name)
    return [
      {
        instancePath: "/action",
        message: `@octokit/webhooks-schemas describes no "${event}" payload with action ${JSON.stringify(action)}`,
      },
    ];
  const validate = validator(name);
  if (validate(payload)) return [];
  // allErrors reports each branch of a oneOf; the same line twice says nothing more.
  const lines = new Map((validate.errors ?? []).map(describe).map((e) => [`${e.instancePath} ${e.message}`, e]));
  return [...lines.values()];
}

/** The errors as one line each, "<instancePath> <message>", for a failure message. */
export function formatSchemaErrors(errors: WebhookSchemaError[]): string {
  return errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("\n");
}
