import type { Role } from "./types.js";

/** WorkOS role slugs map to ours: `admin` is an admin, anything else (or none) a member. */
export function toRole(slug: unknown): Role {
  return slug === "admin" ? "admin" : "member";
}
