// The real CLI, spawned as a user runs it: exit codes (0 ok, 1 --check drift, 2 invalid input,
// usage or files it will not overwrite, 3 internal), diagnostics as `path:line:col`, and an
// output folder it owns only in part: a manifest (`.amqp-gen-manifest.json`, path → SHA-256)
// says which files are amqp-gen's; every other file is the user's and is never touched.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { syntheticConfig } from "../bench/configs.js";
import { generate } from "../generator/index.js";
import { HEADER, listCases, readTree, REPO_ROOT, snapshotFolder, type FixtureCase } from "./helpers/golden.js";

const MANIFEST = ".amqp-gen-manifest.json";
const ANSI = "\u001b[";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// The built CLI, as users run it (`npm test` builds first): a third of the start-up of tsx on the sources.
const CLI_ARGS = ["dist/generator/cli/cli.js"];

/** The environment of a spawned CLI: no colour unless a test asks, never a forced colour. */
function cliEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...overrides };
  delete env["FORCE_COLOR"];
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete env[key];
  return env;
}

function cliWith(env: Record<string, string | undefined>, ...args: string[]): Run {
  const res = spawnSync(process.execPath, [...CLI_ARGS, ...args], { cwd: REPO_ROOT, encoding: "utf8", env: cliEnv(env), timeout: 60_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

function cli(...args: string[]): Run {
  return cliWith({}, ...args);
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

/**
 * A folder laid out as a user's project: `node_modules` (a link to ours) lets `--verify` resolve
 * `amqplib`, which the generated runtime imports. See the BUG test on --verify below.
 */
const project = join(scratch, "project");
mkdirSync(project);
symlinkSync(join(REPO_ROOT, "node_modules"), join(project, "node_modules"), "dir");
function projectDir(label: string): string {
  const dir = join(project, `${String(++counter).padStart(2, "0")}-${label}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function put(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), "utf8");
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function mtimes(dir: string): Map<string, number> {
  return new Map([...readTree(dir).keys()].map((p) => [p, statSync(join(dir, p)).mtimeMs]));
}

/** A folder as a user of an older amqp-gen has it: no manifest, their own files beside our output. */
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

// multi-producer: five endpoints, one file each. Endpoint 2 (DELETE /orders/{region}/{id}) is
// `routes/delete-orders-region-id.ts`, endpoint 4 (GET /audit/{kind}) `routes/get-audit-kind.ts`.
// What the CLI must write is what generate() produces (test/golden.test.ts compares that with
// fixtures/multi-producer/expected): this file tests the CLI and the folder, not the templates.
const valid = byName("multi-producer");
const expected: ReadonlyMap<string, string> = new Map((await generate(valid.text, { file: valid.configPath })).files.map((f) => [f.path, f.content]));
const N = expected.size;
const DELETE_ROUTE = "routes/delete-orders-region-id.ts";
/** The contract of the messages: it changes with any route's exchange, key, headers or body. */
const ASYNCAPI = "asyncapi.json";
const GET_AUDIT_ROUTE = "routes/get-audit-kind.ts";

type Config = { endpoints: { endpoint: string; method: string; backend: { extra_config: Record<string, { exchange: string }> }[] }[] };

/** A copy of the multi-producer config in a temp folder, changed by `edit`. */
function configCopy(label: string, edit: (config: Config) => void = () => {}): string {
  const config = JSON.parse(valid.text) as Config;
  edit(config);
  const path = join(tempDir(`config-${label}`), "krakend.json");
  writeFileSync(path, JSON.stringify(config, null, 2) + "\n");
  return path;
}

function producerOf(config: Config, method: string, endpoint: string): { exchange: string } {
  const e = config.endpoints.find((x) => x.method === method && x.endpoint === endpoint);
  const producer = e?.backend[0]?.extra_config["backend/amqp/producer"];
  if (!producer) throw new Error(`no producer for ${method} ${endpoint}`);
  return producer;
}

const renameDeleteExchange = (config: Config) => {
  producerOf(config, "DELETE", "/orders/{region}/{id}").exchange = "amqpgen.multi-producer.orders-renamed";
};
const dropGetAudit = (config: Config) => {
  config.endpoints = config.endpoints.filter((e) => !(e.method === "GET" && e.endpoint === "/audit/{kind}"));
};

/** The manifest amqp-gen must write for `files`: sorted paths → SHA-256, nothing else. */
function expectedManifest(files: ReadonlyMap<string, string>): { generator: string; files: Record<string, string> } {
  return { generator: "amqp-gen", files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, c]) => [p, sha256(c)])) };
}

/** A folder freshly generated from `config` by the CLI, checked to have succeeded. */
function generated(label: string, config: string = valid.configPath, parent?: string): string {
  const dir = parent ? join(parent, label) : join(tempDir(label), "out");
  const r = cli(config, "--out", dir);
  if (r.status !== 0) throw new Error(`setup run failed\n${explain(r)}`);
  return dir;
}

const NO_STACK = /^\s+at .+:\d+:\d+\)?$/m;

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
    const wanted = c.expectedDiagnostics ?? [];
    assert.ok(wanted.length > 0, `fixtures/${c.name}/expected-diagnostics.json lists no error`);
    for (const d of wanted) {
      const location = `${c.configPath}:${d.line}:${d.column} error ${d.code}`;
      assert.ok(r.stderr.includes(location), `stderr should contain "${location}"\n${explain(r)}`);
    }
    assert.match(r.stderr, /nothing written/);
    assert.not.match(r.stderr, NO_STACK, "no stack trace");
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

test("invalid: a folder with no output yet is not created for an invalid config, nor anything beside it", () => {
  const parent = tempDir("never-created");
  const out = join(parent, "out");
  const r = cli(byName("error-no-host").configPath, "--out", out);
  assert.is(r.status, 2, explain(r));
  assert.not.ok(existsSync(out), "the CLI created the output folder for an invalid config");
  assert.equal(readdirSync(parent), [], "a temporary folder was left behind");
});

test("invalid: a failed run leaves the previous output, manifest included, byte for byte", () => {
  const out = generated("failed-run-keeps-output");
  put(out, "notes.md", "mine\n");
  const before = snapshotFolder(out);
  const config = configCopy("broken-json");
  writeFileSync(config, "{\n");
  const r = cli(config, "--out", out);
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, /AG001/);
  assert.equal(snapshotFolder(out), before, "an invalid config changed the previous output");
});

// ---------------------------------------------------------------------------------------------
// A valid config, one folder through its life: a folder of an older amqp-gen (no manifest) is
// taken over, then kept in sync; hand edits are refused unless --force.

const out = prePopulated("valid");

test("valid: exits 0 on a folder of an older version, writes the expected files and the manifest, removes its own stale file, keeps the user's", () => {
  const r = cli(valid.configPath, "--out", out);
  assert.is(r.status, 0, explain(r));
  const written = readTree(out);
  assert.is(written.get("SENTINEL.txt"), "a file that is not amqp-gen's: it must survive every run\n");
  assert.is(written.get("handwritten.ts"), "export const mine = 1;\n", "a .ts file without the header is the user's");
  assert.not.ok(written.has("routes/post-old-route.ts"), "a file with amqp-gen's header that it no longer produces must be removed");
  assert.ok(written.has(MANIFEST), `${MANIFEST} was not written`);
  written.delete("SENTINEL.txt");
  written.delete("handwritten.ts");
  written.delete(MANIFEST);
  assert.equal([...written.keys()], [...expected.keys()], "the CLI wrote other files than the expected ones (temporary files left behind?)");
  for (const [path, content] of expected) assert.ok(written.get(path) === content, `${path} differs from what generate() produces`);
  // index.ts had amqp-gen's header: it counted as amqp-gen's and was replaced.
  assert.match(r.stdout, new RegExp(`${N} files in .*: ${N - 1} added, 1 changed, 1 removed, 0 unchanged`));
});

test("valid: the manifest is deterministic JSON: generator and sorted path → sha256 of each generated file, nothing else", () => {
  const text = read(out, MANIFEST);
  const parsed = JSON.parse(text) as Record<string, unknown>;
  assert.equal(Object.keys(parsed), ["generator", "files"]);
  assert.equal(parsed, expectedManifest(expected));
  assert.equal(Object.keys(parsed["files"] as object), [...expected.keys()].sort(), "paths are sorted");
  assert.not.match(text, /\d{4}-\d\d-\d\d|T\d\d:\d\d/, "no dates");
  assert.not.ok("SENTINEL.txt" in (parsed["files"] as object) || "handwritten.ts" in (parsed["files"] as object), "user files are not in the manifest");
  // Another folder, another moment: the same bytes.
  const elsewhere = generated("manifest-again");
  assert.is(read(elsewhere, MANIFEST), text, "the manifest depends on something other than the files");
});

test("valid: a second run reports 0 changed and rewrites nothing, not even the manifest", () => {
  const before = mtimes(out);
  const r = cli(valid.configPath, "--out", out);
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, new RegExp(`0 added, 0 changed, 0 removed, ${N} unchanged`));
  assert.equal(mtimes(out), before, "a file was rewritten although unchanged");
});

test("valid: --check exits 0 when the folder is in sync", () => {
  const r = cli(valid.configPath, "--out", out, "--check");
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, new RegExp(`is up to date \\(${N} files\\)`));
});

test("valid: the user's own files, even a .ts with amqp-gen's header, are ignored by --check and never touched by a run", () => {
  put(out, "notes.md", "my notes\n");
  put(out, "routes/post-mine.ts", `${HEADER}\n// I copied the header, but amqp-gen never wrote this file.\nexport const mine = 2;\n`);
  const check = cli(valid.configPath, "--out", out, "--check");
  assert.is(check.status, 0, explain(check));
  assert.not.match(check.stdout, /post-mine|notes\.md/);
  const before = snapshotFolder(out);
  const r = cli(valid.configPath, "--out", out);
  assert.is(r.status, 0, explain(r));
  assert.equal(snapshotFolder(out), before, "a run touched the folder although it was in sync");
});

const routeFile = DELETE_ROUTE;
let editedLine = 0;
let editedText = "";

test("valid: --check exits 1 after a generated file is edited by hand, names it with the first differing line, and writes nothing", () => {
  const target = join(out, routeFile);
  const lines = readFileSync(target, "utf8").split("\n");
  editedLine = lines.findIndex((l) => l.includes("timeoutMs:")) + 1;
  assert.ok(editedLine > 0, `${routeFile} has no timeoutMs line to edit`);
  editedText = readFileSync(target, "utf8").replace("timeoutMs:", "timeoutMs: 1 +");
  writeFileSync(target, editedText);
  const before = snapshotFolder(out);
  const r = cli(valid.configPath, "--out", out, "--check");
  assert.is(r.status, 1, explain(r));
  assert.match(r.stdout, new RegExp(`^changed\\s+.*${escapeRe(routeFile)}:${editedLine}$`, "m"));
  assert.match(r.stdout, /out of date: 1 file\(s\) differ/);
  assert.equal(snapshotFolder(out), before, "--check must not write");
});

test("valid: a run refuses to overwrite the hand-edited file: exit 2, names it, writes nothing at all", () => {
  const before = snapshotFolder(out);
  const r = cli(valid.configPath, "--out", out);
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, new RegExp(`${escapeRe(routeFile)}: generated file edited by hand`));
  assert.match(r.stderr, /--force/);
  assert.not.match(r.stderr, NO_STACK);
  assert.equal(snapshotFolder(out), before, "the folder changed although the run was refused");
  assert.is(read(out, routeFile), editedText);
});

test("valid: --json reports the refused file as a conflict, with exit code 2", () => {
  const before = snapshotFolder(out);
  const r = cli(valid.configPath, "--out", out, "--json");
  assert.is(r.status, 2, explain(r));
  const report = JSON.parse(r.stdout) as { exitCode: number; files: { path: string; status: string }[] };
  assert.is(report.exitCode, 2);
  assert.equal(
    report.files.filter((f) => f.status !== "unchanged"),
    [{ path: routeFile, status: "conflict", line: editedLine }],
  );
  assert.equal(snapshotFolder(out), before);
});

test("valid: --check reports a deleted generated file as missing (and the edited one as changed)", () => {
  unlinkSync(join(out, "index.ts"));
  const r = cli(valid.configPath, "--out", out, "--check");
  assert.is(r.status, 1, explain(r));
  assert.match(r.stdout, /^missing\s+.*index\.ts$/m);
  assert.match(r.stdout, new RegExp(`^changed\\s+.*${escapeRe(routeFile)}:${editedLine}$`, "m"));
  assert.match(r.stdout, /2 file\(s\) differ/);
});

test("valid: --force overwrites the hand-edited file, restores the missing one, keeps the user's files; --check then agrees", () => {
  const r = cli(valid.configPath, "--out", out, "--force");
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, new RegExp(`1 added, 1 changed, 0 removed, ${N - 2} unchanged`));
  const written = readTree(out);
  for (const [path, content] of expected) assert.ok(written.get(path) === content, `${path} was not repaired`);
  assert.is(written.get("notes.md"), "my notes\n");
  assert.ok(written.get("routes/post-mine.ts")?.includes("amqp-gen never wrote this file"));
  assert.is(written.get("handwritten.ts"), "export const mine = 1;\n");
  assert.equal(JSON.parse(read(out, MANIFEST)), expectedManifest(expected));
  const check = cli(valid.configPath, "--out", out, "--check");
  assert.is(check.status, 0, explain(check));
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
// The config changes under a folder amqp-gen owns.

test("config change: --check names the route file whose exchange changed; the run rewrites only it and the manifest", () => {
  const dir = generated("exchange-renamed");
  put(dir, "mine.ts", `${HEADER}\nexport const mine = 3;\n`);
  const renamed = configCopy("exchange-renamed", renameDeleteExchange);
  const check = cli(renamed, "--out", dir, "--check");
  assert.is(check.status, 1, explain(check));
  const drift = check.stdout.split("\n").filter((l) => /^(missing|changed|stale) /.test(l));
  // The route file, and the contract: the message goes to another exchange.
  assert.is(drift.length, 2, explain(check));
  assert.match(drift[0] ?? "", new RegExp(`^changed  ${escapeRe(join(dir, ASYNCAPI))}:\\d+$`));
  assert.match(drift[1] ?? "", new RegExp(`^changed  ${escapeRe(join(dir, DELETE_ROUTE))}:\\d+$`));

  const before = mtimes(dir);
  const r = cli(renamed, "--out", dir);
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, new RegExp(`0 added, 2 changed, 0 removed, ${N - 2} unchanged`));
  assert.ok(read(dir, DELETE_ROUTE).includes("amqpgen.multi-producer.orders-renamed"));
  const after = mtimes(dir);
  const touched = [...after.keys()].filter((p) => after.get(p) !== before.get(p)).sort();
  assert.equal(touched, [MANIFEST, ASYNCAPI, DELETE_ROUTE].sort(), "only the changed files and the manifest may be rewritten");
  const manifest = JSON.parse(read(dir, MANIFEST)) as { files: Record<string, string> };
  assert.is(manifest.files[DELETE_ROUTE], sha256(read(dir, DELETE_ROUTE)), "the manifest has the old hash");
  assert.is(read(dir, "mine.ts"), `${HEADER}\nexport const mine = 3;\n`);
});

test("config change: an endpoint removed makes its route file stale (--check), --dry-run lists it, the run removes it", () => {
  const dir = generated("endpoint-removed");
  put(dir, "routes/mine.ts", "export const mine = 4;\n");
  const reduced = configCopy("endpoint-removed", dropGetAudit);

  const check = cli(reduced, "--out", dir, "--check");
  assert.is(check.status, 1, explain(check));
  assert.match(check.stdout, new RegExp(`^stale    ${escapeRe(join(dir, GET_AUDIT_ROUTE))}$`, "m"));
  assert.not.match(check.stdout, /routes\/mine\.ts/);

  const before = snapshotFolder(dir);
  const dry = cli(reduced, "--out", dir, "--dry-run");
  assert.is(dry.status, 0, explain(dry));
  assert.match(dry.stdout, new RegExp(`^removed  ${escapeRe(join(dir, GET_AUDIT_ROUTE))}$`, "m"));
  assert.match(dry.stdout, /nothing written/);
  assert.equal(snapshotFolder(dir), before, "--dry-run wrote");

  const r = cli(reduced, "--out", dir);
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, /1 removed/);
  assert.not.ok(existsSync(join(dir, GET_AUDIT_ROUTE)), "the stale route file is still there");
  assert.is(read(dir, "routes/mine.ts"), "export const mine = 4;\n");
  const manifest = JSON.parse(read(dir, MANIFEST)) as { files: Record<string, string> };
  assert.not.ok(GET_AUDIT_ROUTE in manifest.files, "the removed file is still in the manifest");
  assert.is(Object.keys(manifest.files).length, expected.size - 1);
});

test("config change: a hand-edited route file whose endpoint was removed is refused, and --force removes it (and its manifest entry)", () => {
  const dir = generated("edited-then-removed");
  put(dir, GET_AUDIT_ROUTE, `${read(dir, GET_AUDIT_ROUTE)}// my edit\n`);
  const reduced = configCopy("edited-then-removed", dropGetAudit);

  const refused = cli(reduced, "--out", dir);
  assert.is(refused.status, 2, explain(refused));
  assert.match(refused.stderr, new RegExp(`${escapeRe(join(dir, GET_AUDIT_ROUTE))}: generated file edited by hand`));

  const forced = cli(reduced, "--out", dir, "--force");
  assert.is(forced.status, 0, explain(forced));
  assert.match(forced.stdout, /1 removed/);
  assert.not.ok(existsSync(join(dir, GET_AUDIT_ROUTE)), "--force left the edited stale file behind");
  const manifest = JSON.parse(read(dir, MANIFEST)) as { files: Record<string, string> };
  assert.not.ok(GET_AUDIT_ROUTE in manifest.files);
  assert.is(cli(reduced, "--out", dir, "--check").status, 0);
});

// ---------------------------------------------------------------------------------------------
// Files of the user's where a generated file goes.

test("ownership: a user's file where a generated file goes (not in the manifest) is not overwritten without --force", () => {
  const dir = generated("user-file-in-the-way", configCopy("user-file-in-the-way", dropGetAudit));
  const mine = `${HEADER}\n// mine, although it has the header: amqp-gen's manifest does not list it\nexport const x = 1;\n`;
  put(dir, GET_AUDIT_ROUTE, mine);
  const before = snapshotFolder(dir);
  const r = cli(valid.configPath, "--out", dir);
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, new RegExp(`${escapeRe(GET_AUDIT_ROUTE)}: not written by amqp-gen`));
  assert.equal(snapshotFolder(dir), before, "nothing at all may be written when a file is refused");

  const forced = cli(valid.configPath, "--out", dir, "--force");
  assert.is(forced.status, 0, explain(forced));
  assert.is(read(dir, GET_AUDIT_ROUTE), expected.get(GET_AUDIT_ROUTE));
  assert.equal(JSON.parse(read(dir, MANIFEST)), expectedManifest(expected));
});

test("ownership: in a folder without a manifest, a file without amqp-gen's header is the user's: refused without --force", () => {
  const dir = tempDir("legacy-not-ours");
  put(dir, "index.ts", "// my own index\nexport {};\n");
  const before = snapshotFolder(dir);
  const r = cli(valid.configPath, "--out", dir);
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, /index\.ts: not written by amqp-gen/);
  assert.equal(snapshotFolder(dir), before);
  const forced = cli(valid.configPath, "--out", dir, "--force");
  assert.is(forced.status, 0, explain(forced));
  assert.is(read(dir, "index.ts"), expected.get("index.ts"));
});

