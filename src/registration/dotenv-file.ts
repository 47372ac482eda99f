import { readFile, writeFile } from "node:fs/promises";

function quote(value: string): string {
  // Double quotes keep a PEM's newlines (dotenv expands \n inside them).
  return `"${value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`;
}

/** Sets KEY=value lines in a .env file, keeping every other line as it was. */
export async function updateDotenvFile(path: string, values: Record<string, string>): Promise<void> {
  let text = "";
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  for (const [key, value] of Object.entries(values)) {
    const line = `${key}=${quote(value)}`;
    const index = lines.findIndex((l) => l.startsWith(`${key}=`));
    if (index === -1) lines.push(line);
    else lines[index] = line;
  }
  await writeFile(path, `${lines.join("\n")}\n`, { mode: 0o600 });
}
