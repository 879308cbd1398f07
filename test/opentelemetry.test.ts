// The OpenTelemetry adapter (`--adapter opentelemetry` → adapters/opentelemetry.ts), with the real
// OpenTelemetry SDK registered as the globals (W3C propagator, AsyncLocalStorage context manager,
// in-memory span exporter, a metric reader collected on demand) and the real broker: requests to
// the generated node:http listener, messages taken from RabbitMQ queues.
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672. Without it the tests are skipped with one
// message, unless CI is set, in which case they fail. (That the adapter imports nothing but
// @opentelemetry/api, and type-checks strictly without `any`, is test/adapters.test.ts's.)
import { tracingChannel } from "node:diagnostics_channel";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  context,
  metrics,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Meter,
  type TextMapPropagator,
  type Tracer,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { hrTimeToMilliseconds, W3CTraceContextPropagator } from "@opentelemetry/core";
import { DataPointType, MeterProvider, MetricReader, type DataPoint, type Histogram, type MetricData } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import type { GetMessage } from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";
import type { PublishContext } from "../templates/runtime/tracing.js";
import {
  AMQP_URL,
  brokerTests,
  collectingLogger,
  probeBroker,
  rawRequest,
  ROOT,
  TEST_TIMEOUT_MS,
  TestBroker,
  withTimeout,
  type GeneratedModule,
  type GenPublisher,
  type RawResponse,
} from "./helpers/broker.js";

const OUT = join(ROOT, ".tmp/opentelemetry");
const PREFIX = "amqpgen.otel.";
const QUEUE = `${PREFIX}orders`;
const EXCHANGE = `${PREFIX}orders`;
const UNROUTABLE = `${PREFIX}unroutable`;

/** One route that forwards Traceparent as KrakenD does (input_headers), one whose messages nothing is bound for (mandatory: 502). */
const CONFIG = {
  version: 3,
  timeout: "2s",
  host: ["amqp://guest:guest@127.0.0.1:5672"],
  endpoints: [
    {
      endpoint: "/otel/{id}",
      method: "POST",
      input_headers: ["Traceparent", "Content-Type"],
      backend: [
        {
          disable_host_sanitize: true,
          extra_config: {
            "backend/amqp/producer": {
              name: QUEUE,
              exchange: EXCHANGE,
              durable: true,
              routing_key: "orders.new",
              static_routing_key: true,
              msg_id_key: "Id",
              mandatory: true,
              backoff_strategy: "fallback",
            },
          },
        },
      ],
    },
    {
      endpoint: "/otel-unroutable/{id}",
      method: "POST",
      backend: [
        {
          disable_host_sanitize: true,
          extra_config: {
            "backend/amqp/producer": {
              name: "",
              exchange: UNROUTABLE,
              durable: true,
              routing_key: "nowhere",
              static_routing_key: true,
              msg_id_key: "Id",
              mandatory: true,
              backoff_strategy: "fallback",
            },
          },
        },
      ],
    },
  ],
};

interface OpenTelemetryAdapter {
  registerOpenTelemetry(options?: { tracer?: Tracer; meter?: Meter; propagator?: TextMapPropagator }): () => void;
}

// ---------------------------------------------------------------------------------------------
// The OpenTelemetry SDK, registered as the globals before the adapter (the metrics API has no proxy)
// ---------------------------------------------------------------------------------------------

/** A reader collected on demand (cumulative, the default). */
class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const reader = new TestReader();
const meterProvider = new MeterProvider({ readers: [reader] });
const contextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(contextManager);
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(tracerProvider);
metrics.setGlobalMeterProvider(meterProvider);

/** The incoming trace context a client (or KrakenD in front) sends. */
const INCOMING_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const INCOMING_SPAN = "00f067aa0ba902b7";
const INCOMING = `00-${INCOMING_TRACE}-${INCOMING_SPAN}-01`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

// ---------------------------------------------------------------------------------------------
// Set-up: generate, import, serve
// ---------------------------------------------------------------------------------------------

