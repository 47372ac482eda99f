import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { buildManifest } from "../../src/registration/app-manifest.js";

const appYml = readFileSync(new URL("../../app.yml", import.meta.url), "utf8");

describe("app.yml", () => {
  const manifest = buildManifest(appYml, "https://connect.example.com/");

  test("points GitHub at this server's real endpoints", () => {
    expect(manifest.hook_attributes.url).toBe("https://connect.example.com/api/github/webhooks");
    expect(manifest.setup_url).toBe("https://connect.example.com/github/setup");
    expect(manifest.callback_urls).toEqual(["https://connect.example.com/github/callback"]);
    expect(manifest.redirect_url).toBe("https://connect.example.com/probot/setup");
    expect(JSON.stringify(manifest)).not.toContain('example.com/"');
  });

  test("keeps OAuth-during-install off (GitHub allows no setup URL with it) and returns on update", () => {
    expect(manifest.request_oauth_on_install).toBe(false);
    expect(manifest.setup_on_update).toBe(true);
    expect(manifest.public).toBe(true);
  });

  test("asks for the least permissions and the events it handles", () => {
    expect(manifest.default_permissions).toEqual({
      administration: "write",
      contents: "write",
      metadata: "read",
    });
    expect(manifest.default_events).toEqual(["meta", "repository"]);
  });
});
