import { checkMarketplacePlans, type MarketplaceSyncDeps } from "../marketplace/marketplace-sync.js";
import type { ReconcileStep } from "./context.js";

/** App-JWT calls the plan check may take per run, within the run's own share. */
const MARKETPLACE_CALLS_PER_RUN = 50;

/**
 * "3. Checks Marketplace plans": the stored purchases against GitHub's Marketplace API (each
 * listing plan's accounts), correcting and auditing what drifted. Marketplace deliveries have no
 * redelivery API, so this is the only way a lost `marketplace_purchase` is healed.
 */
export function marketplacePlanStep(
  sync: () => Promise<MarketplaceSyncDeps>,
  /** Whether the App has a listing: one configured, or purchases stored (webhooks came). */
  hasListing: () => Promise<boolean> = async () => true,
): ReconcileStep {
  return {
    name: "marketplacePlans",
    async run(ctx) {
      if (!(await hasListing())) return { counts: { checked: 0, corrected: 0, calls: 0 }, complete: true };
      const { budget } = ctx;
      const maxCalls = Math.max(0, Math.min(MARKETPLACE_CALLS_PER_RUN, budget.limits.appCallsPerRun - budget.app));
      const result = await checkMarketplacePlans(await sync(), { maxCalls });
      budget.app += result.calls;
      return {
        counts: { checked: result.checked, corrected: result.corrected, calls: result.calls },
        complete: result.complete,
      };
    },
  };
}
