/**
 * The diagnostics catalogue (generator/diagnostics/catalogue.ts) owns every code: the README's table is made
 * from it, and every code the generator reports is in it and made through it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CATALOGUE, CODES, Diagnostics, type DiagnosticCode } from "../generator/diagnostics/catalogue.js";
import { generate } from "../generator/index.js";
import { README_FILE, withGeneratedTables } from "../scripts/gen-readme.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const GENERATOR = join(ROOT, "generator");
const CODE = /^AG\d{3}$/;

test("README.md's diagnostics and namespaces tables are the catalogue's and the namespace table's", () => {
  const readme = readFileSync(README_FILE, "utf8");
  assert.ok(
    withGeneratedTables(readme) === readme,
    "README.md's diagnostics or namespaces table differs from generator/diagnostics/catalogue.ts or generator/pipeline/namespaces.ts: run `npm run gen:readme`",
  );
});

test("the catalogue is in code order, with one title and fix per code", () => {
  assert.equal(CODES, [...CODES].sort());
  for (const code of CODES) {
    assert.match(code, CODE);
    const { title, fix } = CATALOGUE[code];
    assert.ok(title.trim() !== "" && !title.endsWith("."), `${code}: a title is a short phrase`);
    assert.ok(typeof fix === "function" || fix.endsWith("."), `${code}: a fix is a sentence`);
  }
});

test("a finding takes its code, severity and fix from the catalogue", () => {
  const finding = Diagnostics.AG201({ field: "priority_key", key: "prio", endpoint: "/p/{prio}", keys: ["Prio"], suggestion: "Prio" });
  assert.equal(finding, {
    code: "AG201",
    severity: "error",
    message: '"priority_key": "prio" names no param of endpoint "/p/{prio}".',
    hint: 'Did you mean "Prio"? KrakenD upper-cases the first letter of path params: {prio} is "Prio".',
  });
  assert.equal(Diagnostics.AG214({ field: "no_local" }).severity, "info");
});

test("the body-schema diagnostics made in generate() (AG222, AG225) say what the catalogue says", async () => {
  const endpoint = (path: string, schema: object) => ({
    endpoint: path,
    method: "POST",
    extra_config: { "validation/json-schema": schema },
    backend: [
      {
        host: ["amqp://broker:5672"],
        disable_host_sanitize: true,
        extra_config: { "backend/amqp/producer": { name: "q", exchange: "ex", routing_key: "#", static_routing_key: true } },
      },
    ],
  });
  const config = {
    version: 3,
    endpoints: [endpoint("/a", { type: "object", properties: { id: { type: "string", "x-rule": true } } }), endpoint("/b", { type: 3 })],
  };
  const { diagnostics } = await generate(JSON.stringify(config, null, 2));
  assert.equal(diagnostics.map((d) => d.code).sort(), ["AG222", "AG225"]);
  for (const d of diagnostics) {
    const { severity, fix } = CATALOGUE[d.code as DiagnosticCode];
    assert.is(d.severity, severity, d.code);
    assert.is(d.hint, fix, d.code);
  }
});

/** Every TypeScript source of the generator (not the generated config types). */
function generatorSources(dir = GENERATOR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "types" ? [] : generatorSources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/**
 * Where the generator makes each code, read from its syntax: `Diagnostics.AG201(…)` (any
 * object's `.AG201`), or an object literal `{ code: "AG201", … }` made by hand.
 */
function codeSites(): { viaCatalogue: Map<string, string[]>; handMade: Map<string, string[]> } {
  const viaCatalogue = new Map<string, string[]>();
  const handMade = new Map<string, string[]>();
  const note = (map: Map<string, string[]>, code: string, where: string) => map.set(code, [...(map.get(code) ?? []), where]);
  for (const path of generatorSources()) {
    const file = relative(ROOT, path).split("\\").join("/");
    if (file === "generator/diagnostics/catalogue.ts") continue;
    const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && CODE.test(node.name.text)) note(viaCatalogue, node.name.text, where(node));
      if (
        ts.isPropertyAssignment(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === "code" &&
        ts.isStringLiteralLike(node.initializer) &&
        CODE.test(node.initializer.text)
      ) {
        note(handMade, node.initializer.text, where(node));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { viaCatalogue, handMade };
}

test("every code the generator makes is in the catalogue, and every catalogue code is made somewhere", () => {
  const { viaCatalogue, handMade } = codeSites();
  const used = new Set([...viaCatalogue.keys(), ...handMade.keys()]);
  const known = new Set<string>(CODES);
  const unknown = [...used].filter((code) => !known.has(code));
  const sites = (code: string) => [...(viaCatalogue.get(code) ?? []), ...(handMade.get(code) ?? [])].join(", ");
  assert.equal(unknown, [], `codes made outside the catalogue: ${unknown.map((code) => `${code} (${sites(code)})`).join("; ")}`);
  const unused = CODES.filter((code: DiagnosticCode) => !used.has(code));
  assert.equal(unused, [], `catalogue codes that nothing in generator/ reports: ${unused.join(", ")}`);
});

test("diagnostics are made through the catalogue, not written by hand", () => {
  const { handMade } = codeSites();
  const strays = [...handMade].flatMap(([code, sites]) => sites.map((site) => `${code} at ${site}`));
  assert.equal(strays, [], `write Diagnostics.${strays[0]?.slice(0, 5) ?? "AGnnn"}(…) (generator/diagnostics/catalogue.ts) instead: ${strays.join(", ")}`);
});

test.run();
