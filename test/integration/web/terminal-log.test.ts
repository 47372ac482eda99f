import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createLogger } from "../../../src/logger.js";
import { createWebApp } from "../../../src/web/create-web-app.js";
import { testConfig } from "../../helpers/test-config.js";
import { listen } from "../../helpers/test-server.js";

/** What `npm start` prints in a terminal (LOG_FORMAT unset), kept as text. */
function terminal(env: Record<string, string> = {}) {
  let text = "";
  const out = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const log = createLogger("info", env, out);
  // No colours: pino-pretty only colours a terminal, and this is a stream.
  const lines = () => text.split("\n").filter(Boolean);
  /** Waits for the transform to pass a line matching `pattern` through. */
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 100 && !lines().some((line) => pattern.test(line)); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return lines();
  };
  return { log, lines, waitFor };
}

describe("the terminal log (pretty format)", () => {
  test("each line starts with the time, then the level", async () => {
    const out = terminal();
    out.log.info({ dataDir: "/tmp/x" }, "embedded database ready");
    const lines = await out.waitFor(/embedded database ready/);
    expect(lines).toEqual([
      expect.stringMatching(
        /^\[\d{2}:\d{2}:\d{2}\] INFO \(probot\): embedded database ready \{"dataDir":"\/tmp\/x"\}$/,
      ),
    ]);
  });

  test("LOG_FORMAT=json keeps one JSON object a line, with its time", async () => {
    const out = terminal({ LOG_FORMAT: "json" });
    out.log.info("hello");
    const [line] = await out.waitFor(/hello/);
    expect(JSON.parse(line!)).toMatchObject({ level: 30, msg: "hello", time: expect.any(Number) });
  });
});

describe("requests in the terminal", () => {
  const out = terminal();
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const started = await listen(createWebApp({ config: testConfig(), log: out.log, connection: null }));
    url = started.url;
    close = () => new Promise((resolve) => started.server.close(() => resolve()));
  });
  afterAll(() => close?.());

  test("a page is one line: time, method, path, status and time taken; a refusal says why on the same line", async () => {
    const res = await fetch(`${url}/no-such-page?code=secret-code-1`, {
      headers: { accept: "text/html", "x-request-id": "terminal-1" },
    });
    expect(res.status).toBe(404);
    await res.text();
    const lines = (await out.waitFor(/no-such-page/)).filter((line) => line.includes("terminal-1"));
    expect(lines).toEqual([
      expect.stringMatching(
        /^\[\d{2}:\d{2}:\d{2}\] WARN \(probot\): GET \/no-such-page\?code=\[redacted\] 404 \d+ ms \{"requestId":"terminal-1","reason":"There is no page at this address\."\}$/,
      ),
    ]);
    expect(out.lines().join("\n")).not.toContain("secret-code-1");
  });

  test("the icon and the stylesheet a page loads add no line at info; /favicon.ico leads to the icon", async () => {
    const before = out.lines().length;
    const ico = await fetch(`${url}/favicon.ico`, { redirect: "manual" });
    expect(ico.status).toBe(301);
    expect(ico.headers.get("location")).toBe("/assets/favicon.svg");
    const svg = await fetch(new URL(ico.headers.get("location")!, url));
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await svg.text()).toContain("<svg");
    expect((await fetch(`${url}/assets/app.css`)).status).toBe(200);
    // A page after them, so the log has caught up when it shows.
    await (await fetch(`${url}/marker-after-assets`, { headers: { accept: "text/html" } })).text();
    const lines = (await out.waitFor(/marker-after-assets/)).slice(before);
    expect(lines).toEqual([expect.stringContaining("GET /marker-after-assets 404")]);
  });
});
