/**
 * Diagnostics benchmark: the CLI (compiled, `dist/`: `npm run build` first) on 10,000 routes
 * where every 7th route sets a `priority_key` on a queue without "x-max-priority" (warning
 * AG230 on each), against the same config with those queues declared as priority queues (no
 * warning), measured in the same run, alternating. `--dry-run`: everything but writing the files,
 * which would cost both alike. Figures: medians of wall time and of peak RSS, the time ratio
 * (target ≤ 1.5×) and the report's lines per warning (target ≤ 1.5).
 *
 *   node --import tsx bench/diagnostics.ts        BENCH_RUNS=7
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { syntheticConfig } from "./configs.js";
import { type Measured, measure, median } from "./support.js";

const OUT = "bench/.out";
const RUNS = Number(process.env["BENCH_RUNS"] ?? 7);
const ROUTES = 10_000;
/** Every 7th route warned: 1,429 warnings in 10,000 routes. */
const WARN_EVERY = 7;

export interface DiagnosticsFigure {
  routes: number;
  warnings: number;
  runs: number;
  /** Medians, with the warnings. */
  warnedMs: number;
  warnedRssMb: number;
  /** Medians, the same config without the warnings' cause. */
  cleanMs: number;
  cleanRssMb: number;
  ratio: number;
  /** Lines the warned run prints on stderr (the whole report), and per warning. */
  reportLines: number;
  linesPerWarning: number;
}

export function benchDiagnostics(): DiagnosticsFigure {
  mkdirSync(OUT, { recursive: true });
  const configFor = (priorityQueues: boolean) => {
    const path = join(OUT, `krakend-${ROUTES}-${priorityQueues ? "priority-queues" : "warned"}.json`);
    writeFileSync(path, JSON.stringify(syntheticConfig(ROUTES, 42, { priorities: { every: WARN_EVERY, priorityQueues } }), null, 2));
    return path;
  };
  const warnedConfig = configFor(false);
  const cleanConfig = configFor(true);
  const out = join(OUT, "diagnostics-out");
  rmSync(out, { recursive: true, force: true });
  const cli = (config: string) => {
    const r = measure(["dist/generator/cli/cli.js", config, "--out", out, "--dry-run"]);
    if (r.status !== 0) throw new Error(`amqp-gen ${config} --dry-run exited ${r.status}: ${r.stderr.slice(-2000)}`);
    return r;
  };
  const warnings = Math.ceil(ROUTES / WARN_EVERY);
  // One warm-up each (file-system caches), then alternate so that noise hits both alike.
  const check = cli(warnedConfig);
  const heads = check.stderr.match(/ warning AG230 /g)?.length ?? 0;
  if (heads !== warnings) throw new Error(`expected ${warnings} AG230 warnings, the report has ${heads}`);
  if (cli(cleanConfig).stderr !== "") throw new Error("the config without the warnings' cause has diagnostics");
  const warned: Measured[] = [];
  const clean: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    warned.push(cli(warnedConfig));
    clean.push(cli(cleanConfig));
  }
  const warnedMs = median(warned.map((r) => r.ms));
  const cleanMs = median(clean.map((r) => r.ms));
  const reportLines = check.stderr.split("\n").length - 1;
  return {
    routes: ROUTES,
    warnings,
    runs: RUNS,
    warnedMs,
    warnedRssMb: median(warned.map((r) => r.rssMb)),
    cleanMs,
    cleanRssMb: median(clean.map((r) => r.rssMb)),
    ratio: warnedMs / cleanMs,
    reportLines,
    linesPerWarning: reportLines / warnings,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = benchDiagnostics();
  console.log(`CLI --dry-run on ${f.routes} routes, ${f.warnings} of them warned (AG230), against the same routes unwarned; median of ${f.runs} runs each`);
  console.log(`time     ${f.warnedMs.toFixed(0)} ms against ${f.cleanMs.toFixed(0)} ms: ${f.ratio.toFixed(2)}× (target ≤ 1.5×)`);
  console.log(`report   ${f.reportLines} lines for ${f.warnings} warnings: ${f.linesPerWarning.toFixed(2)} per warning (target ≤ 1.5)`);
  console.log(`peak RSS ${f.warnedRssMb.toFixed(0)} MB against ${f.cleanRssMb.toFixed(0)} MB`);
}
