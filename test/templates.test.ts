// The built-in templates are precompiled (generator/generated/templates.precompiled.js, `npm run
// gen:templates`): the committed file matches templates/, a run uses it, and it renders exactly
// what compiling the sources renders. A stale precompiled set is never used.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ADAPTERS, generate } from "../generator/index.js";
import { TEMPLATE_DIR } from "../generator/paths.js";
import * as precompiled from "../generator/generated/templates.precompiled.js";
import { loadTemplates, readTemplateSources, templateFingerprint } from "../generator/pipeline/templates.js";
import { FIXTURES_DIR, listCases } from "./helpers/golden.js";

test("generator/generated/templates.precompiled.js is compiled from the current templates/", async () => {
  const { renderPrecompiled, PRECOMPILED_FILE } = await import("../scripts/gen-templates.js");
  assert.ok(
    readFileSync(PRECOMPILED_FILE, "utf8") === renderPrecompiled(),
    "generator/generated/templates.precompiled.js is stale: run `npm run gen:templates`",
  );
  assert.is(precompiled.fingerprint, templateFingerprint(readTemplateSources()));
  assert.equal(Object.keys(precompiled.specs).sort(), [...readTemplateSources().keys()]);
});

test("a run uses the precompiled templates; a stale set (templates edited since) is compiled from the sources instead", () => {
  assert.is(loadTemplates().origin, "precompiled");
  const stale = loadTemplates(undefined, { fingerprint: "0".repeat(64), specs: precompiled.specs });
  assert.is(stale.origin, "compiled");
  assert.is(
    stale.index({ source: "x", routes: [], brokers: [], tree: "{}", httpSecurity: null, cors: null, stages: null, trustedProxies: null }),
    loadTemplates().index({ source: "x", routes: [], brokers: [], tree: "{}", httpSecurity: null, cors: null, stages: null, trustedProxies: null }),
  );
  assert.is(loadTemplates(TEMPLATE_DIR).origin, "compiled", "--templates always compiles");
});

test("the fingerprint changes with any template's name or text", () => {
  const sources = readTemplateSources();
  const base = templateFingerprint(sources);
  const edited = new Map(sources);
  edited.set("route.ts.hbs", `${sources.get("route.ts.hbs") ?? ""} `);
  assert.is.not(templateFingerprint(edited), base);
  const renamed = new Map([...sources].map(([name, text]) => [name === "header.hbs" ? "header2.hbs" : name, text]));
  assert.is.not(templateFingerprint(renamed), base);
});

test("precompiled and compiled templates render the same bytes, for every valid fixture and every adapter", async () => {
  const configs = [
    ...listCases()
      .filter((c) => c.kind === "valid")
      .map((c) => ({ name: c.name, text: c.text })),
    { name: "adapters", text: readFileSync(join(FIXTURES_DIR, "adapters", "krakend.json"), "utf8") },
  ];
  assert.ok(configs.length >= 8, "the fixtures were not found");
  for (const { name, text } of configs) {
    const fast = await generate(text, { adapters: [...ADAPTERS] });
    // The package's own folder as --templates: every template compiled from its source.
    const slow = await generate(text, { adapters: [...ADAPTERS], templates: TEMPLATE_DIR });
    assert.ok(fast.files.length > 0, `${name}: nothing generated`);
    assert.equal(
      fast.files.map((f) => f.path),
      slow.files.map((f) => f.path),
      name,
    );
    for (const [i, file] of fast.files.entries()) assert.ok(file.content === slow.files[i]?.content, `${name}: ${file.path} differs`);
  }
});

test("runtime imports: derived from the names a file uses, not from strings, comments, properties or object keys", async () => {
  const { runtimeImportLines } = await import("../generator/pipeline/runtime-source.js");
  const code = [
    'const a = checkShortString(x, "checkPriority"); // forwardHeaders',
    "/* RequestError */ options.contentType = y;",
    "const o = { timestampSeconds: 1 };",
    "let r: Route | RequestError;",
    "const t = `checkExpiration`;",
  ].join("\n");
  assert.is(
    runtimeImportLines(code, 1),
    'import { checkShortString } from "../runtime/checks.js";\nimport { RequestError, type Route } from "../runtime/types.js";',
  );
  assert.is(runtimeImportLines("export const x: Outgoing = y;", 0), 'import type { Outgoing } from "./runtime/types.js";');
  assert.is(runtimeImportLines("const nothing = 1;", 1), "");
  // What a custom template (--templates) may write: spreads and template-literal expressions are
  // uses; names the file declares or imports itself are not the runtime's.
  assert.is(runtimeImportLines("const b = { ...SUCCESS_BODY };", 1), 'import { SUCCESS_BODY } from "../runtime/answers.js";');
  assert.is(runtimeImportLines("const t = `p ${checkPriority(a, b)} q`;", 1), 'import { checkPriority } from "../runtime/checks.js";');
  assert.is(runtimeImportLines("function answer() {}\nconst x = answer();", 1), "");
  assert.is(runtimeImportLines('import { checkShortString } from "../runtime/checks.js";\ncheckShortString(a, b);', 1), "");
});

test("a custom route template that writes {{runtimeImports}} twice is AG901, not a file with NULs in it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "amqp-gen-templates-"));
  try {
    const route = readFileSync(join(TEMPLATE_DIR, "route.ts.hbs"), "utf8").replace("{{runtimeImports}}", "{{runtimeImports}}\n{{runtimeImports}}");
    writeFileSync(join(dir, "route.ts.hbs"), route);
    const config = listCases().find((c) => c.name === "showcase");
    assert.ok(config);
    const { files, diagnostics } = await generate(config.text, { file: "krakend.json", templates: dir });
    assert.equal(files, []);
    assert.equal(
      diagnostics.filter((d) => d.severity === "error").map((d) => d.code),
      ["AG901"],
    );
    assert.match(diagnostics.find((d) => d.code === "AG901")?.message ?? "", /runtimeImports/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
