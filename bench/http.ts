/**
 * HTTP → RabbitMQ throughput: amqp-gen's generated listener against a minimal hand-written
 * server (bench/servers/baseline.ts) publishing the same confirmed, persistent message, each in
 * its own process, loaded by autocannon at concurrency 50. A third server is the generated one
 * with both telemetry adapters on (OpenTelemetry spans and metrics, Prometheus scraped), for
 * what operators' visibility costs. The broker's own limit is measured between them: the same
 * message from one amqplib confirm channel with 50 in flight and no HTTP
 * (bench/servers/broker-limit.ts). The order of the four rotates from run to run, so that noise
 * hits all alike. Prints median requests/s and p99 latency, and the ratios.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import { connect } from "amqplib";
import { median, startProcess, stop, writeGenerated } from "./support.js";

export const OUT = "bench/.out/http-generated";
export const QUEUE = "bench.http.produce";
export const EXCHANGE = "bench.http.produce";
const DURATION = Number(process.env["BENCH_HTTP_SECONDS"] ?? 8);
const RUNS = Number(process.env["BENCH_HTTP_RUNS"] ?? 7);
const CONNECTIONS = 50;
/** Load before the measured runs: the JIT has compiled the hot path, and every connection is open. */
const WARM_UP_SECONDS = 4;
const SAME_LOAD_RUNS = 5;
const SAME_LOAD_SECONDS = 6;

export const CONFIG = {
  version: 3,
  timeout: "3s",
  endpoints: [
    {
      endpoint: "/produce/{a}/{b}/{id}/{prio}/{route}",
      method: "POST",
      backend: [
        {
          host: ["amqp://guest:guest@127.0.0.1:5672"],
          disable_host_sanitize: true,
          extra_config: {
            "backend/amqp/producer": {
              name: QUEUE,
              exchange: EXCHANGE,
              durable: true,
              exp_key: "A",
              reply_to_key: "B",
              msg_id_key: "Id",
              priority_key: "Prio",
              routing_key: "Route",
            },
          },
        },
      ],
    },
  ],
};

export type ServerName = "generated" | "telemetry" | "baseline";

/** The HTTP servers compared, each started as its own process. */
export const SERVERS: Record<ServerName, { script: string; args: string[]; env: NodeJS.ProcessEnv }> = {
  generated: { script: "bench/servers/generated.ts", args: [OUT], env: {} },
  telemetry: { script: "bench/servers/generated.ts", args: [OUT], env: { BENCH_TELEMETRY: "1" } },
  baseline: { script: "bench/servers/baseline.ts", args: [], env: {} },
};

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** CPU seconds a process has used so far (user + system), from /proc; 0 where there is no /proc. */
function cpuSeconds(pid: number | undefined): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** A load run on a server, with the CPU time the server process spent per request meanwhile. */
async function loadMeasured(server: { child: ChildProcess; port: number }, seconds: number): Promise<Load & { cpuUsPerRequest: number }> {
  const before = cpuSeconds(server.child.pid);
  const load = await loadServer(server.port, seconds);
  const cpu = cpuSeconds(server.child.pid) - before;
  return { ...load, cpuUsPerRequest: (cpu * 1e6) / Math.max(1, load.requests) };
}

/**
 * autocannon on the benchmark route for `seconds`, as a traced client calls it: as fast as the
 * server answers, or at `rate` requests per second in all (the same offered load for each server).
 */
