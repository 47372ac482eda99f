import type { Response } from "express";

export interface PageModel {
  title: string;
  [key: string]: unknown;
}

/**
 * Renders views/pages/<page>.ejs inside views/layouts/main.ejs. Views only escape and show.
 * A page with the session in it (the header's email, the layout's CSRF token) is no-store: no
 * shared cache or back-forward store may hand it to the next person at the browser.
 */
export function renderPage(res: Response, page: string, model: PageModel, status = 200): void {
  const locals = { ...res.locals, ...model };
  if (locals.currentUser || locals.csrfToken) res.set("cache-control", "no-store");
  res.render(`pages/${page}`, locals, (pageError: Error | null, body: string) => {
    if (pageError) {
      res.req.next?.(pageError);
      return;
    }
    res.status(status).render("layouts/main", { ...locals, body });
  });
}
