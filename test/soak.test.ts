/**
 * `npm run soak` (scripts/soak.ts) for a few seconds, as a child process, so that the script
 * cannot rot: it must exit 0 and print its summary with the heap figures. The real soak (2 minutes
 * by default) is run by hand; see the script's header.
 */
import { spawn } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { AMQP_URL, ROOT, probeBroker } from "./helpers/broker.js";

const SECONDS = 8;
/** The child's own hard deadline is its duration + 90 s; this one is a last resort. */
const TIMEOUT_MS = (SECONDS + 120) * 1000;

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
if (noBroker && !process.env["CI"]) console.log(`SKIPPED: no RabbitMQ at ${AMQP_URL.replace(/:[^:@/]*@/, ":***@")}; soak smoke test not run`);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runSoak(): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", "scripts/soak.ts"], {
      cwd: ROOT,
      env: { ...process.env, SOAK_SECONDS: String(SECONDS) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

test.before(() => {
  if (noBroker && process.env["CI"]) throw new Error("CI is set but RabbitMQ is not reachable at 127.0.0.1:5672");
});

test(`npm run soak for ${SECONDS} s: exit 0, heap figures in the summary`, async () => {
  if (noBroker) return;
  const run = await runSoak();
  const summary = run.stdout.slice(run.stdout.indexOf("soak summary"));
  console.log(`\n${summary.replace(/^/gm, "  ").trimEnd()}`);
  assert.is(run.code, 0, `soak exited ${run.code ?? run.signal}\n${run.stdout}\n${run.stderr}`);
  assert.ok(run.stdout.includes("soak summary"), "the summary is printed");
  const heap = /heap used after GC: start (\d+\.\d+) MB, end (\d+\.\d+) MB, end\/start (\d+\.\d+)/.exec(run.stdout);
  assert.ok(heap, "the summary has the start and end heap figures and their ratio");
  const [start, end, ratio] = [Number(heap[1]), Number(heap[2]), Number(heap[3])];
  assert.ok(start > 0 && end > 0 && Math.abs(end / start - ratio) < 0.01, `heap figures are consistent: ${heap[0]}`);
  assert.match(run.stdout, /rss: start \d+\.\d+ MB, end \d+\.\d+ MB/);
  assert.match(run.stdout, /valid requests: [1-9]\d*, by status \{"200":[1-9]\d*\}/);
  assert.match(run.stdout, /2xx lost 0,/);
  assert.match(run.stdout, /p50 \d+\.\d+ ms, p99 \d+\.\d+ ms/);
  assert.match(run.stdout, /result: PASS/);
});

test.run();