// ---------------------------------------------------------------------------------------------
// --check and --dry-run on folders that do not exist; --dry-run on an older folder.

test("--check: a missing folder exits 1 with one clear line, no stack trace, and is not created", () => {
  const dir = join(tempDir("check-missing"), "out");
  const r = cli(valid.configPath, "--out", dir, "--check");
  assert.is(r.status, 1, explain(r));
  const lines = (r.stdout + r.stderr).split("\n").filter((l) => l.trim() !== "");
  assert.is(lines.length, 1, explain(r));
  assert.match(lines[0] ?? "", new RegExp(`${escapeRe(dir)} does not exist: ${N} files would be generated`));
  assert.not.match(r.stderr, NO_STACK);
  assert.not.ok(existsSync(dir));
});

test("--dry-run: lists what would be added, changed and removed in an older folder, writes nothing, creates no manifest, exits 0", () => {
  const dir = prePopulated("dry-run");
  const before = snapshotFolder(dir);
  const r = cli(valid.configPath, "--out", dir, "--dry-run");
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, /^changed  .*\/index\.ts$/m);
  assert.match(r.stdout, /^added    .*\/runtime\/publisher\.ts$/m);
  assert.match(r.stdout, /^removed  .*\/routes\/post-old-route\.ts$/m);
  assert.not.match(r.stdout, /SENTINEL|handwritten/);
  assert.match(r.stdout, new RegExp(`dry run: ${N - 1} to add, 1 to change, 1 to remove, 0 unchanged; nothing written\\.`));
  assert.equal(snapshotFolder(dir), before, "--dry-run wrote");
  assert.not.ok(existsSync(join(dir, MANIFEST)));

  const missing = join(tempDir("dry-run-missing"), "out");
  const r2 = cli(valid.configPath, "--out", missing, "--dry-run");
  assert.is(r2.status, 0, explain(r2));
  assert.is(r2.stdout.split("\n").filter((l) => l.startsWith("added ")).length, expected.size);
  assert.not.ok(existsSync(missing), "--dry-run created the folder");
});

