import { readFile } from "node:fs/promises";
import yaml from "js-yaml";

/** The origin app.yml is written against; replaced with the real base URL when registering. */
const MANIFEST_PLACEHOLDER_ORIGIN = "https://github-connect.example.com";

export interface AppManifest {
  name: string;
  url: string;
  hook_attributes: { url: string; active?: boolean };
  redirect_url: string;
  callback_urls: string[];
  setup_url: string;
  [key: string]: unknown;
}

/** app.yml with every URL pointed at `baseUrl`, ready to POST to GitHub's manifest flow. */
export function buildManifest(yamlText: string, baseUrl: string): AppManifest {
  const origin = baseUrl.replace(/\/$/, "");
  const parsed = yaml.load(yamlText.split(MANIFEST_PLACEHOLDER_ORIGIN).join(origin));
  if (typeof parsed !== "object" || parsed === null) throw new Error("app.yml is not a YAML mapping");
  const manifest = parsed as AppManifest;
  for (const key of ["name", "url", "redirect_url", "setup_url"] as const) {
    if (typeof manifest[key] !== "string") throw new Error(`app.yml is missing ${key}`);
  }
  return manifest;
}

export async function loadManifest(path: string, baseUrl: string): Promise<AppManifest> {
  return buildManifest(await readFile(path, "utf8"), baseUrl);
}
