import { Schema, type Connection, type Model } from "mongoose";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { conditionalUpsert } from "../../../src/db/conditional-upsert.js";
import { connectTestDatabase, dropAndClose } from "../../helpers/database.js";

interface Versioned {
  key: number;
  version: number;
  value: string;
}

let connection: Connection;
let Thing: Model<Versioned>;

/** Applies `value` at `version` only where no newer version is stored: the guard the callers use. */
const apply = (key: number, version: number, value: string, returned?: "before" | "after") =>
  conditionalUpsert(Thing, { key, version: { $lte: version } }, { $set: { version, value } }, { returned });

beforeAll(async () => {
  connection = await connectTestDatabase();
  const schema = new Schema<Versioned>(
    { key: { type: Number, required: true }, version: Number, value: String },
    { collection: "things" },
  );
  schema.index({ key: 1 }, { unique: true });
  Thing = connection.model<Versioned>("Thing", schema);
  await Thing.createIndexes();
});

afterAll(() => dropAndClose(connection));

beforeEach(async () => {
  await Thing.deleteMany({});
});

describe("conditionalUpsert", () => {
  test("inserts a document none matches, and updates one the condition admits", async () => {
    expect(await apply(1, 1, "first")).toMatchObject({ key: 1, version: 1, value: "first" });
    expect(await apply(1, 2, "second")).toMatchObject({ key: 1, version: 2, value: "second" });
    expect(await Thing.find({ key: 1 }).lean()).toHaveLength(1);
  });

  test("a write the condition refuses returns null and changes nothing (the insert's duplicate key is absorbed)", async () => {
    await apply(1, 5, "newer");
    expect(await apply(1, 3, "older")).toBeNull();
    const stored = await Thing.find({ key: 1 }).lean();
    expect(stored).toMatchObject([{ version: 5, value: "newer" }]);
  });

  test("returned: before gives null for an insert and the previous document for an update", async () => {
    expect(await apply(1, 1, "first", "before")).toBeNull();
    expect(await apply(1, 2, "second", "before")).toMatchObject({ version: 1, value: "first" });
    expect(await Thing.findOne({ key: 1 }).lean()).toMatchObject({ version: 2, value: "second" });
  });

  test("racing writers of one new key all succeed, leaving one document", async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => apply(7, 1, `writer ${n}`)));
    for (const result of results) expect(result).toMatchObject({ key: 7, version: 1 });
    expect(await Thing.find({ key: 7 }).lean()).toHaveLength(1);
  });

  test("an error other than a duplicate key is thrown", async () => {
    await expect(
      conditionalUpsert(Thing, { key: 1 }, { $set: { version: 1 }, $inc: { version: 1 } }),
    ).rejects.toThrow();
    expect(await Thing.countDocuments()).toBe(0);
  });
});