// ---------------------------------------------------------------------------------------------
// --json: exactly one JSON document on stdout; human text on stderr only.

interface JsonReport {
  exitCode: number;
  config: string;
  out: string;
  mode: string;
  diagnostics: Record<string, unknown>[];
  files: { path: string; status: string; line?: number }[];
  message: string;
}

function jsonReport(r: Run): JsonReport {
  try {
    return JSON.parse(r.stdout) as JsonReport;
  } catch {
    throw new Error(`stdout is not exactly one JSON document\n${explain(r)}`);
  }
}

test("--json: a write prints one JSON report on stdout and its human summary on stderr", () => {
  const dir = join(tempDir("json-write"), "out");
  const r = cli(valid.configPath, "--out", dir, "--json");
  assert.is(r.status, 0, explain(r));
  const report = jsonReport(r);
  assert.equal(Object.keys(report).sort(), ["config", "diagnostics", "exitCode", "files", "message", "mode", "out"]);
  assert.is(report.exitCode, 0);
  assert.is(report.mode, "write");
  assert.is(report.config, valid.configPath);
  assert.is(report.out, dir);
  assert.equal(report.diagnostics, []);
  assert.equal(
    report.files,
    [...expected.keys()].map((path) => ({ path, status: "added" })),
  );
  assert.match(report.message, new RegExp(`${N} files in .*: ${N} added`));
  assert.match(r.stderr, new RegExp(`${N} files in .*: ${N} added`), "the human summary goes to stderr");
  assert.ok(existsSync(join(dir, MANIFEST)));
});

