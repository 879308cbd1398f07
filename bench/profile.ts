/**
 * `npm run bench:profile`: where the HTTP → RabbitMQ servers spend their CPU. Each server of
 * bench/http.ts runs under `--cpu-prof` while autocannon loads it (concurrency 50), one after
 * the other; then each profile is summed up: CPU time per request (everything but idle), time
 * by part (our runtime, amqplib, Node's own code, GC), and the functions with the most self
 * time. The profiles stay in bench/.out/profile/ for Chrome's DevTools.
 *
 *   BENCH_PROFILE_SECONDS=8  BENCH_PROFILE_TOP=20  BENCH_PROFILE_SERVERS=generated,baseline
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { connect } from "amqplib";
import { CONFIG, EXCHANGE, loadServer, OUT, QUEUE, SERVERS, type ServerName } from "./http.js";
import { startProcess, stop, writeGenerated } from "./support.js";

const PROFILE_OUT = "bench/.out/profile";
const SECONDS = Number(process.env["BENCH_PROFILE_SECONDS"] ?? 8);
const TOP = Number(process.env["BENCH_PROFILE_TOP"] ?? 20);
const NAMES = (process.env["BENCH_PROFILE_SERVERS"] ?? "generated,baseline").split(",") as ServerName[];

/** The parts of a V8 CPU profile read here. */
interface CpuProfile {
  nodes: { id: number; hitCount: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Which part of the process a function belongs to, by its script. */
function partOf(url: string, name: string): string {
  if (name === "(idle)") return "idle";
  if (name === "(garbage collector)") return "GC";
  if (name === "(program)") return "V8 and native (program)";
  if (url.includes("/amqplib/")) return "amqplib";
  if (url.includes("/http-generated/runtime/")) return "generated runtime";
  if (url.includes("/http-generated/")) return "generated routes and adapters";
  if (url.includes("/bench/.out/servers/")) return "bench server script";
  if (url.includes("/node_modules/")) return "other packages";
  if (url.startsWith("node:") || url === "") return "Node (node:http, streams, net, timers...)";
  return "other";
}

interface Summary {
  requests: number;
  seconds: number;
  busyUsPerRequest: number;
  parts: [string, number][];
  top: { name: string; where: string; ms: number; share: number }[];
}

/** Self time per sample's node, from the time deltas (more exact than hit counts). */
function summarise(profile: CpuProfile, requests: number): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const parts = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = (byId.get(id) as CpuProfile["nodes"][number]).callFrame;
    const part = partOf(url, functionName);
    total += us;
    if (part === "idle") idle += us;
    parts.set(part, (parts.get(part) ?? 0) + us);
    const where = url === "" ? "" : `${url.replace(/^file:\/\/.*?\/(node_modules|bench)\//, "$1/")}:${lineNumber + 1}`;
    const key = `${functionName}\u0000${where}`;
    const entry = functions.get(key) ?? { name: functionName || "(anonymous)", where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const busy = total - idle;
  return {
    requests,
    seconds: total / 1e6,
    busyUsPerRequest: busy / Math.max(1, requests),
    parts: [...parts].sort((a, b) => b[1] - a[1]).map(([part, us]) => [part, us / total]),
    top: [...functions.values()]
      .filter((f) => f.name !== "(idle)")
      .sort((a, b) => b.us - a.us)
      .slice(0, TOP)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: f.us / busy })),
  };
}

async function profileServer(name: ServerName): Promise<Summary> {
  const dir = join(PROFILE_OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const server = SERVERS[name];
  const { child, match } = await startProcess(server.script, server.args, /port (\d+)/, { env: server.env, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`] });
  const port = Number(match[1]);
  let requests = 0;
  try {
    // The warm-up is in the profile too, and so in the count of requests.
    for (const seconds of [2, SECONDS]) requests += (await loadServer(port, seconds)).requests;
  } finally {
    await stop(child); // the profile is written as the process exits
  }
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`${name}: no CPU profile written in ${dir}`);
  return summarise(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile, requests);
}

await writeGenerated(CONFIG, OUT, ["opentelemetry", "prometheus"], { javascript: true });
const admin = await connect("amqp://guest:guest@127.0.0.1:5672");
const channel = await admin.createChannel();
// The generated route's topology, whichever server runs first: the baseline declares no queue.
await channel.assertExchange(EXCHANGE, "topic", { durable: true });
await channel.assertQueue(QUEUE, { durable: true });
await channel.bindQueue(QUEUE, EXCHANGE, "#");
try {
  for (const name of NAMES) {
    const s = await profileServer(name);
    await channel.purgeQueue(QUEUE).catch(() => undefined);
    console.log(
      `\n## ${name}: ${s.requests} requests in ${s.seconds.toFixed(1)} s profiled, ${s.busyUsPerRequest.toFixed(1)} µs of CPU per request (not idle)\n`,
    );
    console.log("| part | share of the profile |\n|---|---|");
    for (const [part, share] of s.parts) console.log(`| ${part} | ${(share * 100).toFixed(1)} % |`);
    console.log(`\n| function | where | self ms | share of busy time |\n|---|---|---|---|`);
    for (const f of s.top) console.log(`| ${f.name} | ${f.where} | ${f.ms.toFixed(0)} | ${(f.share * 100).toFixed(1)} % |`);
  }
} finally {
  await channel.deleteQueue(QUEUE).catch(() => undefined);
  await channel.deleteExchange(EXCHANGE).catch(() => undefined);
  await admin.close();
}
