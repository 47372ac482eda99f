import type { Models } from "../models/index.js";
import type { RepoDoc } from "../models/repo.js";

/** How many repos one page lists. */
const PAGE_SIZE = 50;

export interface PageWindow {
  /** The page shown, 1-based: the one asked for, or the last when it asked past the end. */
  number: number;
  /** The last page (1 when there is nothing to list). */
  last: number;
  skip: number;
  limit: number;
}

export function pageWindow(requested: number, total: number, size = PAGE_SIZE): PageWindow {
  const last = Math.max(1, Math.ceil(total / size));
  const number = Math.min(Math.max(1, Math.floor(requested) || 1), last);
  return { number, last, skip: (number - 1) * size, limit: size };
}

export interface RepoPage {
  repos: RepoDoc[];
  /** How many repos the organization has. */
  total: number;
  page: PageWindow;
}

/**
 * One page of an organization's repos, in slug order: a count and a sorted, limited read along
 * the (organizationId, slug) index, so a page costs the same with 10 repos or 10,000.
 */
export async function findRepoPage(models: Models, organizationId: string, requested: number): Promise<RepoPage> {
  const total = await models.Repo.countDocuments({ organizationId });
  // Counted first: a page past the end shows the last one, and the skip never passes the count.
  const page = pageWindow(requested, total);
  const repos =
    total === 0
      ? []
      : await models.Repo.find({ organizationId })
          .sort({ slug: 1 })
          .skip(page.skip)
          .limit(page.limit)
          .lean<RepoDoc[]>();
  return { repos, total, page };
}
