#!/usr/bin/env node
/**
 * amqp-gen's command line: the only layer that reads the config, touches the output folder and
 * decides the exit code.
 *   0 success · 1 `--check` found drift · 2 invalid config, usage, or files it will not overwrite
 *   · 3 internal error (a bug)
 */
import { readFileSync, statSync, watch } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import type { Diagnostic } from "../diagnostics/diagnostics.js";
import { formatReport, loadCodeFrames, SourceLines, summary } from "../diagnostics/format.js";
import { ADAPTERS, generate, type Adapter, type GeneratedFile, type GenerateResult } from "../index.js";
import { PACKAGE_ROOT, SCHEMA_DIR } from "../paths.js";
import { ConflictError, planFolder, removals, StagedFolder, writeFolder, type FolderPlan } from "../output/write.js";

// commander is CommonJS: required directly, it loads in half the time an ESM import takes
// (15 ms against 29 ms), which every run pays.
const { Command, CommanderError, Option } = createRequire(import.meta.url)("commander") as typeof import("commander");

export const EXIT = { ok: 0, drift: 1, invalid: 2, internal: 3 } as const;

/** Milliseconds from the process's start to this module's first line: Node and the module graph. */
const STARTUP_MS = performance.now();
let firstRun = true;

interface CliOptions {
  out: string;
  check?: boolean;
  dryRun?: boolean;
  json?: boolean;
  watch?: boolean;
  force?: boolean;
  verify?: boolean;
  templates?: string;
  adapter?: Adapter[];
  /** False with `--no-asyncapi`. */
  asyncapi?: boolean;
  consumers?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/** Where human-readable output goes; with `--json` stdout carries only the JSON report. */
class Output {
  readonly color: boolean;
  constructor(private readonly options: CliOptions) {
    this.color = options.color !== false && !options.json && process.stderr.isTTY === true && !process.env["NO_COLOR"];
  }
  line(text: string): void {
    if (!this.options.quiet) (this.options.json ? process.stderr : process.stdout).write(text + "\n");
  }
  problem(text: string): void {
    process.stderr.write(text + "\n");
  }
}

interface Report {
  exitCode: number;
  config: string;
  out: string;
  mode: "write" | "check" | "dry-run";
  diagnostics: Diagnostic[];
  files: { path: string; status: "added" | "changed" | "unchanged" | "removed" | "conflict"; line?: number }[];
  message: string;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function version(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

function fileList(plan: FolderPlan): Report["files"] {
  const conflicts = new Set(plan.conflicts.map((c) => c.path));
  return [
    ...plan.added.map((path) => ({ path, status: "added" as const })),
    ...plan.changed.map((c) => ({ path: c.path, status: conflicts.has(c.path) ? ("conflict" as const) : ("changed" as const), line: c.line })),
    ...plan.unchanged.map((path) => ({ path, status: "unchanged" as const })),
    ...plan.stale.map((path) => ({ path, status: "removed" as const })),
    ...plan.conflicts.filter((c) => !plan.changed.some((x) => x.path === c.path)).map((c) => ({ path: c.path, status: "conflict" as const })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function readConfig(configPath: string): Promise<string | { error: string }> {
  try {
    return await readFile(configPath, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : code === "EACCES" ? "permission denied" : (code ?? "unknown error");
    return {
      error: `${configPath}: cannot read the config (${why}).\n  fix: pass the path of your krakend.json, e.g. \`amqp-gen krakend.json --out generated\`.`,
    };
  }
}

/**
 * The config text as code frames show it: passwords in amqp:// URLs masked, same length, so
 * that columns stay right and no frame prints a secret.
 */
export function maskCredentials(text: string): string {
  return text.replace(/(amqps?:\/\/[^:/@\s"]*:)([^@\s"]*)(@)/g, (_m, head: string, secret: string, at: string) => head + "*".repeat(secret.length) + at);
}

/** A file-system failure on the output folder, said plainly: it is not a bug in amqp-gen. */
function fsProblem(err: unknown, out: string): string | null {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== "string" || !/^E[A-Z]+$/.test(e.code)) return null;
  const why: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EEXIST: "a file is in the way of a folder",
    ENOTDIR: "a file is in the way of a folder",
    EISDIR: "a folder is in the way of a file",
    ENOSPC: "no space left on the device",
    EROFS: "read-only file system",
  };
  return `cannot write to ${out}: ${why[e.code] ?? e.code}${e.path ? ` (${e.path})` : ""}. The previous output, if any, was left as it was.`;
}

/** One run: generate, then write, check or list. Never throws for bad input. */
async function runOnce(configPath: string, options: CliOptions, out: Output): Promise<Report> {
  if (options.templates !== undefined && !isDirectory(options.templates)) {
    const message = `--templates ${options.templates}: no such folder.`;
    out.problem(message);
    return { exitCode: EXIT.invalid, config: configPath, out: options.out, mode: "write", diagnostics: [], files: [], message };
  }
  const mode: Report["mode"] = options.check ? "check" : options.dryRun ? "dry-run" : "write";
  const report: Report = { exitCode: EXIT.ok, config: configPath, out: options.out, mode, diagnostics: [], files: [], message: "" };
  const started = performance.now();
  const text = await readConfig(configPath);
  if (typeof text !== "string") {
    out.problem(text.error);
    return { ...report, exitCode: EXIT.invalid, message: text.error };
  }
  // A new output folder for a big config is written by a worker thread as its files are
  // rendered (StagedFolder), so that the disk works while the main thread generates.
  let staged: StagedFolder | null = null;
  const withWriter = mode === "write" && !options.verify && text.length >= WRITER_THREAD_MIN_CONFIG_CHARS && availableParallelism() > 1;
  // Ctrl-C while the folder is being built: handled at the run's next wait (generation itself
  // does not stop for it), where the half-built folder goes too. The folder is then whole or
  // absent. The handlers are in place before the folder exists, and until it is committed or gone.
  const signals = ["SIGINT", "SIGTERM"] as const;
  const interrupted = (signal: NodeJS.Signals) => {
    // Exits as soon as the folder is gone: this reaction is registered before the run's own
    // wait on the same removal, so nothing the interrupted run would report is printed.
    void (staged?.discard() ?? Promise.resolve()).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  const unlisten = () => {
    for (const signal of signals) process.removeListener(signal, interrupted);
  };
  if (withWriter) {
    for (const signal of signals) process.once(signal, interrupted);
    try {
      staged = StagedFolder.start(options.out, { background: true });
    } catch {
      staged = null; // the folder cannot be made: writeFolder reports why, after generation
    }
    if (!staged) unlisten(); // an existing folder: updated file by file, as without a writer
  }
  try {
    return await generateAndWrite(configPath, text, options, out, report, started, staged);
  } finally {
    await staged?.discard(); // a no-op once committed
    unlisten();
  }
}

/**
 * From this config size on (about 50 endpoints), the writer thread pays for its start (~80 ms,
 * on another core); below it, generation is over before the thread could write anything.
 */
const WRITER_THREAD_MIN_CONFIG_CHARS = 32 * 1024;

async function generateAndWrite(
  configPath: string,
  text: string,
  options: CliOptions,
  out: Output,
  report: Report,
  started: number,
  staged: StagedFolder | null,
): Promise<Report> {
  const mode = report.mode;
  const timings: Record<string, number> = {};
  if (firstRun) timings["start-up"] = STARTUP_MS;
  firstRun = false;
  let lap = performance.now();
  const time = (phase: string) => {
    const now = performance.now();
    timings[phase] = now - lap;
    lap = now;
  };
  /** The last line of a run that went through: `--verbose` timings first. */
  const finish = (message: string, result: Report): Report => {
    if (options.verbose) for (const [phase, ms] of Object.entries(timings)) out.line(`  ${phase.padEnd(9)} ${ms.toFixed(1)} ms`);
    out.line(message);
    return { ...result, message };
  };
  const result: GenerateResult = await generate(text, {
    file: configPath,
    ...(options.templates ? { templates: resolve(options.templates) } : {}),
    ...(options.adapter && options.adapter.length > 0 ? { adapters: options.adapter } : {}),
    asyncapi: options.asyncapi !== false,
    consumers: options.consumers === true,
    ...(staged ? { onFile: (file: GeneratedFile) => staged.add(file) } : {}),
  });
  Object.assign(timings, result.timings);
  lap = performance.now();
  report.diagnostics = result.diagnostics;
  const shown = options.quiet ? result.diagnostics.filter((d) => d.severity === "error") : result.diagnostics;
  if (shown.length > 0 && !options.json) {
    await loadCodeFrames();
    // Masked and indexed once for the whole report: each frame then reads only its own lines.
    out.problem(formatReport(shown, { color: out.color, source: new SourceLines(configPath, maskCredentials(text)) }) + "\n");
  }
  if (result.files.length === 0) {
    report.message = `${summary(result.diagnostics)}: nothing written.`;
    out.problem(report.message);
    return { ...report, exitCode: EXIT.invalid };
  }
  if (options.verify) {
    const { verifyTypes } = await import("../output/verify.js");
    const problems = await verifyTypes(options.out, result.files);
    if (problems.length > 0) {
      for (const p of problems) out.problem(`${join(options.out, p.file)}:${p.line}:${p.column} error TS ${p.message}`);
      report.message = `--verify: the generated code does not type-check (${problems.length} problem(s)); nothing written. Check your --templates.`;
      out.problem(report.message);
      return { ...report, exitCode: EXIT.invalid };
    }
    time("verify");
  }
  let plan: FolderPlan;
  try {
    plan = await planFolder(options.out, result.files);
  } catch (err) {
    const problem = fsProblem(err, options.out);
    if (!problem) throw err;
    out.problem(problem);
    return { ...report, exitCode: EXIT.invalid, message: problem };
  }
  report.files = fileList(plan);
  time("compare");

  if (mode === "check") {
    const drift = plan.added.length + plan.changed.length + plan.stale.length;
    if (!plan.exists) {
      return finish(
        `${options.out} does not exist: ${result.files.length} files would be generated. Run \`amqp-gen ${configPath} --out ${options.out}\` and commit the result.`,
        { ...report, exitCode: EXIT.drift },
      );
    }
    for (const path of plan.added) out.line(`missing  ${join(options.out, path)}`);
    for (const c of plan.changed) out.line(`changed  ${join(options.out, c.path)}:${c.line}`);
    for (const path of plan.stale) out.line(`stale    ${join(options.out, path)}`);
    return finish(
      drift === 0
        ? `${options.out} is up to date (${result.files.length} files).`
        : `${options.out} is out of date: ${drift} file(s) differ. Run \`amqp-gen ${configPath} --out ${options.out}\` and commit the result.`,
      { ...report, exitCode: drift === 0 ? EXIT.ok : EXIT.drift },
    );
  }
  if (mode === "dry-run") {
    for (const f of report.files) if (f.status !== "unchanged") out.line(`${f.status.padEnd(9)}${join(options.out, f.path)}`);
    return finish(
      `dry run: ${plan.added.length} to add, ${plan.changed.length} to change, ${plan.stale.length} to remove, ${plan.unchanged.length} unchanged; nothing written.`,
      report,
    );
  }
  try {
    await writeFolder(options.out, result.files, { force: options.force === true, plan, staged });
  } catch (err) {
    const problem = fsProblem(err, options.out);
    if (problem) {
      out.problem(problem);
      return { ...report, exitCode: EXIT.invalid, message: problem };
    }
    if (!(err instanceof ConflictError)) throw err;
    for (const c of err.conflicts) {
      out.problem(
        c.reason === "edited"
          ? `${join(options.out, c.path)}: generated file edited by hand; amqp-gen will not overwrite it.`
          : `${join(options.out, c.path)}: not written by amqp-gen; amqp-gen will not overwrite it.`,
      );
    }
    report.message = `nothing written. Move your changes out of ${options.out} (generated files are rewritten), or run again with --force to overwrite.`;
    out.problem(report.message);
    return { ...report, exitCode: EXIT.invalid };
  }
  time("write");
  const ms = Math.round(performance.now() - started);
  return finish(
    `${result.files.length} files in ${options.out}: ${plan.added.length} added, ${plan.changed.length} changed, ${removals(plan, options.force === true).length} removed, ${plan.unchanged.length} unchanged (${ms} ms).`,
    report,
  );
}

/** `--watch`: regenerate when the config changes (debounced); a bad config keeps the last good output. */
function watchConfig(configPath: string, options: CliOptions): Promise<number> {
  const dir = dirname(resolve(configPath));
  const name = basename(configPath);
  let timer: NodeJS.Timeout | null = null;
  let running = Promise.resolve();
  const quiet = new Output({ ...options, quiet: true });
  const rerun = () => {
    running = running.then(async () => {
      let report: Report;
      try {
        report = await runOnce(configPath, { ...options, quiet: true }, quiet);
      } catch (err) {
        process.stdout.write(`amqp-gen: ${err instanceof Error ? err.message : String(err)}; kept the last good output.\n`);
        return;
      }
      const stamp = new Date().toTimeString().slice(0, 8);
      const line =
        report.exitCode === EXIT.ok
          ? `[${stamp}] ${report.message}`
          : `[${stamp}] ${report.diagnostics.filter((d) => d.severity === "error").length || 1} error(s): kept the last good output.`;
      process.stdout.write(line + "\n");
    });
  };
  rerun();
  // Watch the folder, not the file: editors save by writing a new file and renaming it over.
  const watcher = watch(dir, (_event, changed) => {
    if (changed !== name) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(rerun, 100);
  });
  process.stdout.write(`watching ${configPath} (Ctrl-C to stop)\n`);
  return new Promise((resolveExit) => {
    const stop = () => {
      watcher.close();
      if (timer) clearTimeout(timer);
      void running.then(() => resolveExit(EXIT.ok));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

async function schemaCommand(options: { out?: string }): Promise<number> {
  const { bundledSchema } = await import("./schema.js");
  const text = JSON.stringify(bundledSchema(SCHEMA_DIR), null, 2) + "\n";
  if (options.out) {
    await writeFile(options.out, text, "utf8");
    process.stdout.write(`wrote ${options.out}\n`);
  } else {
    process.stdout.write(text);
  }
  return EXIT.ok;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command()
    .name("amqp-gen")
    .description("Compile KrakenD's backend/amqp/producer config into typed TypeScript handlers that publish to RabbitMQ.")
    .version(version(), "-V, --version")
    .argument("<config>", "path to krakend.json")
    .option("-o, --out <dir>", "output folder", "generated")
    .option("--check", "compare the output folder with the config; exit 1 on drift; write nothing")
    .option("--dry-run", "list what would be written, changed and removed; write nothing")
    .option("--json", "print a JSON report (diagnostics and files) on stdout, for CI annotations and editors")
    .option("-w, --watch", "regenerate whenever the config changes")
    .option("--force", "overwrite generated files edited by hand, and files of yours in the way")
    .option("--verify", "type-check the generated code in memory before writing anything")
    .option("--templates <dir>", "use the *.hbs files in <dir> instead of the built-in templates of the same name")
    .option("--no-asyncapi", "do not write asyncapi.json, the AsyncAPI 3.0 contract of the messages")
    .option("--consumers", "also write typed consumers (consumers/): decode, consume and serve each route's messages")
    .addOption(new Option("--adapter <name...>", "also generate adapters for these libraries (HTTP frameworks, metrics, traces)").choices([...ADAPTERS]))
    .option("--verbose", "print the time of each phase, start-up and writing included")
    .option("-q, --quiet", "print errors only")
    .option("--no-color", "never colour output (NO_COLOR is honoured too)")
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .addHelpText(
      "after",
      [
        "",
        "Exit codes:",
        "  0  success",
        "  1  --check found the output folder out of date",
        "  2  invalid config or usage, --verify failed, or files amqp-gen will not overwrite",
        "  3  internal error (a bug in amqp-gen; nothing was written)",
        "",
        "Examples:",
        "  amqp-gen krakend.json --out src/generated",
        "  amqp-gen krakend.json --out src/generated --check     # in CI",
        "  amqp-gen schema [--out <file>]                        # the JSON Schema, for editors",
      ].join("\n"),
    )
    .action(async (config: string, options: CliOptions) => {
      const out = new Output(options);
      if (options.watch) {
        code = await watchConfig(config, options);
        return;
      }
      const report = await runOnce(config, options, out);
      if (options.json) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
      code = report.exitCode;
    });
  program
    .command("schema")
    .description("print the JSON Schema for krakend.json (producer namespace included), or write it with --out")
    .option("-o, --out <file>", "write the schema to this file")
    .action(async (options: { out?: string }) => {
      code = await schemaCommand(options);
    });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.invalid;
    throw err;
  }
  return code;
}

// A reader that goes away (`amqp-gen … | head -1`) ends the output, not the run: the files are
// still written and the exit code still says how it went.
let outputFailed = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") outputFailed = true;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = outputFailed ? EXIT.internal : code;
  },
  (err: unknown) => {
    process.stderr.write(
      `amqp-gen: internal error: ${err instanceof Error ? err.message : String(err)}\n` +
        "This is a bug in amqp-gen, not in your config; nothing was written. Please report it with the config that caused it.\n",
    );
    process.exitCode = EXIT.internal;
  },
);
