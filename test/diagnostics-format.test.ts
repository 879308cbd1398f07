/**
 * The diagnostics formatter (generator/diagnostics/format.ts): code frames cut from the lines
 * around each diagnostic (first and last line, control characters, CRLF, a one-line file), a
 * report that shows the first few of a code in full and the rest on one line each, with a count
 * by code, and a cost of the lines shown per frame, never the whole text. Then the built CLI
 * (dist/: `npm run build` first) on a config with many warnings, human and `--json`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { syntheticConfig } from "../bench/configs.js";
import { CATALOGUE, Diagnostics } from "../generator/diagnostics/catalogue.js";
import { diagnosticAt, type Diagnostic } from "../generator/diagnostics/diagnostics.js";
import { FULL_DIAGNOSTICS_PER_CODE, formatDiagnostic, formatReport, loadCodeFrames, SourceLines } from "../generator/diagnostics/format.js";
import { generate } from "../generator/index.js";
import { REPO_ROOT } from "./helpers/golden.js";

await loadCodeFrames();

const FILE = "krakend.json";
const at = (line: number, column: number, pointer = "/p"): Diagnostic =>
  diagnosticAt(Diagnostics.AG230({ queue: "q", key: "Prio" }), FILE, { line, column }, pointer);

/** The code frame of one diagnostic: the lines between its head line and its `at` line. */
function frame(text: string, line: number, column: number): string[] {
  const lines = formatDiagnostic(at(line, column), { color: false, source: new SourceLines(FILE, text) }).split("\n");
  return lines.slice(
    1,
    lines.findIndex((l) => l.startsWith("  at ")),
  );
}

const FOUR_LINES = '{\n  "a": 1,\n  "b": 2\n}';

test("frame: the first line has no line above it", () => {
  assert.equal(frame(FOUR_LINES, 1, 1), ["  > 1 | {", "      | ^", '    2 |   "a": 1,']);
});

test("frame: a middle line, one line either side, the caret under its column", () => {
  assert.equal(frame(FOUR_LINES, 3, 8), ['    2 |   "a": 1,', '  > 3 |   "b": 2', "      |        ^", "    4 | }"]);
});

test("frame: the last line has no line below it", () => {
  assert.equal(frame(FOUR_LINES, 4, 1), ['    3 |   "b": 2', "  > 4 | }", "      | ^"]);
});

test("frame: an empty last line (the text ends with a line break) is shown, as a line", () => {
  assert.equal(frame(`${FOUR_LINES}\n`, 4, 1), ['    3 |   "b": 2', "  > 4 | }", "      | ^", "    5 |"]);
});

test("frame: a one-line file, at line 1 column 1", () => {
  assert.equal(frame('{"version": 3}', 1, 1), ['  > 1 | {"version": 3}', "      | ^"]);
});

test("frame: CRLF and lone CR end lines as LF does; no CR is printed", () => {
  const crlf = FOUR_LINES.replace(/\n/g, "\r\n");
  assert.equal(frame(crlf, 3, 8), frame(FOUR_LINES, 3, 8));
  assert.equal(frame(FOUR_LINES.replace(/\n/g, "\r"), 3, 8), frame(FOUR_LINES, 3, 8));
  const mixed = '{\r\n  "a": 1,\r  "b": 2\n}';
  assert.equal(frame(mixed, 2, 3), frame(FOUR_LINES, 2, 3));
  assert.not.ok(formatDiagnostic(at(2, 3), { color: false, source: new SourceLines(FILE, crlf) }).includes("\r"));
});

test("frame: control characters in the lines shown are '?', one column each; the message escapes them", () => {
  const text = '{\n  "k\u001b[31m\u0007": "v\u202e",\n  "tab":\t1\n}';
  assert.equal(frame(text, 2, 14), ["    1 | {", '  > 2 |   "k?[31m?": "v?",', "      |              ^", '    3 |   "tab":\t1']);
  const d = { ...at(2, 3), message: 'key "k\u001b[31m"' };
  const shown = formatDiagnostic(d, { color: false, source: new SourceLines(FILE, text) });
  assert.ok(shown.startsWith(`${FILE}:2:3 warning AG230 key "k\\u001b[31m"`), shown);
  assert.not.ok(/[\u0000-\u0008\u000b-\u001f\u202e]/.test(shown), "no control character is printed");
});