test("--json: an invalid config gives its diagnostics with line and column, exitCode 2, and no human diagnostics on stdout", () => {
  const c = byName("error-prio-capitalisation");
  const dir = join(tempDir("json-invalid"), "out");
  const r = cli(c.configPath, "--out", dir, "--json");
  assert.is(r.status, 2, explain(r));
  const report = jsonReport(r);
  assert.is(report.exitCode, 2);
  assert.equal(report.files, []);
  const wanted = c.expectedDiagnostics ?? [];
  assert.is(report.diagnostics.length, wanted.length);
  for (const [i, d] of wanted.entries()) {
    const got = report.diagnostics[i] ?? {};
    assert.equal(Object.keys(got).sort(), ["code", "column", "file", "hint", "line", "message", "pointer", "severity"]);
    assert.equal(
      { code: got["code"], severity: got["severity"], line: got["line"], column: got["column"], pointer: got["pointer"], file: got["file"] },
      { code: d.code, severity: d.severity, line: d.line, column: d.column, pointer: d.pointer, file: c.configPath },
    );
    assert.match(String(got["hint"]), /Did you mean "Prio"\?/);
  }
  assert.not.ok(existsSync(dir));
});

test("--json --check: drift gives exitCode 1 and the changed file with its line; --json --dry-run says so in mode", () => {
  const dir = generated("json-check");
  const renamed = configCopy("json-check", renameDeleteExchange);
  const r = cli(renamed, "--out", dir, "--check", "--json");
  assert.is(r.status, 1, explain(r));
  const report = jsonReport(r);
  assert.is(report.exitCode, 1);
  assert.is(report.mode, "check");
  const changed = report.files.filter((f) => f.status !== "unchanged");
  assert.equal(
    changed.map((f) => [f.path, f.status, typeof f.line]),
    [
      [ASYNCAPI, "changed", "number"],
      [DELETE_ROUTE, "changed", "number"],
    ],
  );
  assert.match(r.stderr, /^changed  /m, "the human lines go to stderr");

  const dry = cli(renamed, "--out", dir, "--dry-run", "--json");
  assert.is(dry.status, 0, explain(dry));
  const dryReport = jsonReport(dry);
  assert.is(dryReport.mode, "dry-run");
  assert.is(dryReport.exitCode, 0);
  assert.is(dryReport.files.filter((f) => f.status === "changed").length, 2);
});

