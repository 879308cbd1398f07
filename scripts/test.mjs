// Runs every test/*.test.ts file with uvu under tsx, several at a time, then prints one closing
// line `N passed, N failed, N skipped` computed from uvu's own totals.
//
//   node scripts/test.mjs [filter]     only the files whose name contains filter
//   TEST_JOBS=1 node scripts/test.mjs  one file at a time (default: 3)
//
// Files run in parallel unless they would disturb each other through the machine's one RabbitMQ:
// a file in TIMING runs with nothing beside it; a file in BROKER_EXCLUSIVE runs while no other
// broker test does; a file in NO_BROKER runs beside anything; a file in LATER starts beside
// anything and asks for the broker when it needs it (test/helpers/turn.ts); every other file is a
// broker test that shares the broker with other such files (each uses names of its own). Without a
// filter, the small broker-free files run together in one process, and the
// type-check and the linter run as two more jobs. Each file's output is printed whole when it
// ends, with its wall time; the run's end gives its wall time and the CPU time its jobs used.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { availableParallelism } from "node:os";

/**
 * Change the broker for everyone: stop and start it, join it to a cluster, close every
 * connection, lower its memory watermark or its max_message_size. The cluster test boots its two
 * extra nodes with the broker to itself too: measured, that is faster than booting them beside
 * the broker-restarting test (233 s against 203 s for the whole run).
 */
const BROKER_EXCLUSIVE = new Set(["faults-cluster", "faults", "reliability", "hostile-mix"]);

/** Broker tests that publish to the same queues (one config, or examples/service.ts): one at a time. */
const SAME_QUEUES = [
  ["example", "prometheus"],
  ["logger", "tracing"],
  ["hostile-requests", "hostile-mix"],
];
const sharesQueues = (a, b) => SAME_QUEUES.some((group) => group.includes(a.name) && group.includes(b.name));

/**
 * Measure how long requests wait on a stalled socket against a timeout: nothing else runs beside
 * them, since busy cores stretch those waits past the timeout (even one broker-free file beside
 * it did, on a clean clone: 504s after 4.5 s against a 3.5 s bound). They run first.
 */
const TIMING = new Set(["quiet-faults"]);

/**
 * Never connect to the broker (they run with AMQP_GEN_TEST_NO_BROKER=1, and test/helpers/broker.ts
 * refuses to probe for one): they may run while an exclusive file has the broker stopped.
 */
const NO_BROKER = new Set([
  "analyse",
  "api",
  "architecture",
  "asyncapi",
  "catalogue",
  "cli",
  "diagnostics-format",
  "editor",
  "golden",
  "hostile",
  "json-schema-compiler",
  "jwt-config",
  "load",
  "namespaces",
  "probes",
  "ratelimit-config",
  "runtime-checks",
  "runtime-link",
  "runtime-protections",
  "runtime-stats",
  "schema",
  "templates",
  "user-project",
  "write",
]);

/**
 * Do most of their work without the broker, then ask for it (`brokerTurn`) and share it with the
 * other broker files: the package test compiles for a minute and publishes one message.
 */
const LATER = new Set(["package"]);

/** The job that runs the small broker-free files together (inOneProcess below). */
const SMALL_FILES = "small files";

/**
 * Files known to take long, longest first (measured on a 2-core machine), so that the run does
 * not end with one of them alone; the rest follow in name order.
 */
const LONG_FIRST = [
  "package",
  "hostile",
  "cli",
  "asyncapi",
  "adapters",
  "user-project",
  "golden",
  SMALL_FILES,
  "json-schema-compiler",
  "consumers",
  "e2e",
  "jwt",
  "cors-browser",
  "soak",
  "topology",
  "asyncapi-contract",
  "prometheus",
  "typecheck",
  "lint",
];

/**
 * The broker-free files not known to take long run together in one process by a whole run
 * (scripts/test-batch.mjs): alone, each is mostly the start-up of Node, tsx and the generator
 * (~0.6 s of CPU), time the other files need on a 2-core machine. Measured: 18 files, 24 s of
 * CPU apart, 10.5 s together.
 */
const inOneProcess = (name) => NO_BROKER.has(name) && !LONG_FIRST.includes(name);

