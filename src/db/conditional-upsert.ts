import type { FilterQuery, Model, UpdateQuery } from "mongoose";
import { isDuplicateKeyError } from "./duplicate-key.js";

/**
 * One conditional upsert, safe on FerretDB and MongoDB alike: a document matching `filter` is
 * updated, and if none matches one is inserted. When the document exists but the filter's
 * condition refused it (stale, deleted), the insert hits the unique index; so does an insert
 * racing another delivery. Only the racing case deserves the update, so on a duplicate key it
 * tries once more without inserting: null then means the condition refused the write.
 *
 * `returned` picks the document before the write (null if it was inserted) or after it.
 */
export async function conditionalUpsert<T>(
  model: Model<T>,
  filter: FilterQuery<T>,
  update: UpdateQuery<T>,
  options: { returned?: "before" | "after" } = {},
): Promise<T | null> {
  const write = (upsert: boolean) =>
    model.findOneAndUpdate(filter, update, {
      upsert,
      new: options.returned !== "before",
      lean: true,
    }) as unknown as Promise<T | null>;
  try {
    return await write(true);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return write(false);
  }
}
