/** A payload that is valid JSON but lacks what the event promises; answered with 422. */
export class MalformedPayloadError extends Error {
  override name = "MalformedPayloadError";
  readonly status = 422;
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function objectAt(parent: Json, key: string, where: string): Json {
  const value = parent[key];
  if (!isObject(value)) throw new MalformedPayloadError(`${where}.${key} must be an object`);
  return value;
}

export function numberAt(parent: Json, key: string, where: string): number {
  const value = parent[key];
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new MalformedPayloadError(`${where}.${key} must be a whole number`);
  }
  return value;
}

export function stringAt(parent: Json, key: string, where: string): string {
  const value = parent[key];
  if (typeof value !== "string" || value === "") throw new MalformedPayloadError(`${where}.${key} must be a string`);
  return value;
}

export function optionalString(parent: Json, key: string): string | null {
  const value = parent[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/** GitHub sends timestamps as ISO strings or, in older payloads, as epoch seconds. */
export function parseGitHubTime(value: unknown): Date | null {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === "string" && value !== "") {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return null;
}

export function latest(...dates: Array<Date | null>): Date | null {
  let newest: Date | null = null;
  for (const date of dates) if (date && (!newest || date > newest)) newest = date;
  return newest;
}

export function repositoryIds(parent: Json, key: string, where: string): number[] {
  const value = parent[key] ?? [];
  if (!Array.isArray(value)) throw new MalformedPayloadError(`${where}.${key} must be an array`);
  return value.map((repo, index) => {
    if (!isObject(repo)) throw new MalformedPayloadError(`${where}.${key}[${index}] must be an object`);
    return numberAt(repo, "id", `${where}.${key}[${index}]`);
  });
}

export function senderActor(payload: Json): string {
  const sender = payload.sender;
  return isObject(sender) && typeof sender.login === "string" ? `github:${sender.login}` : "github";
}

/** The payload as a plain object, for the readers that check each field GitHub promises. */
export function payloadObject(payload: unknown): Json {
  if (!isObject(payload)) throw new MalformedPayloadError("the payload must be a JSON object");
  return payload;
}