export async function loadServer(port: number, seconds: number, rate?: number): Promise<Load> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/produce/60000/replies/msg-1/5/eu.orders`,
    method: "POST",
    // A W3C trace context, as a traced client sends it: the telemetry server continues it.
    headers: { "content-type": "application/json", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
    body: JSON.stringify({ sku: "A-1", quantity: 2 }),
    connections: CONNECTIONS,
    duration: seconds,
    ...(rate === undefined ? {} : { overallRate: rate }),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors,
  };
}

/** Confirmed publishes per second with no HTTP, in a process of its own. */
async function brokerLimit(seconds: number): Promise<number> {
  const { child, match } = await startProcess("bench/servers/broker-limit.ts", [String(seconds)], /rate (\d+(?:\.\d+)?)/, {
    timeoutMs: (seconds + 15) * 1000,
  });
  await stop(child);
  return Number(match[1]);
}

interface Figures {
  rps: number;
  p99: number;
  /** CPU time of the server process per request, in µs (user + system, kernel work for its sockets included). */
  cpuUs: number;
}

type Measured = Awaited<ReturnType<typeof loadMeasured>>;
const latencies = (loads: Load[]) => ({ p50: median(loads.map((l) => l.p50)), p99: median(loads.map((l) => l.p99)) });
const sampleOf = (m: Measured) => ({ rps: Math.round(m.rps), p99: m.p99, cpuUs: Number(m.cpuUsPerRequest.toFixed(1)) });

export interface HttpFigures {
  generated: Figures;
  /** The generated server with the OpenTelemetry and Prometheus adapters registered. */
  telemetry: Figures;
  baseline: Figures;
  /** Confirmed publishes per second from one amqplib client, no HTTP. */
  brokerLimit: number;
  /** Generated against the hand-written server. */
  rpsRatio: number;
  p99Ratio: number;
  cpuRatio: number;
  /** Telemetry on against the hand-written server. */
  telemetryRpsRatio: number;
  telemetryP99Ratio: number;
  runs: number;
  seconds: number;
  failures: number;
  /**
   * Latency at the same offered load for both (80 % of the slower one's median req/s, 5 runs
   * each, alternating): at concurrency 50 the faster server also pushes the broker harder.
   */
  sameLoad: { rate: number; generated: { p50: number; p99: number }; baseline: { p50: number; p99: number }; p99Ratio: number };
  /** Every run's figures, in the order they ran. */
  samples: Record<ServerName, { rps: number; p99: number; cpuUs: number }[]> & { broker: number[] };
}

export async function benchHttp(): Promise<HttpFigures> {
  await writeGenerated(CONFIG, OUT, ["opentelemetry", "prometheus"], { javascript: true });
  const admin = await connect("amqp://guest:guest@127.0.0.1:5672");
  const channel = await admin.createChannel();
  const purge = () => channel.purgeQueue(QUEUE).catch(() => undefined);

  const started: Partial<Record<ServerName, { child: ChildProcess; port: number }>> = {};
  const samples = { generated: [] as Measured[], telemetry: [] as Measured[], baseline: [] as Measured[], broker: [] as number[] };
  const sameLoad = { generated: [] as Load[], baseline: [] as Load[] };
  let sameLoadRate = 0;
  let failures = 0;
  try {
    for (const name of Object.keys(SERVERS) as ServerName[]) {
      const { script, args, env } = SERVERS[name];
      const { child, match } = await startProcess(script, args, /port (\d+)/, { env });
      started[name] = { child, port: Number(match[1]) };
      await loadServer(Number(match[1]), WARM_UP_SECONDS);
    }
    await purge();
    spawnSync("sync"); // the disk writes of earlier benchmarks must not land on the first runs
    const contenders = ["generated", "telemetry", "baseline", "broker"] as const;
    for (let i = 0; i < RUNS; i++) {
      // Rotate which goes first, so that none always runs after another.
      const order = [...contenders.slice(i % contenders.length), ...contenders.slice(0, i % contenders.length)];
      for (const name of order) {
        if (name === "broker") samples.broker.push(await brokerLimit(DURATION));
        else {
          const r = await loadMeasured(started[name] as { child: ChildProcess; port: number }, DURATION);
          samples[name].push(r);
          failures += r.failures;
        }
        await purge(); // nobody consumes the queue: keep it short so that every run sees the same broker
      }
    }
    const rate = Math.round(0.8 * Math.min(median(samples.generated.map((l) => l.rps)), median(samples.baseline.map((l) => l.rps))));
    for (let i = 0; i < SAME_LOAD_RUNS; i++) {
      const order = i % 2 === 0 ? (["generated", "baseline"] as const) : (["baseline", "generated"] as const);
      for (const name of order) {
        const r = await loadServer((started[name] as { port: number }).port, SAME_LOAD_SECONDS, rate);
        sameLoad[name].push(r);
        failures += r.failures;
        await purge();
      }
    }
    sameLoadRate = rate;
  } finally {
    for (const server of Object.values(started)) await stop(server.child);
    await channel.deleteQueue(QUEUE).catch(() => undefined);
    await channel.deleteExchange(EXCHANGE).catch(() => undefined);
    await admin.close();
  }
  const figures = (loads: Measured[]): Figures => ({
    rps: median(loads.map((l) => l.rps)),
    p99: median(loads.map((l) => l.p99)),
    cpuUs: median(loads.map((l) => l.cpuUsPerRequest)),
  });
  const g = figures(samples.generated);
  const t = figures(samples.telemetry);
  const b = figures(samples.baseline);
  return {
    generated: g,
    telemetry: t,
    baseline: b,
    brokerLimit: median(samples.broker),
    rpsRatio: g.rps / b.rps,
    p99Ratio: g.p99 / b.p99,
    cpuRatio: g.cpuUs / b.cpuUs,
    telemetryRpsRatio: t.rps / b.rps,
    telemetryP99Ratio: t.p99 / b.p99,
    runs: RUNS,
    seconds: DURATION,
    failures,
    sameLoad: {
      rate: sameLoadRate,
      generated: latencies(sameLoad.generated),
      baseline: latencies(sameLoad.baseline),
      p99Ratio: latencies(sameLoad.generated).p99 / latencies(sameLoad.baseline).p99,
    },
    samples: {
      generated: samples.generated.map(sampleOf),
      telemetry: samples.telemetry.map(sampleOf),
      baseline: samples.baseline.map(sampleOf),
      broker: samples.broker,
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchHttp();
  const ofLimit = (rps: number) => `${((rps / f.brokerLimit) * 100).toFixed(0)} % of the broker limit`;
  console.log(`HTTP → RabbitMQ, confirmed + persistent, concurrency ${CONNECTIONS}, medians of ${f.runs} × ${f.seconds} s`);
  const line = (name: string, x: Figures, what = "") =>
    console.log(`${name} ${x.rps.toFixed(0)} req/s, p99 ${x.p99} ms, ${x.cpuUs.toFixed(1)} µs CPU per request (${what}${ofLimit(x.rps)})`);
  line("generated:", f.generated);
  line("telemetry:", f.telemetry, "OpenTelemetry + Prometheus adapters; ");
  line("baseline: ", f.baseline);
  console.log(`broker limit: ${f.brokerLimit.toFixed(0)} confirmed msg/s (one amqplib client, 50 in flight, no HTTP)`);
  console.log(
    `runs (req/s, p99 ms): ${(["generated", "telemetry", "baseline"] as const).map((n) => `${n} ${f.samples[n].map((r) => `${r.rps}/${r.p99}`).join(" ")}`).join("; ")}`,
  );
  console.log(
    `same offered load, ${f.sameLoad.rate} req/s: generated p50 ${f.sameLoad.generated.p50} ms, p99 ${f.sameLoad.generated.p99} ms; baseline p50 ${f.sameLoad.baseline.p50} ms, p99 ${f.sameLoad.baseline.p99} ms (${f.sameLoad.p99Ratio.toFixed(2)}× p99)`,
  );
  console.log(
    `generated / baseline: ${f.rpsRatio.toFixed(2)}× req/s, ${f.p99Ratio.toFixed(2)}× p99, ${f.cpuRatio.toFixed(2)}× CPU per request; with telemetry ${f.telemetryRpsRatio.toFixed(2)}× req/s, ${f.telemetryP99Ratio.toFixed(2)}× p99; non-2xx/errors ${f.failures}`,
  );
}