// ---------------------------------------------------------------------------------------------
// --watch: regenerates on change (debounced), keeps the last good output on a bad config,
// exits 0 on Ctrl-C.

interface Watcher {
  lines: () => string[];
  stderr: () => string;
  until: (what: string, cond: (lines: string[]) => boolean, ms?: number) => Promise<void>;
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill: () => void;
}

function startWatch(config: string, outDir: string): Watcher {
  const child = spawn(process.execPath, [...CLI_ARGS, config, "--out", outDir, "--watch"], {
    cwd: REPO_ROOT,
    env: cliEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const lines = () => stdout.split("\n").filter((l) => l !== "");
  return {
    lines,
    stderr: () => stderr,
    until: async (what, cond, ms = 10_000) => {
      const deadline = Date.now() + ms;
      while (!cond(lines())) {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`--watch exited while waiting for ${what}\n--- stdout\n${stdout}--- stderr\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`--watch: no ${what} within ${ms} ms\n--- stdout\n${stdout}--- stderr\n${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: async () => {
      child.kill("SIGINT");
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`--watch did not exit within 10 s of SIGINT\n${stdout}`)), 10_000).unref(),
      );
      return Promise.race([exited, timeout]);
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** The line --watch prints after each run: a time stamp, then the summary or the error count. */
const STAMPED = /^\[\d\d:\d\d:\d\d\] /;
const stampedSummaries = (lines: string[]) => lines.filter((l) => STAMPED.test(l) && / files in .*: \d+ added, \d+ changed/.test(l));

test("--watch: regenerates on a config change, keeps the last good output on an invalid config, exits 0 on SIGINT", async () => {
  const config = configCopy("watch");
  const dir = join(dirname(config), "..", `${String(++counter).padStart(2, "0")}-watch-out`);
  const w = startWatch(config, dir);
  try {
    await w.until("first summary line", (l) => stampedSummaries(l).length >= 1);
    assert.match(w.lines()[0] ?? "", /^watching .*krakend\.json/);
    assert.match(stampedSummaries(w.lines())[0] ?? "", new RegExp(`${N} files in .*: ${N} added`));
    assert.is(read(dir, DELETE_ROUTE), expected.get(DELETE_ROUTE));

    const edited = JSON.parse(readFileSync(config, "utf8")) as Config;
    renameDeleteExchange(edited);
    writeFileSync(config, JSON.stringify(edited, null, 2) + "\n");
    await w.until("second summary line", (l) => stampedSummaries(l).length >= 2);
    await new Promise((r) => setTimeout(r, 400)); // a burst of fs events must give one run only
    assert.is(stampedSummaries(w.lines()).length, 2, `one change, one run (debounced):\n${w.lines().join("\n")}`);
    assert.match(stampedSummaries(w.lines())[1] ?? "", new RegExp(`0 added, 2 changed, 0 removed, ${N - 2} unchanged`));
    assert.ok(read(dir, DELETE_ROUTE).includes("amqpgen.multi-producer.orders-renamed"), "the route file did not change on disk");

    const before = snapshotFolder(dir);
    writeFileSync(config, "{");
    await w.until("a line about the invalid config", (l) => l.some((x) => STAMPED.test(x) && /kept the last good output/.test(x)));
    assert.match(w.stderr(), /AG001/);
    assert.equal(snapshotFolder(dir), before, "an invalid config changed the output folder");

    const exit = await w.stop();
    assert.equal(exit, { code: 0, signal: null }, `--watch should exit 0 on SIGINT\n${w.lines().join("\n")}\n${w.stderr()}`);
  } finally {
    w.kill();
  }
});

test("--watch: each run prints exactly one line on stdout", async () => {
  const config = configCopy("watch-one-line");
  const dir = join(dirname(config), "out");
  const w = startWatch(config, dir);
  try {
    await w.until("first summary line", (l) => stampedSummaries(l).length >= 1);
    const edited = JSON.parse(readFileSync(config, "utf8")) as Config;
    renameDeleteExchange(edited);
    writeFileSync(config, JSON.stringify(edited, null, 2) + "\n");
    await w.until("second summary line", (l) => stampedSummaries(l).length >= 2);
    await new Promise((r) => setTimeout(r, 400));
    const lines = w.lines();
    assert.is(lines.length, 3, `expected "watching …" and one line per run:\n${lines.join("\n")}`);
    assert.match(lines[0] ?? "", /^watching /);
    assert.ok(
      lines.slice(1).every((l) => STAMPED.test(l)),
      lines.join("\n"),
    );
  } finally {
    w.kill();
  }
});

// ---------------------------------------------------------------------------------------------
// CLI manners: usage errors, help, version, colour, code frames, timings.

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
  const r = cli(valid.configPath, "--out", join(dir, "out"), "--chek");
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, /unknown option '--chek'/);
  assert.match(r.stderr, /Did you mean --check\?/);
  assert.not.ok(existsSync(join(dir, "out")), "nothing may be written on a usage error");
});

test("usage: --adapter nope exits 2, names the allowed adapters, writes nothing", () => {
  const dir = tempDir("bad-adapter");
  const r = cli(valid.configPath, "--out", join(dir, "out"), "--adapter", "nope");
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, /'nope' is invalid/);
  assert.match(r.stderr, /express, fastify, hono/);
  assert.not.ok(existsSync(join(dir, "out")));
});

