// Golden fixtures: fixtures/<case>/krakend.json → fixtures/<case>/expected/** (and the showcase →
// generated/), compared byte for byte, with an orphan check; hand-written expected diagnostics;
// one strict type-check of every golden file; content rules; determinism.
//
// Golden files are rewritten only with UPDATE_GOLDEN=1 (`npm run test:update`); the test then
// prints every file it wrote or removed.
import { readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate, type Adapter, type Diagnostic, type GeneratedFile } from "../generator/index.js";
import {
  describeDiff,
  diffTrees,
  fixtureSecrets,
  GENERATED_DIR,
  HEADER,
  isClean,
  listCases,
  readTree,
  REPO_ROOT,
  rewriteGolden,
  matchesSharedRuntime,
  templateRuntime,
  splitSharedRuntime,
  UPDATE_GOLDEN,
  type ExpectedDiagnostic,
  type FixtureCase,
} from "./helpers/golden.js";
import { strictProject } from "./helpers/typecheck.js";

const FILE = "krakend.json";
const cases = listCases();
const validCases = cases.filter((c) => c.kind === "valid");
const errorCases = cases.filter((c) => c.kind === "error");

function toMap(files: readonly GeneratedFile[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, f.content]));
}

function pick(d: Diagnostic): ExpectedDiagnostic {
  return { code: d.code, severity: d.severity, line: d.line, column: d.column, pointer: d.pointer };
}

function show(list: readonly Diagnostic[]): string {
  return list.map((d) => `  ${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message} (at ${d.pointer || "(root)"})`).join("\n") || "  (none)";
}

/** The adapters generated/ is made with: those `npm run generate` names, so that it stays the one place that says. */
const SHOWCASE_ADAPTERS = (() => {
  const script: string = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).scripts.generate;
  const names = / --adapter ((?:[a-z]+ ?)+)/.exec(script)?.[1]?.trim().split(" ") ?? [];
  return names as Adapter[];
})();

/** Whether `npm run generate` writes the typed consumers into generated/ too. */
const SHOWCASE_CONSUMERS = / --consumers\b/.test(JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).scripts.generate);

const results = new Map<string, Awaited<ReturnType<typeof generate>>>();
async function run(c: FixtureCase) {
  const known = results.get(c.name);
  if (known) return known;
  const result = await generate(c.text, { file: FILE, ...(c.name === "showcase" ? { adapters: SHOWCASE_ADAPTERS, consumers: SHOWCASE_CONSUMERS } : {}) });
  results.set(c.name, result);
  return result;
}

test("fixtures: the expected cases are present and each is classified", () => {
  const names = cases.map((c) => c.name);
  for (const wanted of [
    "showcase",
    "doc-2022-producer",
    "doc-param-mapping",
    "static-routing-key",
    "legacy-namespace",
    "multi-producer",
    "unrelated-namespaces",
    "body-schema",
    "error-malformed-json",
    "error-wrong-type",
    "error-prio-capitalisation",
    "error-missing-exchange",
    "error-duplicate-route",
    "error-consumer-and-producer",
    "error-no-host",
    "error-conflicting-routes",
    "error-amqp-gen-block",
  ]) {
    assert.ok(names.includes(wanted), `fixtures/${wanted}/krakend.json is missing`);
  }
  for (const c of errorCases) {
    assert.ok(c.expectedDiagnostics, `fixtures/${c.name}/expected-diagnostics.json is missing: an error case must say which errors it expects`);
  }
});

// ---------------------------------------------------------------------------------------------
// Valid cases: byte-for-byte golden output, orphan check, expected warnings/infos.

