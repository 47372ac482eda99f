import { readFile, writeFile } from "node:fs/promises";

/**
 * A value as dotenv's parser reads it back exactly, or undefined when none of its forms can.
 * dotenv unescapes nothing but \n and \r inside double quotes, and a quote is never escaped:
 * so a value goes in the first form that needs no escape it lacks.
 */
function dotenvForm(value: string): string | undefined {
  // Double quotes: line breaks written as \n and \r, the only escapes dotenv reads. A backslash
  // before n or r would be read as one; before the closing quote, as an escaped quote.
  if (!value.includes('"') && !/\\[nr]/.test(value) && !value.endsWith("\\"))
    return `"${value.replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;
  if (/[\r\n]/.test(value)) return undefined;
  // Single quotes and backticks keep everything as it is but their own quote.
  if (!value.endsWith("\\")) for (const q of ["'", "`"]) if (!value.includes(q)) return `${q}${value}${q}`;
  // Bare: read to the first #, trimmed, and a leading quote would open a quoted value.
  if (!value.includes("#") && value === value.trim() && !/^['"`]/.test(value)) return value;
  return undefined;
}

/**
 * Sets KEY=value lines in a .env file, keeping every other line as it was. Every value is written
 * on one line. A value dotenv could not read back is refused before anything is written.
 */
export async function updateDotenvFile(path: string, values: Record<string, string>): Promise<void> {
  const written = Object.entries(values).map(([key, value]) => {
    const form = dotenvForm(value);
    if (form === undefined)
      throw new Error(
        `${key} cannot be written to .env so that dotenv reads it back: it holds all three quotes (' " \`) and a line break or a #, or a quote or space at either end, or a backslash at the end`,
      );
    return [key, `${key}=${form}`] as const;
  });
  let text = "";
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  for (const [key, line] of written) {
    const index = lines.findIndex((l) => l.startsWith(`${key}=`));
    if (index === -1) lines.push(line);
    else lines[index] = line;
  }
  await writeFile(path, `${lines.join("\n")}\n`, { mode: 0o600 });
}