test("frame: deep in a long file the gutter shows the real line numbers, padded to the widest", () => {
  const text = Array.from({ length: 100_000 }, (_, i) => `  "line ${i + 1}": ${i + 1},`).join("\n");
  assert.equal(frame(text, 99_999, 3), [
    '     99998 |   "line 99998": 99998,',
    '  >  99999 |   "line 99999": 99999,',
    "           |   ^",
    '    100000 |   "line 100000": 100000,',
  ]);
});

test("frame: none for a diagnostic of another file, or for a line the text does not have", () => {
  const source = new SourceLines(FILE, FOUR_LINES);
  const elsewhere = { ...at(2, 3), file: "templates/route.ts.hbs" };
  assert.equal(formatDiagnostic(elsewhere, { color: false, source }).split("\n").length, 3, "head, at, fix");
  assert.equal(formatDiagnostic(at(9, 1), { color: false, source }).split("\n").length, 3, "head, at, fix");
});

/** SourceLines that counts what frames read from the text. */
class CountingLines extends SourceLines {
  reads = 0;
  charsRead = 0;
  override lines(first: number, last: number): string {
    const lines = super.lines(first, last);
    this.reads++;
    this.charsRead += lines.length;
    return lines;
  }
}

test("cost: each frame reads only its own lines, never the whole text (which frames can reach only through lines())", () => {
  const lineText = '    "priority_key": "Prio",';
  const lineCount = 200_000;
  const source = new CountingLines(FILE, Array.from({ length: lineCount }, () => lineText).join("\n"));
  const diagnostics = Array.from({ length: 2_000 }, (_, i) => at(1 + i * 100, 5));
  for (const d of diagnostics) formatDiagnostic(d, { color: false, source });
  assert.is(source.reads, diagnostics.length, "one read per frame");
  // Three lines at most per frame (the one above, its own, the one below) with their two line breaks.
  assert.ok(source.charsRead <= diagnostics.length * (3 * lineText.length + 2), `${source.charsRead} characters read for ${diagnostics.length} frames`);

  const reportSource = new CountingLines(FILE, Array.from({ length: lineCount }, () => lineText).join("\n"));
  formatReport(diagnostics, { color: false, source: reportSource });
  assert.is(reportSource.reads, FULL_DIAGNOSTICS_PER_CODE, "a report reads the lines of the diagnostics it shows in full, and no others");
});

const AG230_TITLE = CATALOGUE.AG230.title.replace(/`/g, "");

test("report: a handful of each code is every diagnostic in full, a blank line between them, and no count", () => {
  const source = new SourceLines(FILE, FOUR_LINES);
  const few = [at(1, 1), at(2, 3), at(3, 3)];
  const report = formatReport(few, { color: false, source });
  assert.is(report, few.map((d) => formatDiagnostic(d, { color: false, source })).join("\n\n"));
  assert.not.match(report, /by code/);
});

test("report: the first few of a code in full, the others on their head line alone, then the count by code", () => {
  const text = Array.from({ length: 40 }, (_, i) => `  "k${i + 1}": ${i},`).join("\n");
  const source = new SourceLines(FILE, text);
  const many = Array.from({ length: 20 }, (_, i) => at(2 * i + 1, 3, `/k${i}`));
  const paragraphs = formatReport(many, { color: false, source }).split("\n\n");
  const full = many.slice(0, FULL_DIAGNOSTICS_PER_CODE).map((d) => formatDiagnostic(d, { color: false, source }));
  assert.equal(paragraphs.slice(0, FULL_DIAGNOSTICS_PER_CODE), full);
  const heads = many.slice(FULL_DIAGNOSTICS_PER_CODE).map((d) => formatDiagnostic(d, { color: false, source }).split("\n")[0]);
  assert.equal(paragraphs[FULL_DIAGNOSTICS_PER_CODE]?.split("\n"), heads, "one line each, the full form's first line");
  assert.equal(paragraphs.slice(FULL_DIAGNOSTICS_PER_CODE + 1), [
    `by code (the first ${FULL_DIAGNOSTICS_PER_CODE} of each in full, the others on one line):\n  AG230 ×20 warning: ${AG230_TITLE}`,
  ]);
});

test("report: codes are counted apart; order is kept (errors among warnings where they are); errors lead the count", () => {
  const text = Array.from({ length: 40 }, (_, i) => `  "k${i + 1}": ${i},`).join("\n");
  const source = new SourceLines(FILE, text);
  const noHost = (line: number) => diagnosticAt(Diagnostics.AG207(), FILE, { line, column: 3 }, "/endpoints");
  // Five warnings, then an error among them, then five errors more.
  const list = [at(1, 3), at(2, 3), at(3, 3), at(4, 3), at(5, 3), noHost(6), at(7, 3), noHost(8), noHost(9), noHost(10), noHost(11)];
  const report = formatReport(list, { color: false, source });
  const heads = report.split("\n").filter((l) => l.startsWith(`${FILE}:`));
  assert.equal(
    heads.map((l) => l.split(" ")[0]),
    list.map((d) => `${FILE}:${d.line}:${d.column}`),
    "every diagnostic, in the order given",
  );
  const inFull = (d: Diagnostic) => report.includes(formatDiagnostic(d, { color: false, source }));
  assert.equal(
    list.map(inFull),
    [true, true, true, false, false, true, false, true, true, false, false],
    "the first three of each code in full, the error at line 6 among them",
  );
  assert.ok(report.endsWith(`\n  AG207 ×5 error: ${CATALOGUE.AG207.title.replace(/`/g, "")}\n  AG230 ×6 warning: ${AG230_TITLE}`), report.slice(-300));
});

