/**
 * `npm run bench`: every benchmark, each against a baseline measured in the same run, then one
 * table of medians and ratios against the targets (BENCHMARKS.md), the raw figures in
 * bench/.out/results.json and the chart in bench/generation.svg.
 *
 *   BENCH_SIZES=100,1000,10000  BENCH_RUNS=7  BENCH_HTTP_SECONDS=8  BENCH_HTTP_RUNS=7
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderChart } from "./chart.js";
import { benchDiagnostics } from "./diagnostics.js";
import { benchDispatch } from "./dispatch.js";
import { benchGeneration, type GenerationFigure } from "./generate.js";
import { benchHttp } from "./http.js";
import { benchProtections } from "./protections.js";
import { benchRequestReply } from "./request-reply.js";
import { measure, median } from "./support.js";
import { benchTracing } from "./tracing.js";

const OUT = "bench/.out";
const RUNS = Number(process.env["BENCH_RUNS"] ?? 7);

function benchCheck(): { ms: number; baselineMs: number } {
  const config = join(OUT, "krakend-1000.json");
  const dir = join(OUT, "check-1000");
  rmSync(dir, { recursive: true, force: true });
  spawnSync(process.execPath, ["dist/generator/cli/cli.js", config, "--out", dir, "-q"]);
  const times: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = measure(["dist/generator/cli/cli.js", config, "--out", dir, "--check", "-q"]);
    if (r.status !== 0) throw new Error("--check found drift in a folder it had just written");
    times.push(r.ms);
    base.push(measure(["bench/baseline-write.mjs", config, join(OUT, "files-1000.json"), join(OUT, `check-base-${i}`)]).ms);
  }
  for (let i = 0; i < RUNS; i++) rmSync(join(OUT, `check-base-${i}`), { recursive: true, force: true });
  return { ms: median(times), baselineMs: median(base) };
}

function benchMemory(): number {
  const dir = join(OUT, "memory-10000");
  rmSync(dir, { recursive: true, force: true });
  const r = measure(["dist/generator/cli/cli.js", join(OUT, "krakend-10000.json"), "--out", dir, "-q"]);
  return r.rssMb;
}

/** A table row; `met` null: a figure reported, with no target. */
const row = (name: string, value: string, baseline: string, ratio: string, target: string, met: boolean | null) =>
  `| ${name} | ${value} | ${baseline} | ${ratio} | ${target} | ${met === null ? "" : met ? "met" : "**missed**"} |`;

mkdirSync(OUT, { recursive: true });
const generation: GenerationFigure[] = await benchGeneration();
const byRoutes = (n: number) => generation.find((g) => g.routes === n);
const check = benchCheck();
const memory = benchMemory();
const diagnostics = benchDiagnostics();
const dispatch = await benchDispatch();
const http = await benchHttp();
const requestReply = await benchRequestReply();
const protections = await benchProtections();
const tracing = await benchTracing();