test("usage: --out naming a file exits 2 with a clear message", () => {
  const file = join(tempDir("out-is-a-file"), "out");
  writeFileSync(file, "not a folder\n");
  const r = cli(valid.configPath, "--out", file);
  assert.is(r.status, 2, explain(r));
  assert.not.match(r.stderr, /internal error|EEXIST/);
  assert.is(readFileSync(file, "utf8"), "not a folder\n");
});

test("usage: --help exits 0 and lists the exit codes and the schema command", () => {
  const r = cli("--help");
  assert.is(r.status, 0, explain(r));
  assert.match(r.stdout, /Usage: amqp-gen/);
  for (const flag of ["--check", "--dry-run", "--json", "--watch", "--force", "--verify", "--templates", "--adapter", "--verbose"])
    assert.ok(r.stdout.includes(flag), `--help does not list ${flag}`);
  assert.match(r.stdout, /Exit codes:/);
  for (const code of [
    /^\s*0\s+success$/m,
    /^\s*1\s+--check found the output folder out of date$/m,
    /^\s*2\s+invalid config or usage/m,
    /^\s*3\s+internal error/m,
  ]) {
    assert.match(r.stdout, code);
  }
  assert.match(r.stdout, /amqp-gen schema \[--out <file>\]/);
});

test("usage: --version prints package.json's version", () => {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
  const r = cli("--version");
  assert.is(r.status, 0, explain(r));
  assert.is(r.stdout.trim(), version);
});

test("diagnostics: a code frame (> line number, ^ marker) and a fix, and no colour when stderr is not a TTY, with or without NO_COLOR", () => {
  const c = byName("error-prio-capitalisation");
  const d = c.expectedDiagnostics?.[0];
  assert.ok(d);
  for (const env of [{ NO_COLOR: "1" }, { NO_COLOR: undefined }]) {
    const r = cliWith(env, c.configPath, "--out", join(tempDir("colour"), "out"));
    assert.is(r.status, 2, explain(r));
    assert.not.ok(r.stderr.includes(ANSI), `ANSI escapes in stderr (NO_COLOR=${env.NO_COLOR ?? "unset"}):\n${JSON.stringify(r.stderr)}`);
    assert.match(r.stderr, new RegExp(`^\\s*> ${d.line} \\|`, "m"), "the code frame marks the line");
    assert.match(r.stderr, new RegExp(`^\\s+\\| {${d.column}}\\^`, "m"), "the code frame marks the column");
    assert.match(r.stderr, /^\s+fix: Did you mean "Prio"\?/m);
  }
});

// On a real terminal (through script(1), when the system has it): colour, unless NO_COLOR or --no-color.
const SCRIPT = ["/usr/bin/script", "/bin/script"].find((p) => existsSync(p));
test("diagnostics: on a TTY they are coloured, unless NO_COLOR is set or --no-color is given", () => {
  if (!SCRIPT) {
    console.log("  (no script(1) on this system: the TTY colour test checks nothing)");
    return;
  }
  const c = byName("error-prio-capitalisation");
  const onTty = (env: Record<string, string | undefined>, ...flags: string[]): string => {
    const command = [process.execPath, ...CLI_ARGS, c.configPath, "--out", join(tempDir("tty"), "out"), ...flags].map((a) => `'${a}'`).join(" ");
    const res = spawnSync(SCRIPT, ["-qec", command, "/dev/null"], { cwd: REPO_ROOT, encoding: "utf8", env: cliEnv(env), timeout: 60_000 });
    assert.match(res.stdout, /AG201/, `script(1) did not run the CLI: ${res.stdout}${res.stderr}`);
    return res.stdout;
  };
  assert.ok(onTty({ NO_COLOR: undefined }).includes(ANSI), "no colour on a TTY");
  assert.not.ok(onTty({ NO_COLOR: "1" }).includes(ANSI), "colour on a TTY despite NO_COLOR");
  assert.not.ok(onTty({ NO_COLOR: undefined }, "--no-color").includes(ANSI), "colour on a TTY despite --no-color");
});

test("a big config (its new folder written by a worker thread): exactly generate()'s files and manifest, --check agrees, nothing left beside it", async () => {
  const parent = tempDir("writer-thread");
  const config = join(parent, "krakend.json");
  const text = JSON.stringify(syntheticConfig(120), null, 2);
  assert.ok(text.length > 64 * 1024, "the config must be big enough for the writer thread");
  writeFileSync(config, text);
  const out = join(parent, "out");
  const r = cli(config, "--out", out);
  assert.is(r.status, 0, explain(r));
  const { files } = await generate(text, { file: config });
  assert.equal(readTree(out, true), new Map(files.map((f) => [f.path, f.content])));
  assert.equal(readdirSync(parent).sort(), ["krakend.json", "out"]);
  assert.is(cli(config, "--out", out, "--check").status, 0);
});

test("a big config whose template fails mid-way: the writer thread's folder is removed, nothing is left", () => {
  const parent = tempDir("writer-thread-fails");
  const config = join(parent, "krakend.json");
  writeFileSync(config, JSON.stringify(syntheticConfig(120), null, 2));
  const templates = tempDir("writer-thread-templates");
  // index.ts is rendered last: every route file has gone to the writer thread by then.
  writeFileSync(join(templates, "index.ts.hbs"), "{{nope}}\n");
  const r = cli(config, "--out", join(parent, "out"), "--templates", templates);
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, /index\.ts\.hbs/);
  assert.equal(readdirSync(parent), ["krakend.json"]);
});

