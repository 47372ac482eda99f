import type { ActivityPage } from "../../events/activity.js";
import { activitySentence } from "./activity-sentence.js";
import type { PageModel } from "../render.js";
import type { PaginationView } from "../projects/projects-view-model.js";
import { dateView, type DateView } from "../settings/settings-view-model.js";

/** What views/pages/settings-activity.ejs shows. */
export interface ActivityView extends PageModel {
  items: Array<{ sentence: string; on: DateView; time: string }>;
  emptyText: string;
  /** null when one page holds every event. */
  pagination: PaginationView | null;
  settingsUrl: string;
}

const number = (n: number) => n.toLocaleString("en-US");

export function buildActivityView(
  activity: ActivityPage,
  options: { pagePath: string; settingsUrl: string; appName: string },
): ActivityView {
  const { page, total, events } = activity;
  const link = (n: number) => `${options.pagePath}?page=${n}`;
  return {
    title: "Activity",
    items: events.map((event) => ({
      sentence: activitySentence(event, options.appName),
      on: dateView(event.at)!,
      time: `${event.at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" })} UTC`,
    })),
    emptyText: "Nothing has happened yet. Connecting GitHub, changes on GitHub and new projects are listed here.",
    pagination:
      page.last === 1
        ? null
        : {
            rangeText: `Showing ${number(page.skip + 1)}–${number(page.skip + events.length)} of ${number(total)} events`,
            pageText: `Page ${number(page.number)} of ${number(page.last)}`,
            previousUrl: page.number > 1 ? link(page.number - 1) : null,
            nextUrl: page.number < page.last ? link(page.number + 1) : null,
          },
    settingsUrl: options.settingsUrl,
  };
}
