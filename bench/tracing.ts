/**
 * What the `amqp-gen:publish` TracingChannel costs per publish: a publish called directly (the
 * baseline), through `tracedPublish` with nobody subscribed, with a subscriber that does
 * nothing, and with the OpenTelemetry adapter registered over the real SDK (AsyncLocalStorage
 * context manager, W3C propagator, a request carrying a traceparent, spans to a no-op processor,
 * metrics aggregated for a reader that is never collected). The publish itself is an
 * already-settled promise, so the figures are the wrapper's alone (and the adapter's: a span,
 * its injection, two metric records). `node --import tsx bench/tracing.ts` runs it alone.
 */
import { tracingChannel } from "node:diagnostics_channel";
import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, NoopSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { tracedPublish } from "../templates/runtime/tracing.js";
import type { Outgoing, Publisher, PublishResult, RouteInfo } from "../templates/runtime/types.js";
import { median, writeGenerated } from "./support.js";

export interface TracingFigure {
  /** Nanoseconds per publish, medians of `runs`. */
  directNs: number;
  unsubscribedNs: number;
  subscribedNs: number;
  /** Extra nanoseconds per publish over the direct call. */
  unsubscribedCostNs: number;
  subscribedCostNs: number;
  /** With the OpenTelemetry adapter registered: nanoseconds per publish (median), over the direct call, and the ratio to it. */
  openTelemetryNs: number;
  openTelemetryCostNs: number;
  openTelemetryRatio: number;
}

const ROUTE = { id: "bench", exchange: { name: "bench", type: "topic", durable: true, autoDelete: false } } as unknown as RouteInfo;
const REQUEST = new IncomingMessage(new Socket());
/** What KrakenD in front sends: the adapter extracts the parent from it. */
const TRACED_REQUEST = new IncomingMessage(new Socket());
TRACED_REQUEST.headers = { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
const OUT = "bench/.out/tracing-generated";
/** One route is enough: the adapter does not depend on the routes. */
const CONFIG = {
  version: 3,
  host: ["amqp://guest:guest@127.0.0.1:5672"],
  endpoints: [
    {
      endpoint: "/bench/{id}",
      method: "POST",
      backend: [{ extra_config: { "backend/amqp/producer": { name: "bench", exchange: "bench", routing_key: "k", static_routing_key: true } } }],
    },
  ],
};
const CONFIRMED: PublishResult = { ok: true };
const publish = () => Promise.resolve(CONFIRMED);
/** A publisher that confirms at once: only the tracing around it is measured. */
const PUBLISHER = { publish } as unknown as Publisher;
const BODY = Buffer.from("{}");

async function nsPerCall(iterations: number, call: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await call();
  return Number(process.hrtime.bigint() - start) / iterations;
}

/**
 * The generated adapters/opentelemetry.ts, registered over the real SDK set as the globals;
 * `stop` unsubscribes it and puts the globals back.
 */
async function openTelemetry(): Promise<{ stop: () => Promise<void> }> {
  await writeGenerated(CONFIG, OUT, ["opentelemetry"]);
  const adapter = (await import(pathToFileURL(resolve(OUT, "adapters/opentelemetry.ts")).href)) as { registerOpenTelemetry(): () => void };
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] });
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  const unregister = adapter.registerOpenTelemetry();
  return {
    stop: async () => {
      unregister();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      contextManager.disable();
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** `otelIterations`: the adapter's publish costs microseconds, so fewer calls are enough (and keep the run short). */
export async function benchTracing(iterations = 300_000, runs = 5, otelIterations = 30_000): Promise<TracingFigure> {
  const outgoing = (): Outgoing => ({ routingKey: "k", options: { headers: {} } });
  const traced = () => tracedPublish(PUBLISHER, ROUTE, outgoing(), BODY, REQUEST);
  const plain = () => {
    void outgoing(); // the same allocation as the traced call, so only the wrapper differs
    return publish();
  };
  const noop = () => undefined;
  const subscribers = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };
  const withTraceparent = () => tracedPublish(PUBLISHER, ROUTE, outgoing(), BODY, TRACED_REQUEST);
  const figures = { direct: [] as number[], unsubscribed: [] as number[], subscribed: [] as number[], openTelemetry: [] as number[] };
  for (let run = 0; run < runs; run++) {
    // Alternate the order so that neither side always runs warm.
    figures.direct.push(await nsPerCall(iterations, plain));
    figures.unsubscribed.push(await nsPerCall(iterations, traced));
    tracingChannel("amqp-gen:publish").subscribe(subscribers);
    figures.subscribed.push(await nsPerCall(iterations, traced));
    tracingChannel("amqp-gen:publish").unsubscribe(subscribers);
  }
  const otel = await openTelemetry();
  try {
    await nsPerCall(otelIterations, withTraceparent); // warm-up: the SDK's first spans and metric streams
    // Against the direct calls above, made without the SDK: what a publish costs with it and without.
    for (let run = 0; run < runs; run++) figures.openTelemetry.push(await nsPerCall(otelIterations, withTraceparent));
  } finally {
    await otel.stop();
  }
  const directNs = median(figures.direct);
  const unsubscribedNs = median(figures.unsubscribed);
  const subscribedNs = median(figures.subscribed);
  const openTelemetryNs = median(figures.openTelemetry);
  return {
    directNs,
    unsubscribedNs,
    subscribedNs,
    unsubscribedCostNs: unsubscribedNs - directNs,
    subscribedCostNs: subscribedNs - directNs,
    openTelemetryNs,
    openTelemetryCostNs: openTelemetryNs - directNs,
    openTelemetryRatio: openTelemetryNs / directNs,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchTracing();
  console.log(
    `publish wrapper: direct ${f.directNs.toFixed(0)} ns, traced with nobody subscribed ${f.unsubscribedNs.toFixed(0)} ns (+${f.unsubscribedCostNs.toFixed(0)} ns), ` +
      `with a subscriber ${f.subscribedNs.toFixed(0)} ns (+${f.subscribedCostNs.toFixed(0)} ns)`,
  );
  console.log(
    `with the OpenTelemetry adapter registered (SDK, no-op span processor): ${f.openTelemetryNs.toFixed(0)} ns (+${f.openTelemetryCostNs.toFixed(0)} ns, ` +
      `${f.openTelemetryRatio.toFixed(1)}× the direct call)`,
  );
}
