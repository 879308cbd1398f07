// Rewrites README.md's generated tables: the "Diagnostics" table from
// generator/diagnostics/catalogue.ts, and the "Namespaces" table from generator/pipeline/namespaces.ts.
// `npm run gen:readme` writes them; test/catalogue.test.ts checks they have not drifted.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CATALOGUE, CODES } from "../generator/diagnostics/catalogue.js";
import type { Severity } from "../generator/diagnostics/diagnostics.js";
import { NAMESPACES, type NamespaceDecision } from "../generator/pipeline/namespaces.js";

const root = fileURLToPath(new URL("..", import.meta.url));

export const README_FILE = resolve(root, "README.md");

/** The words the CLI's summary uses ("2 note(s)"). */
const SEVERITY_WORD: Record<Severity, string> = { error: "error", warning: "warning", info: "note" };

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The diagnostics table, one row per code, in code order. */
export function renderDiagnosticsTable(): string {
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

/** What the generated service does, as the table's "decision" column says it. */
function decisionCell(decision: NamespaceDecision): string {
  switch (decision.kind) {
    case "enforced":
      return `**enforced**: ${decision.how}`;
    case "refused":
      return `**refused** (${decision.what}): error AG234, warning AG235 once acknowledged`;
    case "noted":
      return `${decision.severity === "info" ? "no effect (note AG236)" : "not carried out (warning AG237)"}: ${decision.why}`;
    case "producer":
      return "read by the analyser (the producer, or the consumer: AG205)";
  }
}

/** The namespaces table, one row per namespace and decision, by name. */
export function renderNamespacesTable(): string {
  const rows = [...NAMESPACES]
    .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.levels.join() < b.levels.join() ? -1 : 1))
    .map((entry) => {
      const aliases = (entry.aliases ?? []).map((alias) => `<br>also \`${alias}\``).join("");
      return `| \`${entry.namespace}\`${aliases} | ${entry.levels.join(", ")} | ${cell(decisionCell(entry.decision))} |`;
    });
  return [
    "<!-- Generated from generator/pipeline/namespaces.ts by `npm run gen:readme`: edit the table there, not here. -->",
    "| namespace | level | what the generated service does |",
    "|---|---|---|",
    ...rows,
  ].join("\n");
}

/** The generated sections: each between its two markers. */
const SECTIONS = [
  { name: "diagnostics", render: renderDiagnosticsTable },
  { name: "namespaces", render: renderNamespacesTable },
] as const;

/** The README with every generated section replaced by its table. */
export function withGeneratedTables(readme: string): string {
  let text = readme;
  for (const { name, render } of SECTIONS) {
    const startMarker = `<!-- ${name}:start -->`;
    const endMarker = `<!-- ${name}:end -->`;
    const start = text.indexOf(startMarker);
    const end = text.indexOf(endMarker);
    if (start === -1 || end < start) throw new Error(`README.md has no ${startMarker} … ${endMarker} section`);
    text = `${text.slice(0, start + startMarker.length)}\n${render()}\n${text.slice(end)}`;
  }
  return text;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const current = readFileSync(README_FILE, "utf8");
  const next = withGeneratedTables(current);
  if (next === current) {
    console.log("README.md's generated tables are up to date");
  } else {
    writeFileSync(README_FILE, next);
    console.log("wrote README.md's generated tables");
  }
}
