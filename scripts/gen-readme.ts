// Rewrites the table of README.md's "Diagnostics" section from generator/diagnostics/catalogue.ts.
// `npm run gen:readme` writes it; test/catalogue.test.ts checks it has not drifted.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CATALOGUE, CODES } from "../generator/diagnostics/catalogue.js";
import type { Severity } from "../generator/diagnostics/diagnostics.js";

const root = fileURLToPath(new URL("..", import.meta.url));

export const README_FILE = resolve(root, "README.md");
export const TABLE_START = "<!-- diagnostics:start -->";
export const TABLE_END = "<!-- diagnostics:end -->";

/** The words the CLI's summary uses ("2 note(s)"). */
const SEVERITY_WORD: Record<Severity, string> = { error: "error", warning: "warning", info: "note" };

/** The table, one row per code, in code order. */
export function renderDiagnosticsTable(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = [...CODES].sort().map((code) => {
    const { severity, title } = CATALOGUE[code];
    return `| ${code} | ${SEVERITY_WORD[severity]} | ${cell(title)} |`;
  });
  return [
    "<!-- Generated from generator/diagnostics/catalogue.ts by `npm run gen:readme`: edit the catalogue, not this table. -->",
    "| code | severity | what |",
    "|---|---|---|",
    ...rows,
  ].join("\n");
}

/** The README with the text between the two markers replaced by the table. */
export function withDiagnosticsTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error(`README.md has no ${TABLE_START} … ${TABLE_END} section`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderDiagnosticsTable()}\n${readme.slice(end)}`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const current = readFileSync(README_FILE, "utf8");
  const next = withDiagnosticsTable(current);
  if (next === current) {
    console.log("README.md's diagnostics table is up to date");
  } else {
    writeFileSync(README_FILE, next);
    console.log("wrote README.md's diagnostics table");
  }
}
