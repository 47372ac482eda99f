import type { Response } from "express";

export interface PageModel {
  title: string;
  [key: string]: unknown;
}

/** Renders views/pages/<page>.ejs inside views/layouts/main.ejs. Views only escape and show. */
export function renderPage(res: Response, page: string, model: PageModel, status = 200): void {
  const locals = { ...res.locals, ...model };
  res.render(`pages/${page}`, locals, (pageError: Error | null, body: string) => {
    if (pageError) {
      res.req.next?.(pageError);
      return;
    }
    res.status(status).render("layouts/main", { ...locals, body });
  });
}