test("a big config where no worker thread may start (Node's permission model): written by the CLI's own thread, nothing left beside it", async () => {
  const parent = tempDir("no-worker");
  const config = join(parent, "krakend.json");
  const text = JSON.stringify(syntheticConfig(120), null, 2);
  writeFileSync(config, text);
  const out = join(parent, "out");
  // The built CLI (npm test builds first): tsx's loader itself needs a thread.
  const res = spawnSync(
    process.execPath,
    ["--experimental-permission", "--allow-fs-read=*", "--allow-fs-write=*", "dist/generator/cli/cli.js", config, "--out", out],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: cliEnv(),
      timeout: 60_000,
    },
  );
  assert.is(res.status, 0, `${res.stdout}${res.stderr}`);
  const { files } = await generate(text, { file: config });
  assert.equal(readTree(out, true), new Map(files.map((f) => [f.path, f.content])));
  assert.equal(readdirSync(parent).sort(), ["krakend.json", "out"]);
});

test("Ctrl-C while a big config's new folder is being built: the folder is then whole or absent, never half-built, and no temporary folder stays", async () => {
  const parent = tempDir("interrupted");
  const config = join(parent, "krakend.json");
  writeFileSync(config, JSON.stringify(syntheticConfig(3000), null, 2));
  const child = spawn(process.execPath, [...CLI_ARGS, config, "--out", join(parent, "out")], {
    cwd: REPO_ROOT,
    env: cliEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
  // Wait until the temporary folder exists, then interrupt.
  for (let i = 0; i < 2000 && !readdirSync(parent).some((name) => name.startsWith(".out.amqp-gen-")); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(
    readdirSync(parent).some((name) => name.startsWith(".out.amqp-gen-")),
    "the temporary folder never appeared",
  );
  child.kill("SIGINT");
  const code = await closed;
  // The signal is handled at the run's next wait: before the rename (exit 130, nothing written)
  // or after it (exit 0, or killed on the way out: the whole folder).
  if (code === 130) {
    assert.equal(readdirSync(parent), ["krakend.json"]);
  } else {
    assert.ok(code === 0 || code === null, `exit ${code}\n${stderr}`);
    assert.equal(readdirSync(parent).sort(), ["krakend.json", "out"]);
    const { files } = await generate(readFileSync(config, "utf8"), { file: config });
    assert.equal(readTree(join(parent, "out"), true), new Map(files.map((f) => [f.path, f.content])));
  }
});

test("a closed stdout (`amqp-gen … | head -1`): the files are written, the exit code is 0, no stack trace", async () => {
  const dir = join(tempDir("closed-stdout"), "out");
  const child = spawn(process.execPath, [...CLI_ARGS, valid.configPath, "--out", dir, "--verbose"], {
    cwd: REPO_ROOT,
    env: cliEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.destroy(); // the reader is gone before the CLI prints anything
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on("close", (c) => done(c)));
  assert.is(code, 0, stderr);
  assert.not.match(stderr, /EPIPE|Error:|\n\s+at /);
  assert.equal(readTree(dir, true), expected);
});

test("--verbose: prints the time of each phase, start-up and writing included, in every mode", () => {
  const out = join(tempDir("verbose"), "out");
  const phases = ["start-up", "load", "validate", "analyse", "plan", "emit", "compare"];
  const timed = (r: Run, extra: string[]) => {
    assert.is(r.status, 0, explain(r));
    for (const phase of [...phases, ...extra]) assert.match(r.stdout, new RegExp(`^\\s+${phase}\\s+\\d+(\\.\\d+)? ms$`, "m"), phase);
  };
  timed(cli(valid.configPath, "--out", out, "--verbose"), ["write"]);
  timed(cli(valid.configPath, "--out", out, "--verbose", "--check"), []);
  timed(cli(valid.configPath, "--out", out, "--verbose", "--dry-run"), []);
});

// ---------------------------------------------------------------------------------------------
// --templates and --verify.

const ROUTE_TEMPLATE = readFileSync(join(REPO_ROOT, "templates", "route.ts.hbs"), "utf8");

function templatesDir(label: string, route: string): string {
  const dir = tempDir(`templates-${label}`);
  writeFileSync(join(dir, "route.ts.hbs"), route);
  return dir;
}

/** The route template with `line` added after its first line (the header partial). */
function withLine(line: string): string {
  const [first, ...rest] = ROUTE_TEMPLATE.split("\n");
  return [first, line, ...rest].join("\n");
}

test("--templates: a modified route.ts.hbs changes every route file and nothing else", () => {
  const dir = projectDir("custom-template");
  const r = cli(valid.configPath, "--out", dir, "--templates", templatesDir("custom", withLine("// custom template")), "--verify");
  assert.is(r.status, 0, explain(r));
  const written = readTree(dir);
  written.delete(MANIFEST);
  assert.equal([...written.keys()], [...expected.keys()]);
  for (const [path, content] of expected) {
    const got = written.get(path) ?? "";
    if (path.startsWith("routes/")) {
      assert.ok(got.includes("\n// custom template\n"), `${path} does not use the custom template`);
      assert.is(got.replace("// custom template\n", ""), content, `${path} differs by more than the added line`);
    } else {
      assert.is(got, content, `${path} changed although its template was not overridden`);
    }
  }
});

test("--verify: the built-in templates type-check (exit 0) in a project with amqplib installed", () => {
  const dir = join(projectDir("verify-ok"), "out");
  const r = cli(valid.configPath, "--out", dir, "--verify");
  assert.is(r.status, 0, explain(r));
  assert.equal(readTree(dir).get(DELETE_ROUTE), expected.get(DELETE_ROUTE));
});

test("--verify: the built-in templates type-check wherever the output folder is", () => {
  const dir = join(tempDir("verify-anywhere"), "out");
  const r = cli(valid.configPath, "--out", dir, "--verify");
  assert.is(r.status, 0, explain(r));
});

test("--verify checks the code as Node runs it: a template that uses the DOM's `document` fails", async () => {
  const { verifyTypes } = await import("../generator/output/verify.js");
  const problems = await verifyTypes(join(scratch, "verify-dom"), [{ path: "routes/page.ts", content: "export const title: string = document.title;\n" }]);
  assert.equal(
    problems.map((p) => `${p.file}:${p.line}`),
    ["routes/page.ts:1"],
  );
  assert.match(problems[0]?.message ?? "", /Cannot find name 'document'/);
});

const BROKEN = withLine("export const = ;");

test("--templates --verify: a template emitting invalid TypeScript exits 2, names file and line, writes nothing", () => {
  const templates = templatesDir("broken", BROKEN);
  // A folder that does not exist yet is not created.
  const fresh = join(projectDir("verify-broken"), "out");
  const r = cli(valid.configPath, "--out", fresh, "--templates", templates, "--verify");
  assert.is(r.status, 2, explain(r));
  const line = BROKEN.split("\n").indexOf("export const = ;") + 2; // the header partial renders two lines
  assert.match(r.stderr, new RegExp(`${escapeRe(join(fresh, DELETE_ROUTE))}:${line}:\\d+ error TS`));
  assert.match(r.stderr, /nothing written/);
  assert.not.match(r.stderr, NO_STACK);
  assert.not.ok(existsSync(fresh), "--verify failed but the folder was created");
  // A folder with earlier output stays byte for byte as it was.
  const existing = generated("verify-broken-existing", valid.configPath, projectDir("verify-broken-existing"));
  const before = snapshotFolder(existing);
  const again = cli(valid.configPath, "--out", existing, "--templates", templates, "--verify");
  assert.is(again.status, 2, explain(again));
  assert.equal(snapshotFolder(existing), before, "--verify failed but the folder changed");
});

test("--templates without --verify: the same broken template is written (--verify is what protects)", () => {
  const dir = join(tempDir("no-verify-broken"), "out");
  const r = cli(valid.configPath, "--out", dir, "--templates", templatesDir("broken-unverified", BROKEN));
  assert.is(r.status, 0, explain(r));
  assert.ok(read(dir, DELETE_ROUTE).includes("\nexport const = ;\n"));
});

test("--templates: a template referencing an unknown variable fails (exit 2 or 3), writes nothing, no stack trace", () => {
  const dir = generated("unknown-variable");
  const before = snapshotFolder(dir);
  const r = cli(valid.configPath, "--out", dir, "--templates", templatesDir("unknown-variable", withLine("// {{nope}}")));
  assert.ok(r.status === 2 || r.status === 3, explain(r));
  assert.match(r.stderr, /"nope" not defined/);
  assert.not.match(r.stderr, NO_STACK, "no stack trace");
  assert.equal(snapshotFolder(dir), before);
});

test("--templates: a template referencing an unknown variable exits 2 and names the template file", () => {
  const dir = join(tempDir("unknown-variable-clear"), "out");
  const r = cli(valid.configPath, "--out", dir, "--templates", templatesDir("unknown-variable-clear", withLine("// {{nope}}")));
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, /route\.ts\.hbs/);
  assert.match(r.stderr, /nope/);
  assert.not.match(r.stderr, /internal error|bug in amqp-gen|\[object Object\]/);
  assert.not.ok(existsSync(dir));
  // The template fails after runtime/ was written (a small config: written in this thread; the
  // writer thread's case is the big-config test below).
  assert.equal(readdirSync(dirname(dir)), [], "a temporary folder was left behind");
});

test("--templates: a folder that does not exist exits 2", () => {
  const dir = join(tempDir("templates-missing"), "out");
  const r = cli(valid.configPath, "--out", dir, "--templates", join(scratch, "no-such-templates"));
  assert.is(r.status, 2, explain(r));
  assert.match(r.stderr, /no-such-templates/);
  assert.not.ok(existsSync(dir));
});

// ---------------------------------------------------------------------------------------------
// amqp-gen schema

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function refsOf(node: Json, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) refsOf(x, found);
  else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") found.push(v);
      else refsOf(v, found);
    }
  }
  return found;
}

