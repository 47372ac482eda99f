import type { Models } from "../../models/index.js";
import { isDuplicateKeyError } from "../../db/duplicate-key.js";
import { SESSION_MAX_AGE_SECONDS } from "./cookies.js";

/** Sessions signed out of, kept server-side so a copy of their cookie stops working at sign-out. */
export interface EndedSessions {
  end(sessionId: string): Promise<void>;
  isEnded(sessionId: string): Promise<boolean>;
}

export function createEndedSessions(models: Pick<Models, "EndedSession">, now: () => Date): EndedSessions {
  return {
    async end(sessionId) {
      const endedAt = now();
      try {
        await models.EndedSession.create({
          sessionId,
          endedAt,
          // No cookie of the session opens after its own 30 days.
          expiresAt: new Date(endedAt.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
        });
      } catch (error) {
        // Signed out twice (a replayed form, two tabs): it is ended either way.
        if (!isDuplicateKeyError(error)) throw error;
      }
      await models.EndedSession.deleteMany({ expiresAt: { $lt: endedAt } }).catch(() => undefined);
    },
    async isEnded(sessionId) {
      return (await models.EndedSession.exists({ sessionId })) !== null;
    },
  };
}
