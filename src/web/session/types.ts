/**
 * The contract between sign-in (src/web/session/*) and every page and flow route.
 * The session middleware sets `req.auth` and `req.flow` on every request.
 */
export type Role = "admin" | "member";

export interface AuthSession {
  userId: string;
  email: string;
  /** WorkOS has verified the email (always true for development sign-in, where the email is typed); the operator console needs it. */
  emailVerified: boolean;
  name: string | null;
  /** The WorkOS organization the user is signed in to; null when the user belongs to none. */
  organizationId: string | null;
  role: Role;
}

export interface FlashMessage {
  kind: "success" | "error" | "info";
  message: string;
  /** Shown after the message; every href built from configuration, never from a payload (rule 9). */
  links?: FlashLink[];
}

export interface FlashLink {
  text: string;
  href: string;
}

/** Short-lived per-browser state, kept in a sealed HttpOnly cookie beside the sign-in. */
export interface FlowState {
  flash?: FlashMessage[];
  /** Where to return after sign-in (a same-origin path). */
  returnTo?: string;
  /** Any other flow values (e.g. the id of the last connect state issued). */
  [key: string]: unknown;
}

declare module "express-serve-static-core" {
  interface Request {
    auth: AuthSession | null;
    flow: FlowState;
  }
}
