// Generates generator/generated/templates.precompiled.js: the built-in handlebars templates of templates/,
// precompiled, so a run loads only handlebars' runtime and compiles nothing. `npm run
// gen:templates` writes it; test/templates.test.ts checks it has not drifted from templates/
// (and generator/pipeline/templates.ts falls back to compiling the sources if it has).
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { COMPILE_OPTIONS, readTemplateSources, templateFingerprint } from "../generator/pipeline/templates.js";

const root = fileURLToPath(new URL("..", import.meta.url));
export const PRECOMPILED_FILE = resolve(root, "generator/generated/templates.precompiled.js");

const BANNER = "// Code generated from templates/ by `npm run gen:templates` (Handlebars.precompile). DO NOT EDIT.\n";

export function renderPrecompiled(): string {
  const sources = readTemplateSources();
  const entries = [...sources].map(([name, text]) => `  ${JSON.stringify(name)}: ${String(Handlebars.precompile(text, COMPILE_OPTIONS))},`);
  return `${BANNER}export const fingerprint = ${JSON.stringify(templateFingerprint(sources))};\nexport const specs = {\n${entries.join("\n")}\n};\n`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(PRECOMPILED_FILE, renderPrecompiled());
  console.log(`wrote ${PRECOMPILED_FILE}`);
}
