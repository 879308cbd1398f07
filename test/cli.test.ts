// The real CLI, spawned as a user runs it: exit codes (0 ok, 1 --check drift, 2 invalid input or
// usage, 3 internal), diagnostics as `path:line:col`, and an output folder it never damages.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HEADER, listCases, readTree, REPO_ROOT, snapshotFolder, type FixtureCase } from "./helpers/golden.js";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Run {
  const res = spawnSync(process.execPath, ["--import", "tsx", "generator/cli.ts", ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 60_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

function explain(r: Run): string {
  return `exit ${r.status}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

const scratch = mkdtempSync(join(tmpdir(), "amqp-gen-cli-test-"));
let counter = 0;
function tempDir(label: string): string {
  const dir = join(scratch, `${String(++counter).padStart(2, "0")}-${label}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function put(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** A folder as a user has it: their own files beside output of an earlier run. */
function prePopulated(label: string): string {
  const dir = tempDir(label);
  put(dir, "SENTINEL.txt", "a file that is not amqp-gen's: it must survive every run\n");
  put(dir, "handwritten.ts", "export const mine = 1;\n");
  put(dir, "index.ts", `${HEADER}\n// Source: krakend.json\n\nexport const old = true;\n`);
  put(dir, "routes/post-old-route.ts", `${HEADER}\n// Source: krakend.json\n\nexport const oldRoute = 1;\n`);
  return dir;
}

const cases = listCases();
const errorCases = cases.filter((c) => c.kind === "error");
const byName = (name: string): FixtureCase => {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`fixtures/${name} is missing`);
  return c;
};

test.after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Invalid configs: exit 2, every error located as path:line:col, the output folder untouched.

for (const c of errorCases) {
  test(`invalid: ${c.name} exits 2, prints ${c.configPath}:line:col and leaves the output folder untouched`, () => {
    const out = prePopulated(c.name);
    const before = snapshotFolder(out);
    const r = cli(c.configPath, "--out", out);
    assert.is(r.status, 2, explain(r));
    const expected = c.expectedDiagnostics ?? [];
    assert.ok(expected.length > 0, `fixtures/${c.name}/expected-diagnostics.json lists no error`);
    for (const d of expected) {
      const location = `${c.configPath}:${d.line}:${d.column} error ${d.code}`;
      assert.ok(r.stderr.includes(location), `stderr should contain "${location}"\n${explain(r)}`);
    }
    assert.match(r.stderr, /nothing written/);
    assert.not.match(r.stderr, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");
    assert.equal(snapshotFolder(out), before, "the output folder changed although the config is invalid");
  });
}

test("invalid: --check on an invalid config exits 2 (invalid), not 1 (drift), and writes nothing", () => {
  const out = prePopulated("check-invalid");
  const before = snapshotFolder(out);
  const r = cli(byName("error-prio-capitalisation").configPath, "--out", out, "--check");
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, /Did you mean "Prio"\?/);
  assert.equal(snapshotFolder(out), before);
});

test("invalid: a folder with no output yet is not created for an invalid config", () => {
  const out = join(tempDir("never-created"), "out");
  const r = cli(byName("error-no-host").configPath, "--out", out);
  assert.is(r.status, 2, explain(r));
  assert.not.ok(existsSync(out), "the CLI created the output folder for an invalid config");
});

// ---------------------------------------------------------------------------------------------
// A valid config: writes exactly the golden files, then is idempotent, then --check guards it.

const valid = byName("multi-producer");
const golden = readTree(join(valid.dir, "expected"));
const out = prePopulated("valid");
const routeFile = [...golden.keys()].find((p) => p.startsWith("routes/")) ?? "routes/(none)";

test("valid: exits 0, writes exactly the golden files, removes its own stale file, keeps the user's", () => {
  const r = cli(valid.configPath, "--out", out);
  assert.is(r.status, 0, explain(r));
  const written = readTree(out);
  assert.is(written.get("SENTINEL.txt"), "a file that is not amqp-gen's: it must survive every run\n");
  assert.is(written.get("handwritten.ts"), "export const mine = 1;\n");
  assert.not.ok(written.has("routes/post-old-route.ts"), "a file amqp-gen wrote before and no longer produces must be removed");
  written.delete("SENTINEL.txt");
  written.delete("handwritten.ts");
  assert.equal([...written.keys()], [...golden.keys()], "the CLI wrote other files than the golden ones");
  for (const [path, content] of golden) assert.ok(written.get(path) === content, `${path} differs from fixtures/${valid.name}/expected/${path}`);
  assert.match(r.stdout, new RegExp(`${golden.size} files in .*: ${golden.size - 1} added, 1 changed, 1 removed, 0 unchanged`));
});

test("valid: a second run reports 0 changed and rewrites nothing", () => {
  const mtimes = new Map([...golden.keys()].map((p) => [p, statSync(join(out, p)).mtimeMs]));
  const r = cli(valid.configPath, "--out", out);
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, new RegExp(`0 added, 0 changed, 0 removed, ${golden.size} unchanged`));
  for (const [path, mtime] of mtimes) assert.is(statSync(join(out, path)).mtimeMs, mtime, `${path} was rewritten although unchanged`);
});

test("valid: --check exits 0 when the folder is in sync", () => {
  const r = cli(valid.configPath, "--out", out, "--check");
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, /is up to date/);
});

test("valid: --check exits 1 after a generated file is edited, names it, and writes nothing", () => {
  const target = join(out, routeFile);
  const edited = readFileSync(target, "utf8").replace("timeoutMs:", "timeoutMs: 1 +");
  writeFileSync(target, edited);
  const before = snapshotFolder(out);
  const r = cli(valid.configPath, "--out", out, "--check");
  assert.is(r.status, 1, explain(r));
  assert.match(r.stdout, new RegExp(`changed\\s+.*${routeFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+`));
  assert.match(r.stdout, /out of date/);
  assert.equal(snapshotFolder(out), before, "--check must not write");
});

test("valid: --check reports a missing file and a stale generated file", () => {
  const indexPath = join(out, "index.ts");
  unlinkSync(indexPath);
  put(out, "routes/delete-gone.ts", `${HEADER}\nexport {};\n`);
  const r = cli(valid.configPath, "--out", out, "--check");
  assert.is(r.status, 1, explain(r));
  assert.match(r.stdout, /missing\s+.*index\.ts/);
  assert.match(r.stdout, /stale\s+.*routes\/delete-gone\.ts/);
  assert.match(r.stdout, /3 file\(s\) differ/);
});

test("valid: a normal run repairs the folder, and --check agrees", () => {
  const r = cli(valid.configPath, "--out", out);
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, /1 added, 1 changed, 1 removed/);
  const check = cli(valid.configPath, "--out", out, "--check");
  assert.is(check.status, 0, explain(check));
  const written = readTree(out);
  for (const [path, content] of golden) assert.ok(written.get(path) === content, `${path} was not repaired`);
});