const g1k = byRoutes(1000);
const g10k = byRoutes(10000);
const lines = ["| benchmark | amqp-gen (median) | baseline (median) | ratio | target | |", "|---|---|---|---|---|---|"];
for (const g of generation) {
  lines.push(
    row(
      `CLI generation, ${g.routes} routes (${g.files} files)`,
      `${g.amqpGenMs.toFixed(0)} ms`,
      `${g.baselineMs.toFixed(0)} ms`,
      `${g.ratio.toFixed(2)}×`,
      g.routes === 1000 ? "≤ 4×, < 1 s" : g.routes === 10000 ? "≤ 4×" : "—",
      g.routes === 1000 ? g.ratio <= 4 && g.amqpGenMs < 1000 : g.ratio <= 4,
    ),
  );
}
if (g1k && g10k) {
  const growth = g10k.amqpGenMs / g1k.amqpGenMs;
  lines.push(row("growth 10k / 1k", `${growth.toFixed(1)}×`, `${(g10k.baselineMs / g1k.baselineMs).toFixed(1)}×`, "—", "≤ 12", growth <= 12));
}
lines.push(
  row(
    "`--check`, nothing changed, 1,000 routes",
    `${check.ms.toFixed(0)} ms`,
    `${check.baselineMs.toFixed(0)} ms (writing)`,
    `${(check.ms / check.baselineMs).toFixed(2)}×`,
    "< 0.5 s",
    check.ms < 500,
  ),
);
lines.push(row("peak memory, generating 10,000 routes", `${memory.toFixed(0)} MB`, "—", "—", "< 300 MB", memory < 300));
lines.push(
  row(
    `CLI \`--dry-run\`, ${diagnostics.routes} routes with ${diagnostics.warnings} warnings (AG230)`,
    `${diagnostics.warnedMs.toFixed(0)} ms, ${diagnostics.warnedRssMb.toFixed(0)} MB peak RSS`,
    `${diagnostics.cleanMs.toFixed(0)} ms, ${diagnostics.cleanRssMb.toFixed(0)} MB (the same routes, no warning)`,
    `${diagnostics.ratio.toFixed(2)}×`,
    "≤ 1.5×",
    diagnostics.ratio <= 1.5,
  ),
);
lines.push(
  row(
    "the same: report lines per warning",
    `${diagnostics.linesPerWarning.toFixed(2)} (${diagnostics.reportLines} lines)`,
    "—",
    "—",
    "≤ 1.5",
    diagnostics.linesPerWarning <= 1.5,
  ),
);
const ofLimit = (rps: number) => `${((rps / http.brokerLimit) * 100).toFixed(0)} % of the broker limit`;
lines.push(
  row(
    `HTTP → RabbitMQ, confirmed, persistent, c=50 (${http.runs} × ${http.seconds} s)`,
    `${http.generated.rps.toFixed(0)} req/s, p99 ${http.generated.p99} ms, ${http.generated.cpuUs.toFixed(0)} µs CPU/request (${ofLimit(http.generated.rps)})`,
    `${http.baseline.rps.toFixed(0)} req/s, p99 ${http.baseline.p99} ms, ${http.baseline.cpuUs.toFixed(0)} µs CPU/request (hand-written; ${ofLimit(http.baseline.rps)})`,
    `${http.rpsRatio.toFixed(2)}× req/s, ${http.p99Ratio.toFixed(2)}× p99, ${http.cpuRatio.toFixed(2)}× CPU`,
    "≥ 1× req/s, ≤ 1× p99, no failures",
    http.rpsRatio >= 1 && http.p99Ratio <= 1 && http.failures === 0,
  ),
);
lines.push(
  row(
    "the same, OpenTelemetry + Prometheus adapters on",
    `${http.telemetry.rps.toFixed(0)} req/s, p99 ${http.telemetry.p99} ms, ${http.telemetry.cpuUs.toFixed(0)} µs CPU/request (${ofLimit(http.telemetry.rps)})`,
    `${http.baseline.rps.toFixed(0)} req/s, p99 ${http.baseline.p99} ms (hand-written, no telemetry)`,
    `${http.telemetryRpsRatio.toFixed(2)}× req/s, ${http.telemetryP99Ratio.toFixed(2)}× p99`,
    "reported",
    null,
  ),
);
lines.push(
  row(
    `the same, at one offered load for both: ${http.sameLoad.rate} req/s (80 % of the slower's)`,
    `p50 ${http.sameLoad.generated.p50} ms, p99 ${http.sameLoad.generated.p99} ms`,
    `p50 ${http.sameLoad.baseline.p50} ms, p99 ${http.sameLoad.baseline.p99} ms (hand-written)`,
    `${http.sameLoad.p99Ratio.toFixed(2)}× p99`,
    "reported",
    null,
  ),
);
lines.push(
  row(
    "broker limit: confirmed persistent publishes, one amqplib client, 50 in flight, no HTTP",
    `${http.brokerLimit.toFixed(0)} msg/s`,
    "—",
    `generated ${(http.generated.rps / http.brokerLimit).toFixed(2)}×, hand-written ${(http.baseline.rps / http.brokerLimit).toFixed(2)}×`,
    "reported",
    null,
  ),
);
lines.push(
  row(
    "HTTP → RabbitMQ request-reply (direct reply-to, immediate responder), c=50",
    `${requestReply.c50.reply.rps.toFixed(0)} req/s, p50 ${requestReply.c50.reply.p50.toFixed(1)} ms, p99 ${requestReply.c50.reply.p99.toFixed(1)} ms; c=1: p50 ${requestReply.c1.reply.p50.toFixed(2)} ms, p99 ${requestReply.c1.reply.p99.toFixed(2)} ms`,
    `${requestReply.c50.publish.rps.toFixed(0)} req/s, p50 ${requestReply.c50.publish.p50.toFixed(1)} ms, p99 ${requestReply.c50.publish.p99.toFixed(1)} ms; c=1: p50 ${requestReply.c1.publish.p50.toFixed(2)} ms, p99 ${requestReply.c1.publish.p99.toFixed(2)} ms (confirmed publish, same listener)`,
    `${requestReply.c50.rpsRatio.toFixed(2)}× req/s, ${requestReply.c50.p99Ratio.toFixed(2)}× p99; c=1: ${requestReply.c1.p50Ratio.toFixed(2)}× p50`,
    "p99 ≤ 3× the plain publish's (c=50)",
    requestReply.c50.p99Ratio <= 3 && requestReply.failures === 0,
  ),
);
lines.push(
  row(
    "HTTP → RabbitMQ with JWT validation (`auth/validator`, RS256, clients reusing their tokens), c=50",
    `${protections.jwt.rps.toFixed(0)} req/s, p99 ${protections.jwt.p99} ms; key set fetched ${protections.keyFetches}×`,
    `${protections.open.rps.toFixed(0)} req/s, p99 ${protections.open.p99} ms (the same route without auth, same listener)`,
    `${protections.ratio.toFixed(2)}× req/s`,
    "≥ 0.8× req/s",
    protections.ratio >= 0.8 && protections.failures === 0,
  ),
);
lines.push(
  row(
    "HTTP → RabbitMQ with a rate limit that never triggers (`qos/ratelimit/router`, endpoint and client by address), c=50",
    `${protections.limited.rps.toFixed(0)} req/s, p99 ${protections.limited.p99} ms`,
    `${protections.open.rps.toFixed(0)} req/s, p99 ${protections.open.p99} ms (the same route without it, same listener)`,
    `${protections.limitedRatio.toFixed(2)}× req/s`,
    "≥ 0.95× req/s",
    protections.limitedRatio >= 0.95 && protections.failures === 0,
  ),
);
lines.push(
  row(
    "HTTP → RabbitMQ behind CORS and the bot detector (`security/cors`, `security/bot-detector`; an allowed Origin, a browser's User-Agent), c=50",
    `${protections.guarded.rps.toFixed(0)} req/s, p99 ${protections.guarded.p99} ms`,
    `${protections.open.rps.toFixed(0)} req/s, p99 ${protections.open.p99} ms (the bare route, its own process)`,
    `${protections.guardedRatio.toFixed(2)}× req/s`,
    "≥ 0.95× req/s",
    protections.guardedRatio >= 0.95 && protections.failures === 0,
  ),
);
lines.push(
  row(
    `dispatch + params, ${dispatch.routes} routes, in-process`,
    `${(dispatch.generatedPerSecond / 1e6).toFixed(2)} M lookups/s`,
    `${(dispatch.findMyWayPerSecond / 1e6).toFixed(2)} M/s (find-my-way)`,
    `${dispatch.ratio.toFixed(2)}×`,
    "≥ 1×",
    dispatch.ratio >= 1,
  ),
);
lines.push(
  row(
    "tracing channel `amqp-gen:publish`, per publish, in-process",
    `+${tracing.unsubscribedCostNs.toFixed(0)} ns with nobody subscribed, +${tracing.subscribedCostNs.toFixed(0)} ns with a no-op subscriber, +${(tracing.openTelemetryCostNs / 1000).toFixed(1)} µs with the OpenTelemetry adapter (SDK)`,
    `${tracing.directNs.toFixed(0)} ns (publish called directly)`,
    "—",
    "nobody subscribed: ≤ 50 ns",
    tracing.unsubscribedCostNs <= 50,
  ),
);
const table = lines.join("\n");
console.log(`\n${table}\n`);
writeFileSync(
  join(OUT, "results.json"),
  JSON.stringify({ generation, check, memoryMb: memory, diagnostics, dispatch, http, requestReply, protections, tracing }, null, 2) + "\n",
);
writeFileSync("bench/generation.svg", renderChart(generation));
console.log(`figures in ${join(OUT, "results.json")}, chart in bench/generation.svg`);