test("report: colour only when asked", () => {
  const source = new SourceLines(FILE, FOUR_LINES);
  const many = Array.from({ length: 5 }, () => at(2, 3));
  assert.not.ok(formatReport(many, { color: false, source }).includes("\u001b["));
  const coloured = formatReport(many, { color: true, source });
  assert.ok(coloured.includes("\u001b[33mwarning\u001b[0m"), "the severity is coloured");
  assert.match(coloured, /\u001b\[2mAG230\u001b\[0m ×5/, "and the count's code");
});

// The built CLI on a config with many warnings of one code.

const scratch = mkdtempSync(join(tmpdir(), "amqp-gen-diagnostics-format-"));
const ROUTES = 140;
const EVERY = 7;
const WARNINGS = ROUTES / EVERY;

function cli(config: string, ...flags: string[]) {
  const res = spawnSync(process.execPath, ["dist/generator/cli/cli.js", config, "--out", join(scratch, "out"), "--dry-run", ...flags], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 60_000,
  });
  assert.is(res.status, 0, `${res.stdout}${res.stderr}`);
  return res;
}

function configWith(priorityQueues: boolean): { path: string; text: string } {
  const path = join(scratch, `krakend-${priorityQueues ? "priority-queues" : "warned"}.json`);
  const text = JSON.stringify(syntheticConfig(ROUTES, 42, { priorities: { every: EVERY, priorityQueues } }), null, 2);
  writeFileSync(path, text);
  return { path, text };
}

test(`the CLI on ${WARNINGS} warnings of one code: ${FULL_DIAGNOSTICS_PER_CODE} in full, the others one line each, the count, and no warning without their cause`, () => {
  const warned = configWith(false);
  const { stderr } = cli(warned.path);
  const heads = stderr.split("\n").filter((l) => l.startsWith(`${warned.path}:`));
  assert.is(heads.length, WARNINGS, stderr);
  assert.ok(
    heads.every((l) => / warning AG230 "priority_key" "Prio" sets/.test(l)),
    "each head line is `file:line:col warning AG230 message`",
  );
  assert.is(stderr.match(/^ {2}fix: /gm)?.length, FULL_DIAGNOSTICS_PER_CODE, "a fix for the first few only");
  assert.is(stderr.match(/^ {2}> \d+ \| /gm)?.length, FULL_DIAGNOSTICS_PER_CODE, "a frame for the first few only");
  assert.match(stderr, new RegExp(`^  AG230 ×${WARNINGS} warning: `, "m"));
  assert.ok(stderr.split("\n").length <= WARNINGS * 1.5 + 30, `${stderr.split("\n").length} lines for ${WARNINGS} warnings`);
  assert.is(cli(configWith(true).path).stderr, "", "queues declared with x-max-priority: no warning");
  assert.is(cli(warned.path, "--quiet").stderr, "", "--quiet: errors only");
});

test(`the CLI's --json lists all ${WARNINGS} warnings in full, as generate() reports them`, async () => {
  const warned = configWith(false);
  const report = JSON.parse(cli(warned.path, "--json").stdout) as { diagnostics: Diagnostic[] };
  const { diagnostics } = await generate(warned.text, { file: warned.path });
  assert.is(report.diagnostics.length, WARNINGS);
  assert.equal(report.diagnostics, diagnostics);
  assert.ok(
    report.diagnostics.every((d) => d.hint !== undefined && d.pointer.endsWith("/priority_key")),
    "each with its fix and pointer",
  );
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
