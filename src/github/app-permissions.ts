/**
 * GitHub App permission levels, in order: an installation (or the live App) grants at least what
 * is asked when its level ranks at or above it. Unknown levels rank below "read", so they never
 * count as enough.
 */
export const ACCESS_LEVELS = ["read", "write", "admin"] as const;

export const accessRank = (level: string | null | undefined): number =>
  level ? ACCESS_LEVELS.indexOf(level as (typeof ACCESS_LEVELS)[number]) : -1;

/** The levels that satisfy `required` ("write" → write, admin). */
export const levelsAtLeast = (required: string): string[] => ACCESS_LEVELS.slice(Math.max(0, accessRank(required)));

export interface PermissionShortfall {
  name: string;
  required: string;
  /** What is granted now; null: not at all. */
  granted: string | null;
}

/** Every permission `required` asks for that `granted` lacks or grants at a lower level, by name. */
export function permissionShortfall(
  required: Record<string, string>,
  granted: Record<string, unknown> | null | undefined,
): PermissionShortfall[] {
  const have = granted ?? {};
  return Object.entries(required)
    .filter(([name, level]) => {
      const given = have[name];
      return accessRank(typeof given === "string" ? given : null) < Math.max(0, accessRank(level));
    })
    .map(([name, level]) => ({
      name,
      required: level,
      granted: typeof have[name] === "string" ? (have[name] as string) : null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** "administration: write (has read)", "members: read (not granted)". */
export function shortfallText(shortfall: PermissionShortfall): string {
  return `${shortfall.name}: ${shortfall.required} (${shortfall.granted ? `has ${shortfall.granted}` : "not granted"})`;
}