for (const c of validCases) {
  test(`golden: ${c.name} generates exactly ${c.name === "showcase" ? "generated/" : `fixtures/${c.name}/expected/`}`, async () => {
    const result = await run(c);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    assert.is(errors.length, 0, `fixtures/${c.name} must be valid, but generate() reported errors:\n${show(errors)}`);
    assert.ok(result.files.length > 0, `fixtures/${c.name}: generate() produced no files`);
    const goldenDir = c.expectedDir as string;
    let actual = toMap(result.files);
    if (c.name !== "showcase") {
      const { rest, runtime } = splitSharedRuntime(actual);
      // Under UPDATE_GOLDEN the showcase test rewrites generated/runtime/: compare on the next run.
      if (!UPDATE_GOLDEN)
        assert.ok(matchesSharedRuntime(runtime), `fixtures/${c.name}: runtime/ differs from generated/runtime/ (run \`npm run test:update\`)`);
      actual = rest;
    }
    if (UPDATE_GOLDEN) {
      const done = rewriteGolden(goldenDir, actual);
      if (c.name === "showcase") {
        // generated/ is a CLI output folder: its manifest follows what was written.
        const { renderManifest } = await import("../generator/output/write.js");
        writeFileSync(join(goldenDir, ".amqp-gen-manifest.json"), renderManifest(result.files));
      }
      console.log(done.length > 0 ? `\n[UPDATE_GOLDEN] ${c.name}:\n  ${done.join("\n  ")}` : `\n[UPDATE_GOLDEN] ${c.name}: up to date`);
    }
    const diff = diffTrees(readTree(goldenDir, true), actual);
    const fix =
      c.name === "showcase"
        ? "generated/ is stale: run `npm run generate` (or `npx tsx generator/cli/cli.ts fixtures/showcase/krakend.json --out generated`), remove any file it does not produce, and commit the result"
        : "if the change is intended, run `UPDATE_GOLDEN=1 node scripts/test.mjs golden` (npm run test:update) and review the diff";
    assert.ok(isClean(diff), `fixtures/${c.name}: golden output differs from generate():\n${describeDiff(diff, goldenDir)}\n${fix}.`);
  });
}

