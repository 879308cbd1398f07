/**
 * HTTP → RabbitMQ throughput: amqp-gen's generated listener against a minimal hand-written
 * server (bench/servers/baseline.ts) publishing the same confirmed, persistent message, each in
 * its own process, loaded by autocannon at concurrency 50, rotating the order of runs so that
 * noise hits all alike. A third server is the generated one with both telemetry adapters on
 * (OpenTelemetry spans and metrics, Prometheus scraped), for what operators' visibility costs.
 * Prints median requests/s and p99 latency, and the ratios.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import autocannon from "autocannon";
import { connect } from "amqplib";
import { median, startProcess, stop, writeGenerated } from "./support.js";

const OUT = "bench/.out/http-generated";
const QUEUE = "bench.http.produce";
const EXCHANGE = "bench.http.produce";
const DURATION = Number(process.env["BENCH_HTTP_SECONDS"] ?? 8);
const RUNS = Number(process.env["BENCH_HTTP_RUNS"] ?? 4);

const CONFIG = {
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

/** A server in its own process, once it prints `port <n>`. */
async function startServer(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; port: number }> {
  const { child, match } = await startProcess(script, args, /port (\d+)/, env);
  return { child, port: Number(match[1]) };
}

async function load(port: number, seconds: number): Promise<{ rps: number; p99: number; non2xx: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/produce/60000/replies/msg-1/5/eu.orders`,
    method: "POST",
    // A W3C trace context, as a traced client sends it: the telemetry server continues it.
    headers: { "content-type": "application/json", traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
    body: JSON.stringify({ sku: "A-1", quantity: 2 }),
    connections: 50,
    duration: seconds,
  });
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx + result.errors };
}

export interface HttpFigures {
  generated: { rps: number; p99: number };
  /** The generated server with the OpenTelemetry and Prometheus adapters registered. */
  telemetry: { rps: number; p99: number };
  baseline: { rps: number; p99: number };
  rpsRatio: number;
  p99Ratio: number;
  /** Telemetry on against off, requests/s (1 = free). */
  telemetryRpsRatio: number;
  failures: number;
}

export async function benchHttp(): Promise<HttpFigures> {
  await writeGenerated(CONFIG, OUT, ["opentelemetry", "prometheus"]);
  const admin = await connect("amqp://guest:guest@127.0.0.1:5672");
  const channel = await admin.createChannel();
  const purge = () => channel.purgeQueue(QUEUE).catch(() => undefined);

  const generated = await startServer("bench/servers/generated.ts", [OUT]);
  const telemetry = await startServer("bench/servers/generated.ts", [OUT], { BENCH_TELEMETRY: "1" });
  const baseline = await startServer("bench/servers/baseline.ts");
  const figures = {
    generated: { rps: [] as number[], p99: [] as number[] },
    telemetry: { rps: [] as number[], p99: [] as number[] },
    baseline: { rps: [] as number[], p99: [] as number[] },
  };
  let failures = 0;
  try {
    await load(generated.port, 2); // warm-up
    await load(telemetry.port, 2);
    await load(baseline.port, 2);
    await purge();
    spawnSync("sync"); // the disk writes of earlier benchmarks must not land on the first runs
    for (let i = 0; i < RUNS; i++) {
      // Rotate which server goes first, so that none always runs after another.
      const servers = [
        ["generated", generated],
        ["telemetry", telemetry],
        ["baseline", baseline],
      ] as const;
      const order = [...servers.slice(i % servers.length), ...servers.slice(0, i % servers.length)];
      for (const [name, server] of order) {
        const r = await load(server.port, DURATION);
        figures[name].rps.push(r.rps);
        figures[name].p99.push(r.p99);
        failures += r.non2xx;
        await purge(); // keep the queue short so both runs see the same broker
      }
    }
  } finally {
    await stop(generated.child);
    await stop(telemetry.child);
    await stop(baseline.child);
    await channel.deleteQueue(QUEUE).catch(() => undefined);
    await channel.deleteExchange(EXCHANGE).catch(() => undefined);
    await admin.close();
  }
  const g = { rps: median(figures.generated.rps), p99: median(figures.generated.p99) };
  const t = { rps: median(figures.telemetry.rps), p99: median(figures.telemetry.p99) };
  const b = { rps: median(figures.baseline.rps), p99: median(figures.baseline.p99) };
  return { generated: g, telemetry: t, baseline: b, rpsRatio: g.rps / b.rps, p99Ratio: g.p99 / b.p99, telemetryRpsRatio: t.rps / g.rps, failures };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchHttp();
  console.log(`HTTP → RabbitMQ, confirmed + persistent, concurrency 50, median of ${RUNS} × ${DURATION} s`);
  console.log(`generated: ${f.generated.rps.toFixed(0)} req/s, p99 ${f.generated.p99} ms`);
  console.log(`telemetry: ${f.telemetry.rps.toFixed(0)} req/s, p99 ${f.telemetry.p99} ms (OpenTelemetry + Prometheus adapters)`);
  console.log(`baseline:  ${f.baseline.rps.toFixed(0)} req/s, p99 ${f.baseline.p99} ms`);
  console.log(
    `ratio: ${f.rpsRatio.toFixed(2)}× req/s, ${f.p99Ratio.toFixed(2)}× p99; telemetry on/off ${f.telemetryRpsRatio.toFixed(2)}× req/s; non-2xx/errors ${f.failures}`,
  );
}
