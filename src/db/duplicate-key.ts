/** MongoDB's duplicate-key error: a unique index refused an insert. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

/**
 * Two requests upserting the same key at once: both miss, both insert, the unique index lets
 * one win and the other gets E11000. The loser reads what the winner wrote instead of failing.
 */
export async function upsertOrRead<T>(upsert: () => Promise<T>, read: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return read();
  }
}
