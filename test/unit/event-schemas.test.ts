import { describe, expect, test } from "vitest";
import { EVENT_TYPES } from "../../src/events/event-log.js";
import { documentedTypes, eventSchemaErrors, eventValidators } from "../helpers/event-schemas.js";

describe("docs/events.md", () => {
  test("documents every event type the writers record, each once", () => {
    const documented = documentedTypes().map((d) => d.type);
    expect([...documented].sort()).toEqual([...EVENT_TYPES].sort());
  });

  test("every type's schema compiles and its example conforms to it", () => {
    const validators = eventValidators();
    for (const { example } of documentedTypes()) expect(eventSchemaErrors(validators, example)).toEqual([]);
  });

  test("a schema refuses an event whose data lacks what consumers rely on, or carries what it does not describe", () => {
    const validators = eventValidators();
    const linked = documentedTypes().find((d) => d.type === "connection.linked")!.example;
    const data = linked.data as Record<string, unknown>;
    const { installationId: _, ...withoutId } = data;
    expect(eventSchemaErrors(validators, { ...linked, data: withoutId })).not.toEqual([]);
    expect(eventSchemaErrors(validators, { ...linked, data: { ...data, extra: 1 } })).not.toEqual([]);
    expect(eventSchemaErrors(validators, { ...linked, id: "evt_short" })).not.toEqual([]);
  });
});