for (const c of validCases.filter((v) => v.expectedDiagnostics)) {
  test(`diagnostics: ${c.name} reports exactly its expected warnings and notes`, async () => {
    const result = await run(c);
    assert.equal(
      result.diagnostics.map(pick),
      c.expectedDiagnostics,
      `fixtures/${c.name}: diagnostics differ. generate() reported:\n${show(result.diagnostics)}`,
    );
    for (const d of result.diagnostics) {
      assert.ok(d.message.trim().length > 0, `${d.code} at ${d.line}:${d.column} has an empty message`);
      assert.is(d.file, FILE);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Error cases: nothing generated, exactly the hand-written errors, each with a message and a fix.

for (const c of errorCases) {
  test(`errors: ${c.name} is rejected with exactly its expected errors`, async () => {
    const result = await run(c);
    assert.equal(result.files, [], `fixtures/${c.name}: an invalid config must generate no file`);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    assert.ok(errors.length > 0, `fixtures/${c.name}: expected errors, got none:\n${show(result.diagnostics)}`);
    assert.equal(errors.map(pick), c.expectedDiagnostics ?? [], `fixtures/${c.name}: errors differ. generate() reported:\n${show(errors)}`);
    for (const d of result.diagnostics) {
      assert.ok(d.message.trim().length > 0, `${c.name}: ${d.code} at ${d.line}:${d.column} has an empty message`);
      assert.ok((d.hint ?? "").trim().length > 0, `${c.name}: ${d.code} at ${d.line}:${d.column} has no hint (every diagnostic says how to fix it)`);
      assert.is(d.file, FILE);
    }
  });
}

test('errors: an unknown field of the "@amqp-gen" block gets "did you mean" from that block\'s fields', async () => {
  const c = errorCases.find((e) => e.name === "error-amqp-gen-block");
  assert.ok(c);
  const d = (await run(c)).diagnostics.find((x) => x.code === "AG103");
  assert.ok(d, "AG103 expected");
  assert.match(d.message, 'in the "@amqp-gen" block');
  assert.match(d.hint ?? "", 'Did you mean "exchange_type"?');
});

test('errors: wrong values in the "@amqp-gen" block, each at its position with a fix in words', async () => {
  const text = JSON.stringify({
    version: 3,
    host: ["amqp://127.0.0.1:5672"],
    endpoints: [
      {
        endpoint: "/e/{k}",
        method: "POST",
        backend: [
          {
            disable_host_sanitize: true,
            extra_config: {
              "backend/amqp/producer": {
                name: "q",
                exchange: "ex",
                routing_key: "K",
                "@amqp-gen": { declare: "no", queue_arguments: { "x-max-priority": 300, "x-overflow": "reject" }, reply: { timeout: "soon" } },
              },
            },
          },
        ],
      },
    ],
  });
  const result = await generate(text, { file: FILE });
  const block = "/endpoints/0/backend/0/extra_config/backend~1amqp~1producer/@amqp-gen";
  const found = result.diagnostics.map((d) => [d.code, d.pointer.slice(block.length), d.message, d.hint]);
  assert.equal(found, [
    ["AG101", "/declare", '"declare" must be a boolean, not a string.', "Change the value to a boolean."],
    ["AG105", "/queue_arguments/x-max-priority", '"x-max-priority" must be at most 255.', "Use a value no greater than 255."],
    [
      "AG104",
      "/queue_arguments/x-overflow",
      '"x-overflow" must be one of "drop-head", "reject-publish", "reject-publish-dlx".',
      "Pick one of the listed values.",
    ],
    ["AG105", "/reply/timeout", '"timeout" has an invalid format.', 'Use a Go duration such as "2s", "1500ms" or "1m30s".'],
  ]);
  assert.equal(result.files, []);
});

test("errors: the capitalisation mistake suggests the KrakenD name", async () => {
  const c = errorCases.find((e) => e.name === "error-prio-capitalisation");
  assert.ok(c);
  const result = await run(c);
  const d = result.diagnostics.find((x) => x.code === "AG201");
  assert.ok(d, "AG201 expected");
  assert.match(d.hint ?? "", 'Did you mean "Prio"?');
});

// ---------------------------------------------------------------------------------------------
// Rules every golden file obeys, checked on the files on disk (what is committed).

function goldenFiles(): { path: string; content: string }[] {
  const out: { path: string; content: string }[] = [];
  for (const c of validCases) {
    const dir = c.expectedDir as string;
    const prefix = c.name === "showcase" ? "generated" : `fixtures/${c.name}/expected`;
    for (const [path, content] of readTree(dir, true)) out.push({ path: `${prefix}/${path}`, content });
  }
  return out;
}

test("golden files: the generated header, LF line ends, exactly one final newline", () => {
  const files = goldenFiles();
  assert.ok(files.length > 0, "no golden files found");
  for (const f of files) {
    if (f.path.endsWith(".json")) {
      // JSON has no comments: asyncapi.json is marked as generated by the manifest alone.
      assert.not.throws(() => JSON.parse(f.content), `${f.path} is not JSON`);
    } else {
      const header = f.path.endsWith(".ts") ? HEADER : HEADER.replace(/^\/\//, "#");
      assert.ok(f.content.startsWith(header + "\n"), `${f.path} does not start with "${header}"`);
    }
    assert.not.ok(f.content.includes("\r"), `${f.path} contains a CR: generated files use LF`);
    assert.ok(f.content.endsWith("\n") && !f.content.endsWith("\n\n"), `${f.path} must end with exactly one newline`);
  }
});

test("golden files: no `any`, no credentials, no absolute path, no date", () => {
  const secrets = fixtureSecrets(cases);
  assert.ok(secrets.includes("guest:guest"), "the fixtures' hosts should carry credentials to check for");
  const absolute = [REPO_ROOT, homedir(), tmpdir()].filter((p) => p.length > 1);
  const rules: { what: string; re: RegExp }[] = [
    { what: "`any` as a type", re: /: any\b|<any>|as any\b/ },
    { what: "an absolute path", re: /(?:^|[\s"'`(])(?:\/(?:home|Users|root|tmp|var|work|opt|private)\/|[A-Za-z]:\\)/m },
    { what: "an ISO date", re: /\b(?:19|20)\d{2}-[01]\d-[0-3]\d\b/ },
    { what: "a clock time", re: /\b[0-2]\d:[0-5]\d:[0-5]\d\b/ },
    { what: "a month and day", re: /\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}\b/ },
  ];
  for (const f of goldenFiles()) {
    for (const rule of rules) {
      const m = rule.re.exec(f.content);
      assert.not.ok(m, `${f.path} contains ${rule.what}: ${JSON.stringify(m?.[0])}`);
    }
    for (const secret of secrets) assert.not.ok(f.content.includes(secret), `${f.path} contains a credential from a fixture host (${JSON.stringify(secret)})`);
    for (const p of absolute) assert.not.ok(f.content.includes(p), `${f.path} contains the absolute path ${p}`);
    // A year in a comment (a copyright line, a "generated on" stamp).
    f.content.split("\n").forEach((line, i) => {
      // (Not inside a name such as "doc-2022-producer", which comes from the config.)
      if (/^\s*(?:\/\/|\/?\*)/.test(line)) {
        assert.not.ok(/(?<![\w.-])(?:19[7-9]\d|20\d{2})(?![\w.-])/.test(line), `${f.path}:${i + 1} has a year-like number in a comment: ${line.trim()}`);
      }
    });
  }
});

test("typecheck: every golden output and generated/ in one strict program", async () => {
  const project = await strictProject();
  const files = goldenFiles().filter((f) => f.path.endsWith(".ts"));
  assert.ok(
    files.some((f) => f.path.startsWith("generated/")),
    "generated/ holds no file: run `npm run generate`",
  );
  for (const f of files) project.addSourceFileAtPath(join(REPO_ROOT, f.path));
  // The runtime (its one copy, every module) stands, in memory, in every fixture folder that imports it.
  const fixtureDirs = validCases.filter((c) => c.name !== "showcase").map((c) => c.expectedDir as string);
  const runtime = templateRuntime();
  for (const dir of fixtureDirs) for (const [path, content] of runtime) project.createSourceFile(join(dir, path), content, { overwrite: true });
  assert.is(project.getSourceFiles().length, files.length + fixtureDirs.length * runtime.size);
  const diagnostics = project.getPreEmitDiagnostics();
  if (diagnostics.length > 0) console.error(project.formatDiagnosticsWithColorAndContext(diagnostics.slice(0, 50)));
  assert.is(diagnostics.length, 0, `${diagnostics.length} TypeScript diagnostic(s) in golden output (printed above)`);
});

// ---------------------------------------------------------------------------------------------
// Determinism: the same input twice, and the endpoints in reverse order, give the same bytes.

for (const c of validCases) {
  test(`determinism: ${c.name} twice, and with its endpoints reversed`, async () => {
    const first = await generate(c.text, { file: FILE });
    const second = await generate(c.text, { file: FILE });
    assert.equal(second.files, first.files, "two runs on the same input differ");
    assert.equal(second.diagnostics, first.diagnostics, "two runs on the same input report different diagnostics");

    const config = JSON.parse(c.text) as { endpoints?: unknown[] };
    assert.ok(Array.isArray(config.endpoints) && config.endpoints.length > 0);
    const reversed = { ...config, endpoints: [...config.endpoints].reverse() };
    const again = await generate(JSON.stringify(reversed, null, 2), { file: FILE });
    assert.equal(
      again.files.map((f) => f.path),
      first.files.map((f) => f.path),
      "the reversed config produces other files",
    );
    const diff = diffTrees(new Map(first.files.map((f) => [f.path, f.content])), new Map(again.files.map((f) => [f.path, f.content])));
    assert.ok(isClean(diff), `${c.name}: reversing the endpoints changes the output:\n${describeDiff(diff, join(REPO_ROOT, "(reversed)"))}`);
    assert.equal(
      again.diagnostics.map((d) => d.code).sort(),
      first.diagnostics.map((d) => d.code).sort(),
      "reversing the endpoints changes which diagnostics are reported",
    );
  });
}

test("generated/: its manifest lists exactly what the showcase produces", async () => {
  const showcase = validCases.find((c) => c.name === "showcase");
  assert.ok(showcase, "fixtures/showcase is missing");
  const { renderManifest } = await import("../generator/output/write.js");
  const manifest = readFileSync(join(GENERATED_DIR, ".amqp-gen-manifest.json"), "utf8");
  assert.is(manifest, renderManifest((await run(showcase)).files), "generated/.amqp-gen-manifest.json is stale: run `npm run generate`");
});

test("generated/: no stale extra file beside the showcase output", async () => {
  const showcase = validCases.find((c) => c.name === "showcase");
  assert.ok(showcase, "fixtures/showcase is missing");
  const produced = new Set((await run(showcase)).files.map((f) => f.path));
  const extra = [...readTree(GENERATED_DIR, true).keys()].filter((p) => !produced.has(p));
  assert.equal(
    extra,
    [],
    `generated/ has files the showcase no longer produces: ${extra.join(", ")}. Run \`npm run generate\` and delete what it does not write.`,
  );
});

test.run();
