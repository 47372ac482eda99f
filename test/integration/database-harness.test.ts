import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { EmbeddedMongo } from "../../src/db/embedded/embedded-mongo.js";
import { connectTestDatabase, dropAndClose, startPrivateMongo, withDatabaseName } from "../helpers/database.js";

const widgetSchema = new mongoose.Schema({
  key: { type: String, required: true, unique: true },
  count: { type: Number, default: 0 },
});

describe("database test harness", () => {
  let connection: mongoose.Connection;

  beforeAll(async () => {
    connection = await connectTestDatabase();
  });
  afterAll(async () => {
    await dropAndClose(connection);
  });

  it("connects to a per-file database on the shared server", () => {
    expect(inject("mongoUri")).toMatch(/^mongodb(\+srv)?:\/\//);
    expect(connection.name).toMatch(/^t_database_harness_[0-9a-f]{6}$/);
    expect(connection.name.length).toBeLessThanOrEqual(38);
  });

  it("enforces unique indexes with a duplicate-key error", async () => {
    const Widget = connection.model("Widget", widgetSchema);
    await Widget.init(); // builds the unique index before the inserts race it
    await Widget.create({ key: "a" });
    const error = await Widget.create({ key: "a" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(mongoose.mongo.MongoServerError);
    expect((error as mongoose.mongo.MongoServerError).code).toBe(11000);
    expect((error as Error).message).toContain("E11000");
  });

  it("upserts with findOneAndUpdate", async () => {
    const Widget = connection.model("Widget", widgetSchema);
    const created = await Widget.findOneAndUpdate({ key: "b" }, { $inc: { count: 1 } }, { upsert: true, new: true });
    expect(created?.count).toBe(1);
    const updated = await Widget.findOneAndUpdate({ key: "b" }, { $inc: { count: 1 } }, { upsert: true, new: true });
    expect(updated?._id.equals(created!._id)).toBe(true);
    expect(updated?.count).toBe(2);
    expect(await Widget.countDocuments({ key: "b" })).toBe(1);
  });
});

describe("withDatabaseName", () => {
  it("replaces or adds the database path and keeps options", () => {
    expect(withDatabaseName("mongodb://127.0.0.1:1/", "x")).toBe("mongodb://127.0.0.1:1/x");
    expect(withDatabaseName("mongodb://h1:1,h2:2?replicaSet=rs", "x")).toBe("mongodb://h1:1,h2:2/x?replicaSet=rs");
    expect(withDatabaseName("mongodb+srv://u:p@c.example/app?retryWrites=true", "x")).toBe(
      "mongodb+srv://u:p@c.example/x?retryWrites=true&authSource=app",
    );
  });
});

describe("a private server stopped mid-test", () => {
  let server: EmbeddedMongo;
  let connection: mongoose.Connection | undefined;

  beforeAll(async () => {
    server = await startPrivateMongo();
  });
  afterAll(async () => {
    await dropAndClose(connection);
    await server?.stop();
  });

  it("makes later operations fail fast with a driver error", async () => {
    connection = await connectTestDatabase("outage", { uri: server.uri, serverSelectionTimeoutMS: 1000 });
    const Item = connection.model("Item", new mongoose.Schema({ n: Number }));
    await Item.create({ n: 1 });

    await server.stop();
    const started = Date.now();
    const error = await Item.find()
      .exec()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toMatch(/^Mongo(ServerSelection|Network|NetworkTimeout|PoolCleared)Error$/);
  });
});
