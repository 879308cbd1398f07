/**
 * Generation benchmark: the amqp-gen CLI (compiled, `dist/`), process start to exit, against
 * a baseline that reads the same config and writes the same bytes to the same files, measured
 * in the same run. Prints medians and the ratio. Run with `npm run bench`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "../generator/index.js";
import { syntheticConfig } from "./configs.js";

const OUT = "bench/.out";
const RUNS = Number(process.env["BENCH_RUNS"] ?? 7);
const sizes = (process.env["BENCH_SIZES"] ?? "100,1000,10000").split(",").map(Number);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function time(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const res = spawnSync(command, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${res.status}): ${res.stderr}`);
  return ms;
}

export interface GenerationFigure {
  routes: number;
  files: number;
  amqpGenMs: number;
  baselineMs: number;
  ratio: number;
}

export async function benchGeneration(): Promise<GenerationFigure[]> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const figures: GenerationFigure[] = [];
  for (const routes of sizes) {
    const configPath = join(OUT, `krakend-${routes}.json`);
    const text = JSON.stringify(syntheticConfig(routes), null, 2);
    writeFileSync(configPath, text);
    const result = await generate(text, { file: configPath });
    if (result.files.length === 0) throw new Error(`the ${routes}-route config did not generate`);
    const manifest = join(OUT, `files-${routes}.json`);
    writeFileSync(manifest, JSON.stringify(result.files));
    const gen: number[] = [];
    const base: number[] = [];
    // One warm-up each (file-system caches), then alternate so noise hits both alike. Each run
    // writes a folder of its own, and starts with the disk's write cache flushed (sync): no run
    // pays for the writing, or the deleting, of the one before. Folders are deleted at the end.
    const dirs: string[] = [];
    const run = (script: string, args: string[], dir: string) => {
      dirs.push(dir);
      spawnSync("sync");
      return time(process.execPath, [script, ...args, dir]);
    };
    run("dist/generator/cli/cli.js", ["-q", configPath, "--out"], join(OUT, `gen-${routes}-w`));
    run("bench/baseline-write.mjs", [configPath, manifest], join(OUT, `base-${routes}-w`));
    for (let i = 0; i < RUNS; i++) {
      gen.push(run("dist/generator/cli/cli.js", ["-q", configPath, "--out"], join(OUT, `gen-${routes}-${i}`)));
      base.push(run("bench/baseline-write.mjs", [configPath, manifest], join(OUT, `base-${routes}-${i}`)));
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    const amqpGenMs = median(gen);
    const baselineMs = median(base);
    figures.push({ routes, files: result.files.length, amqpGenMs, baselineMs, ratio: amqpGenMs / baselineMs });
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchGeneration();
  console.log(`CLI generation, median of ${RUNS} runs (process start to exit)`);
  console.log("routes | files | amqp-gen ms | baseline ms | ratio");
  for (const f of figures) {
    console.log(`${f.routes} | ${f.files} | ${f.amqpGenMs.toFixed(0)} | ${f.baselineMs.toFixed(0)} | ${f.ratio.toFixed(2)}×`);
  }
}
