import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "dotenv";
import { describe, expect, test } from "vitest";
import { updateDotenvFile } from "../../src/registration/dotenv-file.js";

const dir = mkdtempSync(path.join(tmpdir(), "dotenv-file-"));
let files = 0;
const freshFile = (text = "") => {
  const file = path.join(dir, `${++files}.env`);
  writeFileSync(file, text);
  return file;
};

const pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" });

/** Values a hostile or careless GitHub could send back, each on its own and next to the others. */
const hostile: Record<string, string> = {
  PEM: String(pem),
  PEM_CRLF: String(pem).replace(/\n/g, "\r\n"),
  DOUBLE: 'say "hi"',
  SINGLE: "it's",
  BACKTICK: "run `id`",
  TWO_KINDS: `it's "quoted"`,
  THREE_KINDS: `a 'single' "double" \`back\` $x`,
  STARTS_WITH_QUOTE: '"open',
  QUOTED_WHOLE: "'wrapped'",
  BACKSLASH: "a\\b",
  BACKSLASH_N: "C:\\new\\root",
  TRAILING_BACKSLASH: "ends\\",
  BACKSLASH_QUOTE: 'a\\"b',
  HASH: "secret#not-a-comment",
  SPACE_HASH: "value # and more",
  NEWLINES: "line one\nline two\n",
  NEWLINE_AND_BACKSLASH: "a\\\nb",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...} that nothing may expand
  DOLLAR: "$HOME ${PATH} $(id)",
  SPACES: "  padded  ",
  EMPTY: "",
  EQUALS: "a=b=c",
  UNICODE: "päss wörd ✓",
};

describe("updateDotenvFile: what it writes, dotenv reads back exactly", () => {
  // Both of dotenv's parsers: DOTENV_CONFIG_FAST=true picks the character scanner.
  test("every hostile value, each in a file of its own", async () => {
    const readBack: Record<string, string | undefined> = {};
    const fastReadBack: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(hostile)) {
      const file = freshFile();
      await updateDotenvFile(file, { [key]: value });
      readBack[key] = parse(readFileSync(file, "utf8"))[key];
      fastReadBack[key] = parse(readFileSync(file, "utf8"), { fast: true })[key];
    }
    expect(readBack).toEqual(hostile);
    expect(fastReadBack).toEqual(hostile);
  });

  test("all of them in one file, between lines it keeps, and again after a rewrite", async () => {
    const file = freshFile("# kept\nLOG_LEVEL=debug\nQUOTE='a' # comment kept\n");
    await updateDotenvFile(file, hostile);
    expect(parse(readFileSync(file, "utf8"))).toEqual({ LOG_LEVEL: "debug", QUOTE: "a", ...hostile });
    // Each key gets the next key's value: every old line must be replaced whole.
    const values = Object.values(hostile);
    const rewritten = Object.fromEntries(
      Object.keys(hostile).map((key, i) => [key, values[(i + 1) % values.length] ?? ""]),
    );
    await updateDotenvFile(file, rewritten);
    expect(parse(readFileSync(file, "utf8"))).toEqual({ LOG_LEVEL: "debug", QUOTE: "a", ...rewritten });
    expect(readFileSync(file, "utf8")).toMatch(/^# kept\nLOG_LEVEL=debug\nQUOTE='a' # comment kept\n/);
  });

  test("a value no dotenv form can hold is refused, naming the variable, and nothing is written", async () => {
    const file = freshFile("# untouched\n");
    const unwritable = `'single' "double" \`back\`\n`;
    await expect(updateDotenvFile(file, { APP_ID: "1", WEBHOOK_SECRET: unwritable })).rejects.toThrow(
      /^WEBHOOK_SECRET /,
    );
    expect(readFileSync(file, "utf8")).toBe("# untouched\n");
  });
});
