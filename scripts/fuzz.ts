// The long hostile-input run (issue 5): `npm run fuzz [-- --runs N --seed S --typecheck M]`.
// Env: FUZZ_RUNS, FUZZ_SEED, FUZZ_TYPECHECK. Defaults: 20,000 configs, a seed from the clock
// (printed, so that any run can be replayed), 1,000 valid outputs type-checked and imported.
//
// Feeds generate() the inputs of test/hostile.test.ts (valid-shaped configs, mutated ones,
// random JSON and random or mangled text) and checks the same properties: it never throws,
// either ≥ 1 error and no file or files and no error, every diagnostic well-formed, safe file
// names, no raw U+2028/U+2029/NUL/lone surrogate, no password. Up to M valid outputs are
// type-checked in strict ts-morph programs of 250 folders each, then imported under a canary, and
// their values compared with the config. Failing inputs are written to
// .tmp/hostile-fuzz/failures/. Exit 1 on any failure.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { generate } from "../generator/index.js";
import * as H from "../test/helpers/hostile.js";

function option(name: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const text = i >= 0 ? process.argv[i + 1] : process.env[env];
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name}: expected a non-negative integer, got ${JSON.stringify(text)}`);
  return value;
}

const RUNS = option("runs", "FUZZ_RUNS", 20_000);
const SEED = option("seed", "FUZZ_SEED", Date.now() % 2 ** 31);
const TYPECHECK = option("typecheck", "FUZZ_TYPECHECK", 1_000);
const CHUNK = 500;
const BATCH = 250;
const FILE = "krakend.json";

const folder = new H.CaseFolder("hostile-fuzz/out");
const failuresDir = join(H.ROOT, ".tmp", "hostile-fuzz", "failures");
mkdirSync(failuresDir, { recursive: true });

const byKind = new Map<string, { cases: number; generated: number; rejected: number }>();
const codes = new Map<string, number>();
const failures: { kind: string; problems: string[]; file: string }[] = [];
const kept: { dir: string; config: unknown }[] = [];
let threw = 0;
let slowest = { ms: 0, kind: "" };
const started = performance.now();

function fail(kind: string, input: unknown, problems: string[]): void {
  const file = join(failuresDir, `${SEED}-${failures.length}.json`);
  writeFileSync(file, JSON.stringify({ seed: SEED, kind, problems, input }, null, 2));
  failures.push({ kind, problems, file });
}

console.log(`fuzz: ${RUNS} configs, seed ${SEED} (replay: npm run fuzz -- --runs ${RUNS} --seed ${SEED})`);
for (let done = 0, chunk = 0; done < RUNS; chunk++) {
  const n = Math.min(CHUNK, RUNS - done);
  for (const input of fc.sample(H.fuzzInput, { numRuns: n, seed: SEED + chunk })) {
    const { arg, text, secrets } = H.fuzzArgument(input);
    const stats = byKind.get(input.kind) ?? { cases: 0, generated: 0, rejected: 0 };
    byKind.set(input.kind, stats);
    stats.cases++;
    const before = typeof arg === "object" ? JSON.stringify(arg) : null;
    const t = performance.now();
    let result: Awaited<ReturnType<typeof generate>>;
    try {
      result = await generate(arg, { file: FILE });
    } catch (err) {
      threw++;
      fail(input.kind, input, [`generate() threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`]);
      continue;
    }
    const ms = performance.now() - t;
    if (ms > slowest.ms) slowest = { ms, kind: input.kind };
    const problems = H.resultProblems(result, { text, secrets, file: FILE });
    if (before !== null && JSON.stringify(arg) !== before) problems.push("generate(object) mutated its input");
    if (problems.length > 0) fail(input.kind, input, problems);
    for (const d of result.diagnostics) codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
    if (result.files.length === 0) {
      stats.rejected++;
    } else {
      stats.generated++;
      if (kept.length < TYPECHECK) kept.push({ dir: folder.write(result.files), config: JSON.parse(text.replace(/^\uFEFF/, "")) as unknown });
    }
  }
  done += n;
  if (done % 5_000 === 0 || done === RUNS) {
    console.log(`  ${done} / ${RUNS} (${((performance.now() - started) / 1000).toFixed(1)} s, ${failures.length} failure(s))`);
  }
}
const generateMs = performance.now() - started;

// Type-check the kept outputs in batches, then import each under the canary and compare values.
const tcStarted = performance.now();
let tsDiagnostics = 0;
let tsFiles = 0;
for (let i = 0; i < kept.length; i += BATCH) {
  const batch = kept.slice(i, i + BATCH);
  const tc = await H.typecheck(
    batch.map((k) => k.dir),
    folder,
  );
  tsDiagnostics += tc.count;
  tsFiles += tc.files;
  for (const [dir, list] of tc.byDir) {
    const k = batch.find((b) => b.dir.endsWith(`/${dir}`));
    fail("typecheck", k?.config ?? dir, list);
  }
}
const tcMs = performance.now() - tcStarted;
const importStarted = performance.now();
const canary = H.armCanary();
let imported = 0;
try {
  for (const k of kept) {
    try {
      const problems = H.roundTripProblems(k.config, await H.importCase(k.dir));
      if (problems.length > 0) fail("round-trip", k.config, problems);
      imported++;
    } catch (err) {
      fail("import", k.config, [err instanceof Error ? err.message : String(err)]);
    }
  }
} finally {
  canary.disarm();
}
if (canary.hits.length > 0) fail("canary", null, canary.hits);
const importMs = performance.now() - importStarted;

const total = [...byKind.values()].reduce((a, s) => ({ cases: a.cases + s.cases, generated: a.generated + s.generated, rejected: a.rejected + s.rejected }), {
  cases: 0,
  generated: 0,
  rejected: 0,
});
console.log(`\ncases: ${total.cases} (${total.generated} generated, ${total.rejected} rejected), seed ${SEED}`);
for (const [kind, s] of [...byKind].sort())
  console.log(
    `  ${kind.padEnd(14)} ${String(s.cases).padStart(6)} cases  ${String(s.generated).padStart(6)} generated  ${String(s.rejected).padStart(6)} rejected`,
  );
console.log(
  `diagnostics by code: ${[...codes]
    .sort()
    .map(([c, n]) => `${c} ${n}`)
    .join(", ")}`,
);
console.log(
  `generate(): ${(generateMs / 1000).toFixed(1)} s (${(generateMs / total.cases).toFixed(2)} ms per config, slowest ${Math.round(slowest.ms)} ms, ${slowest.kind}); threw ${threw} time(s)`,
);
console.log(`type-check: ${kept.length} outputs, ${tsFiles} files, ${tsDiagnostics} TS diagnostics, ${(tcMs / 1000).toFixed(1)} s`);
console.log(`import: ${imported} outputs imported, canary ${canary.hits.length === 0 ? "untouched" : "TRIPPED"}, ${(importMs / 1000).toFixed(1)} s`);
if (failures.length > 0) {
  console.log(`\nFAILED: ${failures.length} failure(s) (inputs in ${failuresDir}):`);
  for (const f of failures.slice(0, 10)) console.log(`  [${f.kind}] ${f.problems.slice(0, 3).join(" | ").slice(0, 400)}\n    ${f.file}`);
  process.exitCode = 1;
} else {
  console.log(`\nresult: PASS (${total.cases} configs, no failure)`);
}