/** A file that has not finished by then is killed and counted as a failure. */
const FILE_TIMEOUT_MS = 10 * 60_000;

const JOBS = Math.max(1, Number(process.env["TEST_JOBS"] ?? 3));
const filter = process.argv[2];
const nameOf = (file) => file.replace(/\.test\.ts$/, "");
const kindOf = (name) => (TIMING.has(name) ? "timing" : BROKER_EXCLUSIVE.has(name) ? "exclusive" : NO_BROKER.has(name) || LATER.has(name) ? "none" : "broker");
const rank = (job) => {
  if (job.kind === "timing") return -100 + [...TIMING].indexOf(job.name);
  if (job.kind === "exclusive") return [...BROKER_EXCLUSIVE].indexOf(job.name);
  const long = LONG_FIRST.indexOf(job.name);
  return long >= 0 ? 10 + long : 100;
};

/**
 * The CPU time of every process this run has waited for, and of their own waited-for children
 * (Linux's cutime and cstime): what the tests cost, which on a small machine bounds the wall time.
 * Not the broker's. Null where /proc is not there.
 */
function childCpuSeconds() {
  try {
    // Fields after the command's closing parenthesis: state is the 3rd field, cutime the 16th.
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(fields[13]) + Number(fields[14]);
    const hz = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
    return Number.isFinite(ticks) ? ticks / hz : null;
  } catch {
    return null;
  }
}

/** Whether anything listens on the broker's port now, before any file can stop it. */
function brokerListening() {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: 5672, timeout: 2000 });
    const done = (seen) => {
      socket.destroy();
      resolve(seen);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}
/**
 * The request-reply example's generated/ is not committed (the repository keeps one copy of the
 * runtime, in generated/): written here, as `npm run example:rpc:generate` writes it, so that the
 * type-check and the example's test find it. `npm test` has built dist/ just before.
 */
function generateExample() {
  const args = ["dist/generator/cli/cli.js", "examples/request-reply/krakend.json", "--out", "examples/request-reply/generated", "--consumers", "-q"];
  const run = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (run.status !== 0) console.log(`examples/request-reply: generation failed (exit ${run.status}):\n${run.stderr}`);
}
// Only the type-check (a job of the whole run) reads it: the example's test writes it itself.
if (!filter) generateExample();
const brokerSeen = await brokerListening();
const runStarted = Date.now();

/**
 * @typedef {{
 *   name: string,
 *   kind: "timing" | "exclusive" | "broker" | "none",
 *   command: string[],
 *   uvu: boolean,
 *   env?: Record<string, string>,
 *   later?: boolean,
 *   grant?: () => void,
 * }} Job
 */
const testFiles = readdirSync("test")
  .filter((f) => f.endsWith(".test.ts") && (!filter || f.includes(filter)))
  .sort();
// Without a filter, the small files go together; a filter runs each file alone.
const together = filter ? [] : testFiles.filter((file) => inOneProcess(nameOf(file)));
/** @type {Job[]} */
const jobs = testFiles
  .filter((file) => !together.includes(file))
  .map((file) => {
    const name = nameOf(file);
    const kind = kindOf(name);
    const later = LATER.has(name);
    return {
      name,
      kind,
      command: [process.execPath, "--import", "tsx", `test/${file}`],
      uvu: true,
      env: kind === "none" ? { AMQP_GEN_TEST_NO_BROKER: "1", ...(later ? { AMQP_GEN_TEST_BROKER_SEEN: brokerSeen ? "1" : "0" } : {}) } : {},
      later,
    };
  });
if (together.length > 0) {
  jobs.push({
    name: SMALL_FILES,
    kind: "none",
    command: [process.execPath, "--import", "tsx", "scripts/test-batch.mjs", ...together.map((file) => `test/${file}`)],
    uvu: true,
    env: { AMQP_GEN_TEST_NO_BROKER: "1" },
  });
}
if (!filter) {
  jobs.push(
    { name: "typecheck", kind: "none", command: [process.execPath, "node_modules/typescript-current/bin/tsc", "-p", "tsconfig.json", "--noEmit"], uvu: false },
    { name: "lint", kind: "none", command: ["node_modules/.bin/biome", "ci", "--error-on-warnings", "--colors=off", "."], uvu: false },
  );
}
jobs.sort((a, b) => rank(a) - rank(b));

