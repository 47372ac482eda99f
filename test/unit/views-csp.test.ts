import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { projectPaths } from "../../src/project-paths.js";

/** Every template, as "pages/error.ejs" and its text. */
function templates(dir = projectPaths.views): Array<[string, string]> {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ejs"))
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return [path.relative(projectPaths.views, file), readFileSync(file, "utf8")] as [string, string];
    });
}

// The Content-Security-Policy (src/web/middleware/security-headers.ts) allows no inline script or style:
// anything of the kind belongs in a file under public/, served at /assets.
describe("views need nothing the Content-Security-Policy forbids", () => {
  test("there are views to check", () => {
    expect(templates().map(([name]) => name)).toContain(path.join("layouts", "main.ejs"));
  });

  test.each(templates())(
    "%s has no inline <script>, <style>, style attribute, on* handler or javascript: URL",
    (_name, text) => {
      expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(text).not.toMatch(/<style[\s>]/i);
      expect(text).not.toMatch(/\sstyle\s*=/i);
      expect(text).not.toMatch(/\son[a-z]+\s*=/i);
      expect(text).not.toMatch(/javascript:/i);
      // Assets come from this site only; images also from GitHub's avatars (img-src allows that host), built in the view-model.
      for (const [, url] of text.matchAll(/<(?:script|link|img)[^>]*\b(?:src|href)="([^"]+)"/gi))
        expect(url).toMatch(/^\/assets\/|^<%= [\w.]*avatarUrl %>$/);
    },
  );
});