const probe = await probeBroker();
const skipAll = probe instanceof Error && !process.env["CI"];
if (skipAll) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; OpenTelemetry adapter tests not run");
let setupError: Error | null = probe instanceof Error && process.env["CI"] ? new Error("CI is set but RabbitMQ is not reachable at 127.0.0.1:5672") : null;
let broker!: TestBroker;
let publisher!: GenPublisher;
let server!: Server;
let port = 0;
let unregister: () => void = () => undefined;

/**
 * The listener, and for a request with `x-test-server-span: 1` what HTTP server instrumentation
 * does: a SERVER span, active while the listener runs.
 */
function serving(listener: RequestListener): RequestListener {
  const tracer = trace.getTracer("test-http-server");
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers["x-test-server-span"] !== "1") return listener(request, response);
    const span = tracer.startSpan(`POST ${request.url ?? ""}`, { kind: SpanKind.SERVER });
    response.on("finish", () => span.end());
    context.with(trace.setSpan(context.active(), span), () => listener(request, response));
  };
}

test.before(async () => {
  if (probe instanceof Error) return;
  try {
    const result = await generate(JSON.stringify(CONFIG), { file: "krakend.json", adapters: ["opentelemetry"] });
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) throw new Error(`generate() failed:\n${errors.map((d) => `${d.code} ${d.pointer}: ${d.message}`).join("\n")}`);
    rmSync(OUT, { recursive: true, force: true });
    for (const f of result.files) {
      mkdirSync(dirname(join(OUT, f.path)), { recursive: true });
      writeFileSync(join(OUT, f.path), f.content);
    }
    const mod = (await import(pathToFileURL(join(OUT, "index.ts")).href)) as GeneratedModule;
    const adapter = (await import(pathToFileURL(join(OUT, "adapters/opentelemetry.ts")).href)) as OpenTelemetryAdapter;
    broker = await TestBroker.open(probe);
    publisher = mod.createPublisher({ url: AMQP_URL, logger: collectingLogger() });
    await withTimeout(publisher.ready(), TEST_TIMEOUT_MS, "publisher.ready()");
    unregister = adapter.registerOpenTelemetry();
    server = createServer(serving(mod.createRequestListener(publisher)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    await broker.purge([QUEUE]);
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
});

test.after(async () => {
  if (probe instanceof Error) return;
  unregister();
  server?.closeAllConnections();
  server?.close();
  await publisher?.close();
  await broker?.remove([QUEUE], [EXCHANGE, UNROUTABLE]).catch(() => undefined);
  await broker?.close();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
  contextManager.disable();
});

const it = brokerTests(skipAll, () => setupError);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function post(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(port, "POST", path, { "content-type": "application/json", ...headers }, Buffer.from('{"n":1}'));
}

/** The spans finished while `fn` ran, and whether the producer span had ended when the publish settled (the broker's confirm). */
async function finishedDuring(fn: () => Promise<void>): Promise<{ spans: ReadableSpan[]; endedAtConfirm: boolean[] }> {
  spans.reset();
  const endedAtConfirm: boolean[] = [];
  // asyncStart: the publish's promise has settled (the confirm came, or the failure); asyncEnd follows it.
  const subscribers = {
    start: () => undefined,
    end: () => undefined,
    asyncStart: () => void endedAtConfirm.push(spans.getFinishedSpans().some((s) => s.kind === SpanKind.PRODUCER)),
    asyncEnd: () => undefined,
    error: () => undefined,
  };
  const channel = tracingChannel<PublishContext, PublishContext>("amqp-gen:publish");
  channel.subscribe(subscribers);
  try {
    await fn();
  } finally {
    channel.unsubscribe(subscribers);
  }
  return { spans: spans.getFinishedSpans(), endedAtConfirm };
}

function producerSpans(list: readonly ReadableSpan[]): ReadableSpan[] {
  return list.filter((s) => s.kind === SpanKind.PRODUCER);
}

function onlyProducer(list: readonly ReadableSpan[]): ReadableSpan {
  const producers = producerSpans(list);
  assert.is(producers.length, 1, `one PRODUCER span, got ${producers.length}`);
  return producers[0] as ReadableSpan;
}

function headersOf(message: GetMessage): Record<string, unknown> {
  return (message.properties.headers ?? {}) as Record<string, unknown>;
}

/** The injected `traceparent`: a plain string; its trace id and span id. */
function injected(message: GetMessage): { traceId: string; spanId: string } {
  const value = headersOf(message)["traceparent"];
  assert.type(value, "string", `traceparent is a plain string: ${JSON.stringify(value)}`);
  const match = TRACEPARENT.exec(value as string);
  assert.ok(match, `traceparent ${String(value)} is W3C`);
  return { traceId: match?.[1] ?? "", spanId: match?.[2] ?? "" };
}

const SPAN_ATTRIBUTES = (id: string): Attributes => ({
  "messaging.system": "rabbitmq",
  "messaging.operation.name": "send",
  "messaging.operation.type": "send",
  "messaging.destination.name": EXCHANGE,
  "messaging.rabbitmq.destination.routing_key": "orders.new",
  "messaging.message.id": id,
});

const METRIC_ATTRIBUTES = (exchange: string, errorType?: string): Attributes => ({
  "messaging.system": "rabbitmq",
  "messaging.operation.name": "send",
  "messaging.destination.name": exchange,
  ...(errorType === undefined ? {} : { "error.type": errorType }),
});

async function collect(): Promise<MetricData[]> {
  const { resourceMetrics, errors } = await reader.collect();
  assert.equal(errors, [], "collection errors");
  return resourceMetrics.scopeMetrics.filter((s) => s.scope.name === "amqp-gen").flatMap((s) => s.metrics);
}

const sameAttributes = (a: Attributes, b: Attributes) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

function point<T>(metrics: readonly MetricData[], name: string, attributes: Attributes): DataPoint<T> | undefined {
  const metric = metrics.find((m) => m.descriptor.name === name);
  return (metric?.dataPoints as DataPoint<T>[] | undefined)?.find((p) => sameAttributes(p.attributes, attributes));
}

function sentCount(metrics: readonly MetricData[], attributes: Attributes): number {
  return point<number>(metrics, "messaging.client.sent.messages", attributes)?.value ?? 0;
}

function durations(metrics: readonly MetricData[], attributes: Attributes): { count: number; sum: number } {
  const value = point<Histogram>(metrics, "messaging.client.operation.duration", attributes)?.value;
  return { count: value?.count ?? 0, sum: value?.sum ?? 0 };
}

const seconds = (span: ReadableSpan) => hrTimeToMilliseconds(span.duration) / 1000;

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

it("an incoming traceparent: one PRODUCER span `send <exchange>`, its child, attributes as the conventions say, ended after the confirm", async () => {
  let response: RawResponse | undefined;
  const run = await finishedDuring(async () => {
    response = await post("/otel/o-1", { traceparent: INCOMING });
  });
  assert.is(response?.status, 200);
  assert.equal(run.endedAtConfirm, [false], "not ended when the publish settled (the confirm)");
  const span = onlyProducer(run.spans);
  assert.is(run.spans.length, 1, "no other span");
  assert.is(span.name, `send ${EXCHANGE}`);
  assert.ok(span.ended, "ended before the answer");
  assert.is(span.spanContext().traceId, INCOMING_TRACE, "the incoming trace");
  assert.is(span.parentSpanContext?.spanId, INCOMING_SPAN, "the incoming span is the parent");
  assert.ok(span.parentSpanContext?.isRemote, "a remote parent");
  assert.equal(span.attributes, SPAN_ATTRIBUTES("o-1"));
  assert.is(span.status.code, SpanStatusCode.UNSET);
  assert.ok(seconds(span) > 0, "a duration");

  const message = await broker.takeOnly(QUEUE);
  const { traceId, spanId } = injected(message);
  assert.is(traceId, INCOMING_TRACE, "the message carries the incoming trace");
  assert.is(spanId, span.spanContext().spanId, "… with the producer span as parent");
  assert.equal(headersOf(message)["Traceparent"], [INCOMING], "the header KrakenD forwards is still an array of strings");
  assert.is(headersOf(message)["tracestate"], undefined, "no tracestate: the request had none");
});

it("a consumer continues the trace: the context extracted from the message makes the producer span the parent of its CONSUMER span", async () => {
  const run = await finishedDuring(async () => {
    assert.is((await post("/otel/o-2", { traceparent: INCOMING, tracestate: "vendor=one" })).status, 200);
  });
  const producer = onlyProducer(run.spans);
  const message = await broker.takeOnly(QUEUE);
  assert.is(headersOf(message)["tracestate"], "vendor=one", "tracestate is injected as a plain string too");

  spans.reset();
  const parent = propagation.extract(ROOT_CONTEXT, headersOf(message));
  const consumer = trace
    .getTracer("test-consumer")
    .startSpan(`process ${QUEUE}`, { kind: SpanKind.CONSUMER, attributes: { "messaging.system": "rabbitmq", "messaging.operation.type": "process" } }, parent);
  consumer.end();
  const [done] = spans.getFinishedSpans();
  assert.is(done?.name, `process ${QUEUE}`);
  assert.is(done?.kind, SpanKind.CONSUMER);
  assert.is(done?.spanContext().traceId, producer.spanContext().traceId, "one trace");
  assert.is(done?.spanContext().traceId, INCOMING_TRACE);
  assert.is(done?.parentSpanContext?.spanId, producer.spanContext().spanId, "the producer span is the consumer's parent");
  assert.is(done?.spanContext().traceState?.get("vendor"), "one", "the trace state travels along");
});

it("no incoming traceparent: a new root trace, still injected into the message", async () => {
  const run = await finishedDuring(async () => {
    assert.is((await post("/otel/o-3")).status, 200);
  });
  const span = onlyProducer(run.spans);
  assert.is(span.parentSpanContext, undefined, "a root span");
  assert.is.not(span.spanContext().traceId, INCOMING_TRACE);
  const message = await broker.takeOnly(QUEUE);
  assert.equal(injected(message), { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
  assert.is(headersOf(message)["Traceparent"], undefined, "nothing forwarded: the request had none");
});

it("an active span (HTTP server instrumentation) is the parent, over the request's traceparent", async () => {
  const run = await finishedDuring(async () => {
    assert.is((await post("/otel/o-4", { traceparent: INCOMING, "x-test-server-span": "1" })).status, 200);
  });
  const server = run.spans.find((s) => s.kind === SpanKind.SERVER);
  assert.ok(server, "the server span");
  const producer = onlyProducer(run.spans);
  assert.is(producer.parentSpanContext?.spanId, server?.spanContext().spanId, "the active span is the parent");
  assert.is(producer.spanContext().traceId, server?.spanContext().traceId);
  assert.is(server?.parentSpanContext, undefined, "(the test's server span is a root: not the incoming trace)");
  const message = await broker.takeOnly(QUEUE);
  assert.equal(injected(message), { traceId: producer.spanContext().traceId, spanId: producer.spanContext().spanId });
  assert.equal(headersOf(message)["Traceparent"], [INCOMING], "the forwarded header, untouched");
});

it("a failed publish (unroutable, 502): span status ERROR with the message, error.type refused; counted with error.type", async () => {
  const before = await collect();
  const failed = METRIC_ATTRIBUTES(UNROUTABLE, "refused");
  let status = 0;
  const run = await finishedDuring(async () => {
    status = (await post("/otel-unroutable/u-1", { traceparent: INCOMING })).status;
  });
  assert.is(status, 502);
  assert.equal(run.endedAtConfirm, [false], "not ended when the publish settled");
  const span = onlyProducer(run.spans);
  assert.is(span.name, `send ${UNROUTABLE}`);
  assert.is(span.status.code, SpanStatusCode.ERROR);
  assert.match(span.status.message ?? "", /could not be routed/);
  assert.equal(span.attributes, {
    "messaging.system": "rabbitmq",
    "messaging.operation.name": "send",
    "messaging.operation.type": "send",
    "messaging.destination.name": UNROUTABLE,
    "messaging.rabbitmq.destination.routing_key": "nowhere",
    "messaging.message.id": "u-1",
    "error.type": "refused",
  });
  assert.is(span.parentSpanContext?.spanId, INCOMING_SPAN);

  const after = await collect();
  assert.is(sentCount(after, failed) - sentCount(before, failed), 1, "messaging.client.sent.messages with error.type");
  assert.is(durations(after, failed).count - durations(before, failed).count, 1, "messaging.client.operation.duration with error.type");
  assert.is(sentCount(after, METRIC_ATTRIBUTES(UNROUTABLE)), 0, "no success counted for the exchange");
});

it("metrics: N publishes → messaging.client.sent.messages +N and N durations, each the span's; units, buckets", async () => {
  const N = 5;
  const ok = METRIC_ATTRIBUTES(EXCHANGE);
  const before = await collect();
  const run = await finishedDuring(async () => {
    for (let i = 0; i < N; i++) assert.is((await post(`/otel/m-${i}`)).status, 200);
  });
  const after = await collect();
  for (let i = 0; i < N; i++) assert.ok(await broker.get(QUEUE), `message ${i} arrived`);
  await broker.expectEmpty(QUEUE, 0);
  const producers = producerSpans(run.spans);
  assert.is(producers.length, N);

  assert.is(sentCount(after, ok) - sentCount(before, ok), N, "messaging.client.sent.messages");
  const [from, to] = [durations(before, ok), durations(after, ok)];
  assert.is(to.count - from.count, N, "messaging.client.operation.duration count");
  const spanSeconds = producers.reduce((sum, s) => sum + seconds(s), 0);
  assert.ok(Math.abs(to.sum - from.sum - spanSeconds) < 1e-5, `the durations are the spans': ${to.sum - from.sum} s vs ${spanSeconds} s`);

  const sent = after.find((m) => m.descriptor.name === "messaging.client.sent.messages");
  assert.is(sent?.descriptor.unit, "{message}");
  assert.is(sent?.dataPointType, DataPointType.SUM);
  const duration = after.find((m) => m.descriptor.name === "messaging.client.operation.duration");
  assert.is(duration?.descriptor.unit, "s");
  assert.is(duration?.dataPointType, DataPointType.HISTOGRAM);
  assert.equal(
    point<Histogram>(after, "messaging.client.operation.duration", ok)?.value.buckets.boundaries,
    [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
    "the conventions' advice (DURATION_BUCKETS_SECONDS)",
  );
  assert.equal(
    after.map((m) => m.descriptor.name),
    ["messaging.client.operation.duration", "messaging.client.sent.messages"],
    "no other instrument",
  );
});

it("unsubscribing stops it: no span, nothing injected (a second call does nothing)", async () => {
  unregister();
  unregister();
  const before = await collect();
  const run = await finishedDuring(async () => {
    assert.is((await post("/otel/off-1", { traceparent: INCOMING })).status, 200);
  });
  assert.equal(run.spans, [], "no span");
  const message = await broker.takeOnly(QUEUE);
  assert.is(headersOf(message)["traceparent"], undefined, "no injected traceparent");
  assert.is(headersOf(message)["tracestate"], undefined);
  assert.equal(headersOf(message)["Traceparent"], [INCOMING], "the forwarded header, as always");
  const ok = METRIC_ATTRIBUTES(EXCHANGE);
  assert.is(sentCount(await collect(), ok), sentCount(before, ok), "nothing counted");
});

test.run();