const totals = { passed: 0, failed: 0, skipped: 0 };

/** Adds a finished file's counts to the totals; a missing summary or a bad exit is a failure. */
function count(job, output, status) {
  if (!job.uvu) {
    if (status === 0) totals.passed++;
    else totals.failed++;
    return status === 0 ? "" : `${job.name}: exited ${status}; counted as one failure`;
  }
  const total = /Total:\s+(\d+)/.exec(output);
  const ok = /Passed:\s+(\d+)/.exec(output);
  const skip = /Skipped:\s+(\d+)/.exec(output);
  if (!total || !ok) {
    totals.failed++;
    return `${job.name}: no uvu summary (exit ${status}); counted as one failure`;
  }
  const t = Number(total[1]);
  const p = Number(ok[1]);
  totals.passed += p;
  totals.skipped += skip ? Number(skip[1]) : 0;
  totals.failed += t - p;
  if (status !== 0 && t === p) {
    totals.failed++;
    return `${job.name}: exited ${status} after passing; counted as one failure`;
  }
  return "";
}

/** Runs one job to its end; resolves when its output has been printed and counted. */
function run(job, askTurn) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(job.command[0], job.command.slice(1), {
      env: { ...process.env, ...job.env },
      stdio: job.later ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    });
    // A LATER file asks for the broker with { turn: true }; it is told { granted: true } when it has it.
    child.on("message", (message) => {
      if (message?.turn !== true) return;
      askTurn(job, () => {
        if (child.connected) child.send({ granted: true });
      });
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n${job.name}: still running after ${FILE_TIMEOUT_MS / 1000} s: killed`;
      child.kill("SIGKILL");
    }, FILE_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const from = ((started - runStarted) / 1000).toFixed(0);
      const verdict = count(job, output, code ?? signal);
      process.stdout.write(
        `\n── ${job.name} (${job.later && job.kind !== "none" ? "no broker, then " : ""}${{ none: "no broker", broker: "broker", exclusive: "broker to itself", timing: "alone" }[job.kind]}, ${seconds} s from ${from} s)\n`,
      );
      process.stdout.write(output.endsWith("\n") ? output : `${output}\n`);
      if (verdict) process.stdout.write(`\n${verdict}\n`);
      resolve();
    });
  });
}

/** Whether a job may start, or take the broker, as `kind` beside the other running ones. */
function mayRun(job, kind, running) {
  const others = [...running].filter((r) => r !== job);
  if (kind === "timing") return others.length === 0;
  if (others.some((r) => r.kind === "timing")) return false;
  if (kind === "none") return true;
  if (others.some((r) => sharesQueues(job, r))) return false;
  const brokerJobs = others.filter((r) => r.kind !== "none");
  if (kind === "exclusive") return brokerJobs.length === 0;
  return brokerJobs.every((r) => r.kind !== "exclusive");
}

const pending = [...jobs];
const running = new Set();
await new Promise((done) => {
  /** A running LATER file asks for the broker: it gets it as soon as a broker file could start. */
  const askTurn = (job, grant) => {
    job.grant = grant;
    next();
  };
  const next = () => {
    // Running files waiting for the broker come first.
    for (const job of running) {
      if (job.grant && mayRun(job, "broker", running)) {
        job.kind = "broker";
        job.grant();
        job.grant = undefined;
      }
    }
    while (running.size < JOBS) {
      const index = pending.findIndex((job) => mayRun(job, job.kind, running));
      if (index < 0) break;
      const [job] = pending.splice(index, 1);
      running.add(job);
      void run(job, askTurn).then(() => {
        running.delete(job);
        next();
      });
    }
    if (running.size === 0 && pending.length === 0) done();
  };
  next();
});

const cpu = childCpuSeconds();
const cores = availableParallelism();
console.log(
  `\n${jobs.length} jobs, ${JOBS} at a time: ${((Date.now() - runStarted) / 1000).toFixed(1)} s` +
    (cpu === null ? "" : `; ${cpu.toFixed(0)} s of CPU in the test processes, so at least ${(cpu / cores).toFixed(0)} s on ${cores} cores`),
);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