function resolvePointer(doc: Json, ref: string): Json | undefined {
  let node: Json | undefined = doc;
  for (const raw of ref
    .replace(/^#\/?/, "")
    .split("/")
    .filter((s) => s !== "")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    node = node[key];
  }
  return node;
}

test("schema: prints one self-contained JSON Schema document", async () => {
  const r = cli("schema");
  assert.is(r.status, 0, explain(r));
  const schema = JSON.parse(r.stdout) as { [key: string]: Json };
  const definitions = schema["definitions"] as { [key: string]: Json } | undefined;
  assert.ok(definitions?.["amqpProducer"], "definitions.amqpProducer is missing");
  const refs = refsOf(schema);
  assert.ok(refs.includes("#/definitions/amqpProducer"));
  for (const ref of refs) {
    assert.ok(ref.startsWith("#"), `$ref points outside the document: ${ref}`);
    assert.ok(resolvePointer(schema, ref) !== undefined, `$ref does not resolve inside the document: ${ref}`);
  }
  // Usable alone: Ajv compiles it with no other schema and it judges configs like the CLI does.
  const { Ajv } = await import("ajv");
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  assert.ok(validate(JSON.parse(valid.text)), JSON.stringify(validate.errors));
  assert.not.ok(validate(JSON.parse(byName("error-wrong-type").text)), "error-wrong-type passes the bundled schema");
});

test("schema --out <file>: writes the same text to the file", () => {
  const printed = cli("schema");
  assert.is(printed.status, 0, explain(printed));
  const file = join(tempDir("schema-out"), "krakend.schema.json");
  const r = cli("schema", "--out", file);
  assert.is(r.status, 0, explain(r));
  assert.ok(existsSync(file), `schema --out did not write ${file}\n${explain(r).slice(0, 400)}`);
  assert.is(readFileSync(file, "utf8"), printed.stdout);
});

test.run();
