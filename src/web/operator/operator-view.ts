import type { Response } from "express";
import { type PageModel, renderPage } from "../render.js";
import { OPERATOR_NAV, OPERATOR_PAGES } from "./operator-paths.js";

export type OperatorPage = keyof typeof OPERATOR_PAGES;

/** Renders a console page (views/pages/operator-<page>.ejs) with the console's navigation, the current page marked. */
export function renderOperatorPage(res: Response, page: OperatorPage, view: string, model: PageModel, status = 200) {
  const nav = OPERATOR_NAV.map((item) => ({
    label: item.label,
    href: OPERATOR_PAGES[item.key],
    current: item.key === page,
  }));
  renderPage(res, view, { ...model, operatorNav: nav }, status);
}
