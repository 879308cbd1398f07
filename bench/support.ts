/**
 * What the benchmarks share: the median, a process's wall time and peak RSS, writing a config's generated code to a folder, and
 * servers in processes of their own (started until they print that they are ready, stopped
 * with SIGTERM).
 *
 * Servers run as JavaScript compiled from their TypeScript, as a service runs in production,
 * not under tsx: tsx keeps function names by wrapping every closure as it is created, which
 * costs per request and more so for code with more closures.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import ts from "typescript";
import { generate, type Adapter } from "../generator/index.js";

const BENCH_OUT = "bench/.out";
const SERVERS_OUT = join(BENCH_OUT, "servers");

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** TypeScript to JavaScript as `tsc` emits it for Node 20 (ES2022, ES modules), without type-checking. */
export interface Measured {
  ms: number;
  rssMb: number;
  status: number | null;
  stderr: string;
}

/**
 * Wall time and peak RSS of one Node process, from GNU time; its stderr as it printed it (GNU
 * time writes to a file of its own). Its stdout is dropped.
 */
export function measure(args: readonly string[]): Measured {
  mkdirSync(BENCH_OUT, { recursive: true });
  const timeFile = join(BENCH_OUT, "time.txt");
  const start = process.hrtime.bigint();
  const res = spawnSync("/usr/bin/time", ["-o", timeFile, "-f", "%M", process.execPath, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // The last number: GNU time puts "Command exited with non-zero status N" before it.
  const kb = Number(/(\d+)\s*$/.exec(readFileSync(timeFile, "utf8"))?.[1] ?? "0");
  return { ms, rssMb: kb / 1024, status: res.status, stderr: res.stderr };
}

export function toJavaScript(source: string, fileName: string): string {
  const { outputText } = ts.transpileModule(source, {
    fileName,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
  });
  return outputText;
}

/**
 * Generates `config` into a fresh `out` folder; a config with errors throws, naming them. With
 * `javascript`, each file is written compiled (`index.js`...), for servers run without tsx.
 */
export async function writeGenerated(config: unknown, out: string, adapters: readonly Adapter[] = [], options: { javascript?: boolean } = {}): Promise<void> {
  const result = await generate(JSON.stringify(config), { file: "krakend.json", adapters: [...adapters] });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`generate: ${errors.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  rmSync(out, { recursive: true, force: true });
  for (const f of result.files) {
    const javascript = options.javascript === true && f.path.endsWith(".ts");
    const path = join(out, javascript ? f.path.replace(/\.ts$/, ".js") : f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, javascript ? toJavaScript(f.content, f.path) : f.content);
  }
}

/** A bench server script (`bench/servers/x.ts`) compiled to bench/.out/servers/x.js; returns that path. */
function compiledServer(script: string): string {
  mkdirSync(SERVERS_OUT, { recursive: true });
  const out = join(SERVERS_OUT, basename(script).replace(/\.ts$/, ".js"));
  writeFileSync(out, toJavaScript(readFileSync(script, "utf8"), script));
  return out;
}

/** How to start a bench process: its environment, node's own flags (`--cpu-prof`...), how long it may take to be ready. */
export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  nodeArgs?: readonly string[];
  timeoutMs?: number;
}

/**
 * Spawns a bench server script, compiled to JavaScript, and resolves once its stdout matches
 * `ready` (within 15 s unless `timeoutMs` says otherwise).
 */
export function startProcess(
  script: string,
  args: readonly string[],
  ready: RegExp,
  options: ProcessOptions = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const { env = {}, nodeArgs = [], timeoutMs = 15_000 } = options;
  const child = spawn(process.execPath, [...nodeArgs, compiledServer(script), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${script}: not ready within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited ${code}`));
    });
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}
