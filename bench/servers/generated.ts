/**
 * The server under test: amqp-gen's generated `node:http` listener for the benchmark config,
 * in its own process. Prints `port <n>` when ready. Argument: the generated folder, compiled to
 * JavaScript (writeGenerated with `javascript`).
 *
 * With BENCH_TELEMETRY=1, both telemetry adapters are on, as a production service would run
 * them: the OpenTelemetry adapter over the real SDK (batched spans, metrics exported every
 * second, to exporters that drop them) and the Prometheus adapter, scraped every second.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

interface Generated {
  createPublisher(options?: { url?: string }): { ready(): Promise<void>; close(): Promise<void> };
  createRequestListener(publisher: unknown): Parameters<typeof createServer>[1];
}

const dir = process.argv[2] ?? "bench/.out/http-generated";
const load = <T>(file: string): Promise<T> => import(pathToFileURL(resolve(dir, file)).href) as Promise<T>;
const mod = await load<Generated>("index.js");
const publisher = mod.createPublisher({ url: process.env["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672" });
await publisher.ready();
if (process.env["BENCH_TELEMETRY"] === "1") await startTelemetry();
const server = createServer(mod.createRequestListener(publisher)).listen(0, "127.0.0.1", () => {
  process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => {
  server.close();
  void publisher.close().then(() => process.exit(0));
});

async function startTelemetry(): Promise<void> {
  const { context, metrics, propagation, trace } = await import("@opentelemetry/api");
  const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
  const { W3CTraceContextPropagator, ExportResultCode } = await import("@opentelemetry/core");
  const { BasicTracerProvider, BatchSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { MeterProvider, PeriodicExportingMetricReader } = await import("@opentelemetry/sdk-metrics");
  const { Registry } = await import("prom-client");
  const dropped = { export: (_: unknown, done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => undefined };
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropped)] }));
  const reader = new PeriodicExportingMetricReader({ exporter: { ...dropped, forceFlush: async () => undefined }, exportIntervalMillis: 1000 });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

  const otel = await load<{ registerOpenTelemetry(): () => void }>("adapters/opentelemetry.js");
  otel.registerOpenTelemetry();
  const prometheus = await load<{ registerPrometheusMetrics(publisher: unknown, options: { registry: InstanceType<typeof Registry> }): unknown }>(
    "adapters/prometheus.js",
  );
  const registry = new Registry();
  prometheus.registerPrometheusMetrics(publisher, { registry });
  setInterval(() => void registry.metrics(), 1000).unref(); // a scrape a second
}