test("valid: warnings are printed with their location but do not fail the run", () => {
  const c = byName("doc-2022-producer");
  const dir = tempDir("warnings");
  const r = cli(c.configPath, "--out", dir);
  assert.is(r.status, 0, explain(r));
  for (const d of c.expectedDiagnostics ?? []) {
    assert.ok(r.stderr.includes(`${c.configPath}:${d.line}:${d.column} ${d.severity} ${d.code}`), `missing ${d.code} at ${d.line}:${d.column}\n${explain(r)}`);
  }
  const quiet = cli(c.configPath, "--out", dir, "--quiet");
  assert.is(quiet.status, 0, explain(quiet));
  assert.is(quiet.stderr, "", "--quiet prints errors only");
});

// ---------------------------------------------------------------------------------------------
// Usage errors and help.

test("usage: a missing config file exits 2 with a clear message and no stack trace", () => {
  const dir = tempDir("missing-config");
  const r = cli("fixtures/does-not-exist/krakend.json", "--out", join(dir, "out"));
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, /fixtures\/does-not-exist\/krakend\.json: cannot read the config \(no such file\)/);
  assert.not.match(r.stderr, /^\s+at /m, "no stack trace");
  assert.not.match(r.stderr, /ENOENT|Error:/, "no raw error object");
  assert.not.ok(existsSync(join(dir, "out")));
});

test("usage: an unknown flag (--chek) exits 2 and suggests --check", () => {
  const dir = tempDir("unknown-flag");
  const r = cli(byName("multi-producer").configPath, "--out", join(dir, "out"), "--chek");
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, /unknown option '--chek'/);
  assert.match(r.stderr, /Did you mean --check\?/);
  assert.not.ok(existsSync(join(dir, "out")), "nothing may be written on a usage error");
});

test("usage: --help exits 0 and lists the exit codes", () => {
  const r = cli("--help");
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, /Usage: amqp-gen/);
  assert.match(r.stdout, /--check/);
  assert.match(r.stdout, /Exit codes:/);
  for (const code of [/0 success/, /1 --check found drift/, /2 invalid config or usage/, /3 internal error/]) assert.match(r.stdout, code);
});

test.run();
