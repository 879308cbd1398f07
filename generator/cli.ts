#!/usr/bin/env node
/**
 * amqp-gen's command line. The only layer that reads the config from disk, writes the output
 * folder and decides the exit code:
 *   0 success · 1 `--check` found drift · 2 invalid input or usage · 3 internal error
 */
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { formatDiagnostic, summary } from "./format.js";
import { generate } from "./index.js";
import { PACKAGE_ROOT } from "./paths.js";
import { diffFolder, writeFolder } from "./write.js";

export const EXIT = { ok: 0, drift: 1, invalid: 2, internal: 3 } as const;

interface CliOptions {
  out: string;
  check?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

async function run(configPath: string, options: CliOptions): Promise<number> {
  const color = options.color !== false && process.stderr.isTTY === true && !process.env["NO_COLOR"];
  const started = performance.now();
  let text: string;
  try {
    text = await readFile(configPath, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(
      `${configPath}: cannot read the config (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? "unknown error")}).\n` +
        "  fix: pass the path of your krakend.json, e.g. `amqp-gen krakend.json --out generated`.\n",
    );
    return EXIT.invalid;
  }
  const result = await generate(text, { file: configPath });
  for (const d of result.diagnostics) {
    if (options.quiet && d.severity !== "error") continue;
    process.stderr.write(formatDiagnostic(d, { color, text }) + "\n\n");
  }
  if (result.files.length === 0) {
    process.stderr.write(`${summary(result.diagnostics)}: nothing written.\n`);
    return EXIT.invalid;
  }
  if (options.check) {
    const diff = await diffFolder(options.out, result.files);
    const drift = diff.added.length + diff.changed.length + diff.stale.length;
    for (const path of diff.added) process.stdout.write(`missing  ${join(options.out, path)}\n`);
    for (const c of diff.changed) process.stdout.write(`changed  ${join(options.out, c.path)}:${c.line}\n`);
    for (const path of diff.stale) process.stdout.write(`stale    ${join(options.out, path)}\n`);
    process.stdout.write(
      drift === 0
        ? `${options.out} is up to date (${result.files.length} files).\n`
        : `${options.out} is out of date: ${drift} file(s) differ. Run \`amqp-gen ${configPath} --out ${options.out}\` and commit the result.\n`,
    );
    return drift === 0 ? EXIT.ok : EXIT.drift;
  }
  const diff = await writeFolder(options.out, result.files);
  if (options.verbose) {
    for (const [phase, ms] of Object.entries(result.timings)) process.stderr.write(`  ${phase.padEnd(9)} ${ms.toFixed(1)} ms\n`);
  }
  if (!options.quiet) {
    const ms = Math.round(performance.now() - started);
    process.stdout.write(
      `${result.files.length} files in ${options.out}: ${diff.added.length} added, ${diff.changed.length} changed, ${diff.stale.length} removed, ${diff.unchanged.length} unchanged (${ms} ms).\n`,
    );
  }
  return EXIT.ok;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("amqp-gen")
    .description("Compile KrakenD's backend/amqp/producer config into typed TypeScript handlers.")
    .version(version(), "-V, --version")
    .argument("<config>", "path to krakend.json")
    .option("-o, --out <dir>", "output folder", "generated")
    .option("--check", "compare the output folder with the config; exit 1 on drift, write nothing")
    .option("--verbose", "print per-phase timings")
    .option("-q, --quiet", "print errors only")
    .option("--no-color", "never colour diagnostics (NO_COLOR is honoured too)")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .addHelpText(
      "after",
      "\nExit codes: 0 success, 1 --check found drift, 2 invalid config or usage, 3 internal error.\n" +
        "Example: amqp-gen krakend.json --out src/generated",
    );
  let code: number = EXIT.ok;
  program.action(async (config: string, options: CliOptions) => {
    code = await run(config, options);
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.invalid;
    }
    throw err;
  }
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `amqp-gen: internal error: ${err instanceof Error ? err.message : String(err)}\n` +
        "This is a bug in amqp-gen, not in your config; nothing was written. Please report it with the config that caused it.\n",
    );
    process.exitCode = EXIT.internal;
  },
);
