/**
 * What the benchmarks share: the median, writing a config's generated code to a folder, and
 * servers in processes of their own (started until they print that they are ready, stopped
 * with SIGTERM).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generate, type Adapter } from "../generator/index.js";

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Generates `config` into a fresh `out` folder; a config with errors throws, naming them. */
export async function writeGenerated(config: unknown, out: string, adapters: readonly Adapter[] = []): Promise<void> {
  const result = await generate(JSON.stringify(config), { file: "krakend.json", adapters: [...adapters] });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`generate: ${errors.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  rmSync(out, { recursive: true, force: true });
  for (const f of result.files) {
    mkdirSync(dirname(join(out, f.path)), { recursive: true });
    writeFileSync(join(out, f.path), f.content);
  }
}

/** Spawns a bench script under tsx and resolves once its stdout matches `ready` (within 15 s). */
export function startProcess(
  script: string,
  args: readonly string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${script}: not ready within 15 s`)), 15_000);
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
