import type { FilterQuery, Model } from "mongoose";

/**
 * The stored document as a plain object, hydrated first so schema defaults fill fields that
 * FerretDB 1.x drops from upserts when their value is null (MongoDB keeps them): both servers
 * then read the same.
 */
export async function stored<T>(model: Model<T>, filter: FilterQuery<T>): Promise<T | null> {
  const doc = await model.findOne(filter);
  return doc ? (doc.toObject() as T) : null;
}

export async function storedAll<T>(model: Model<T>, filter: FilterQuery<T> = {}): Promise<T[]> {
  return (await model.find(filter)).map((doc) => doc.toObject() as T);
}
