/**
 * Request-reply against a plain publish: one generated listener (bench/servers/generated.ts, in
 * its own process) serving two endpoints on the same broker, a confirmed publish to a queue and a
 * request-reply endpoint (`"@amqp-gen": { "reply": … }`) whose queue a responder in a third
 * process (bench/servers/responder.ts) answers at once. autocannon loads each endpoint at
 * concurrency 50 (throughput) and 1 (latency with nothing queued), alternating which endpoint
 * goes first. Prints median requests/s, p50 and p99 of both, and request-reply's ratios.
 *
 * Latencies are percentiles of every 2xx response time autocannon reports, in fractions of a
 * millisecond: its own histogram keeps whole milliseconds, too coarse at concurrency 1.
 *
 *   BENCH_RPC_SECONDS=2  BENCH_RPC_RUNS=5   (the whole benchmark then takes about 45 s)
 */
import { connect } from "amqplib";
import autocannon from "autocannon";
import { median, startProcess, stop, writeGenerated } from "./support.js";

const OUT = "bench/.out/request-reply-generated";
const PUBLISH = "bench.rpc.publish";
const REQUEST = "bench.rpc.request";
const DURATION = Number(process.env["BENCH_RPC_SECONDS"] ?? 2);
const RUNS = Number(process.env["BENCH_RPC_RUNS"] ?? 5);
const BODY = JSON.stringify({ sku: "A-1", quantity: 2 });

/** The same producer settings for both endpoints, so that the reply is the only difference. */
const endpoint = (path: string, name: string, extra: object) => ({
  endpoint: path,
  method: "POST",
  backend: [
    {
      host: ["amqp://guest:guest@127.0.0.1:5672"],
      disable_host_sanitize: true,
      extra_config: {
        "backend/amqp/producer": { name, exchange: name, durable: false, routing_key: "bench", static_routing_key: true, mandatory: true, ...extra },
      },
    },
  ],
});

const CONFIG = {
  version: 3,
  timeout: "3s",
  endpoints: [endpoint("/publish", PUBLISH, {}), endpoint("/request", REQUEST, { "@amqp-gen": { reply: { timeout: "2s" } } })],
};

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
}

function load(port: number, path: string, connections: number, seconds: number): Promise<Load> {
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: `http://127.0.0.1:${port}${path}`, method: "POST", headers: { "content-type": "application/json" }, body: BODY, connections, duration: seconds },
      (err: unknown, result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        times.sort((a, b) => a - b);
        resolve({ rps: result.requests.average, p50: percentile(times, 50), p99: percentile(times, 99), failures: result.non2xx + result.errors });
      },
    );
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
  });
}

export interface LoadFigures {
  rps: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
}

export interface RequestReplyFigures {
  /** Concurrency 50. */
  c50: { publish: LoadFigures; reply: LoadFigures; rpsRatio: number; p50Ratio: number; p99Ratio: number };
  /** Concurrency 1: one request at a time, the latency of the path itself. */
  c1: { publish: LoadFigures; reply: LoadFigures; rpsRatio: number; p50Ratio: number; p99Ratio: number };
  runs: number;
  seconds: number;
  /** Non-2xx answers and errors over all runs (504s included): 0 expected. */
  failures: number;
}

export async function benchRequestReply(): Promise<RequestReplyFigures> {
  await writeGenerated(CONFIG, OUT, [], { javascript: true });
  const admin = await connect("amqp://guest:guest@127.0.0.1:5672");
  const channel = await admin.createChannel();
  channel.on("error", () => undefined);
  const purge = () => channel.purgeQueue(PUBLISH).catch(() => undefined);

  // The server first: it declares and binds both queues before it prints its port.
  const server = await startProcess("bench/servers/generated.ts", [OUT], /port (\d+)/);
  const port = Number(server.match[1]);
  const responder = await startProcess("bench/servers/responder.ts", [REQUEST], /ready/);
  const samples = { 50: { publish: [] as Load[], reply: [] as Load[] }, 1: { publish: [] as Load[], reply: [] as Load[] } };
  let failures = 0;
  try {
    await load(port, "/publish", 50, 1); // warm-up: JIT, connections, queues
    await load(port, "/request", 50, 1);
    await purge();
    for (let i = 0; i < RUNS; i++) {
      for (const connections of [50, 1] as const) {
        // Alternate which endpoint goes first, so that neither always runs after the other.
        const order = i % 2 === 0 ? (["publish", "reply"] as const) : (["reply", "publish"] as const);
        for (const kind of order) {
          const r = await load(port, kind === "publish" ? "/publish" : "/request", connections, DURATION);
          samples[connections][kind].push(r);
          failures += r.failures;
          if (kind === "publish") await purge(); // nobody consumes it: keep it empty for every run
        }
      }
    }
  } finally {
    await stop(responder.child);
    await stop(server.child);
    for (const name of [PUBLISH, REQUEST]) {
      await channel.deleteQueue(name).catch(() => undefined);
      await channel.deleteExchange(name).catch(() => undefined);
    }
    await admin.close();
  }
  const figures = (loads: Load[]): LoadFigures => ({
    rps: median(loads.map((l) => l.rps)),
    p50: median(loads.map((l) => l.p50)),
    p99: median(loads.map((l) => l.p99)),
  });
  const compare = (c: 50 | 1) => {
    const publish = figures(samples[c].publish);
    const reply = figures(samples[c].reply);
    return { publish, reply, rpsRatio: reply.rps / publish.rps, p50Ratio: reply.p50 / publish.p50, p99Ratio: reply.p99 / publish.p99 };
  };
  return { c50: compare(50), c1: compare(1), runs: RUNS, seconds: DURATION, failures };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchRequestReply();
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  console.log(`HTTP → RabbitMQ request-reply against a confirmed publish, same listener and broker, median of ${f.runs} × ${f.seconds} s`);
  for (const [label, c] of [
    ["c=50", f.c50],
    ["c=1 ", f.c1],
  ] as const) {
    console.log(`${label} publish: ${c.publish.rps.toFixed(0).padStart(6)} req/s, p50 ${ms(c.publish.p50)}, p99 ${ms(c.publish.p99)}`);
    console.log(`${label} reply:   ${c.reply.rps.toFixed(0).padStart(6)} req/s, p50 ${ms(c.reply.p50)}, p99 ${ms(c.reply.p99)}`);
    console.log(`${label} ratio:   ${c.rpsRatio.toFixed(2)}× req/s, ${c.p50Ratio.toFixed(2)}× p50, ${c.p99Ratio.toFixed(2)}× p99`);
  }
  console.log(`non-2xx/errors ${f.failures}`);
}
