// Code generated from templates/ by `npm run gen:templates` (Handlebars.precompile). DO NOT EDIT.
export const fingerprint = "18cd5f85eb03d2a9be3e4a814c09476d40bce71338a1d6687893c70035a5e136";
export const specs = {
  "adapter-express.ts.hbs": {"0":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "//   "
    + ((stack1 = container.lambda(depth0, depth0)) != null ? stack1 : "")
    + "\n";
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.invokePartial(lookupProperty(partials,"header"),depth0,{"name":"header","hash":{"source":lookupProperty(depth0,"source")},"data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "//\n// Express adapter: every route of this config, answered exactly as `createRequestListener`\n// answers it (status, headers, body, 413 limit, validation, and the message published).\n//\n//   import express from \"express\";\n//   import { createPublisher } from \"../index.js\";\n//   import { createExpressRouter } from \"./adapters/express.js\";\n//\n//   const publisher = createPublisher();\n//   const app = express();\n//   app.use(\"/amqp\", createExpressRouter(publisher, { maxBodyBytes: 1024 * 1024 }));\n//   app.listen(8080);\n//\n// `createExpressRouter(publisher, options?)` returns an `express.Router`: mount it anywhere, at\n// a prefix or not, behind your own middleware (auth, logging). Paths are relative to the mount.\n//\n// Routing: one catch-all handler that routes with the dispatch tree of index.ts, not one Express\n// route per endpoint, so that matching is the node:http listener's to the byte (case-sensitive,\n// no trailing-slash or percent-decoding leniency) and a known path with another method gets 405\n// with `Allow`. A path that is no route gets the listener's 404, or, with `fallthrough: true`,\n// goes on to the next handler.\n//\n// The body: mount the router before any body parser, so that the bytes published are the bytes\n// received. A Buffer left by `express.raw()` is used as is (give it a `limit` of at least\n// `maxBodyBytes`). A body consumed by another parser (`express.json()`...) cannot be published\n// byte for byte: such a request gets 500 and a log line.\n//\n// Serves:\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"routes"),{"name":"each","hash":{},"fn":container.program(0, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":30,"column":0},"end":{"line":32,"column":9}}})) != null ? stack1 : "")
    + "\nimport express, { type NextFunction, type Request, type Response, type Router } from \"express\";\nimport { answerRequest, type ListenerOptions, type Publisher } from \"../index.js\";\nimport { writeAnswer } from \"../runtime/http.js\";\n\nexport interface ExpressAdapterOptions extends ListenerOptions {\n  /** Hand requests whose path is no route to the next handler instead of answering 404. Default false. */\n  fallthrough?: boolean | undefined;\n}\n\n/** An Express router serving every route of this config through `publisher`. */\nexport function createExpressRouter(publisher: Publisher, options: ExpressAdapterOptions = {}): Router {\n  const router = express.Router();\n  const fallthrough = options.fallthrough ?? false;\n  const maxBodyBytes = options.maxBodyBytes;\n  router.use((request: Request, response: Response, next: NextFunction): void => {\n    const parsed: unknown = request.body;\n    const body = Buffer.isBuffer(parsed) ? parsed : undefined;\n    void answerRequest(publisher, request, { maxBodyBytes, probes: options.probes, trustedProxies: options.trustedProxies, path: request.url, body }).then((answer) => {\n      if (answer === null) return; // the client went away\n      if (answer.status === 404 && fallthrough) return next();\n      writeAnswer(response, answer);\n    });\n  });\n  return router;\n}\n";
},"usePartial":true,"useData":true},
  "adapter-fastify.ts.hbs": {"0":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "//   "
    + ((stack1 = container.lambda(depth0, depth0)) != null ? stack1 : "")
    + "\n";
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.invokePartial(lookupProperty(partials,"header"),depth0,{"name":"header","hash":{"source":lookupProperty(depth0,"source")},"data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "//\n// Fastify adapter: every route of this config, answered exactly as `createRequestListener`\n// answers it (status, headers, body, 413 limit, validation, and the message published).\n//\n//   import Fastify from \"fastify\";\n//   import { createPublisher } from \"../index.js\";\n//   import { amqpGenFastifyPlugin } from \"./adapters/fastify.js\";\n//\n//   const publisher = createPublisher();\n//   const app = Fastify();\n//   await app.register(amqpGenFastifyPlugin, { publisher, prefix: \"/amqp\", maxBodyBytes: 1024 * 1024 });\n//   await app.listen({ port: 8080 });\n//\n// `amqpGenFastifyPlugin` is an encapsulated plugin: its options are the publisher and\n// `maxBodyBytes`, plus Fastify's own (`prefix`...). Paths are relative to the prefix.\n//\n// Routing: one catch-all route (`/*`, every method Fastify supports) that routes with the\n// dispatch tree of index.ts, not one Fastify route per endpoint, so that matching is the\n// node:http listener's to the byte and a known path with another method gets 405 with `Allow`\n// (Fastify would answer 404). Routes you declare yourself under the same prefix are more\n// specific, so they still win.\n//\n// The body: inside the plugin, every content-type parser is replaced by one that reads nothing;\n// the handler reads the raw request stream itself, so the bytes published are the bytes\n// received and the 413 limit is `maxBodyBytes`, not Fastify's `bodyLimit`. Two requests never\n// reach the plugin, whatever it does: a URL that is not valid percent-encoding (Fastify answers\n// 400 `FST_ERR_BAD_URL`) and a Content-Type that is not a media type (415).\n//\n// Serves:\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"routes"),{"name":"each","hash":{},"fn":container.program(0, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":31,"column":0},"end":{"line":33,"column":9}}})) != null ? stack1 : "")
    + "\nimport type { FastifyPluginAsync } from \"fastify\";\nimport { answerRequest, type ListenerOptions, type Publisher } from \"../index.js\";\nimport { targetBelow } from \"../runtime/dispatch.js\";\n\nexport interface AmqpGenFastifyOptions extends ListenerOptions {\n  /** The publisher every route publishes through (`createPublisher()`). */\n  publisher: Publisher;\n}\n\n/** A Fastify plugin serving every route of this config through `options.publisher`. */\nexport const amqpGenFastifyPlugin: FastifyPluginAsync<AmqpGenFastifyOptions> = async (fastify, options) => {\n  const { publisher, maxBodyBytes } = options;\n  const prefix = fastify.prefix;\n  fastify.removeAllContentTypeParsers();\n  fastify.addContentTypeParser(\"*\", (_request, _payload, done) => done(null));\n  fastify.route({\n    method: fastify.supportedMethods,\n    url: \"/*\",\n    handler: async (request, reply) => {\n      const path = targetBelow(request.raw.url ?? \"/\", prefix);\n      const answer = await answerRequest(publisher, request.raw, { maxBodyBytes, probes: options.probes, trustedProxies: options.trustedProxies, path });\n      if (answer === null) return reply.hijack(); // the client went away: nothing to send\n      return reply.code(answer.status).headers(answer.headers).send(answer.body);\n    },\n  });\n};\n";
},"usePartial":true,"useData":true},
  "adapter-hono.ts.hbs": {"0":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "//   "
    + ((stack1 = container.lambda(depth0, depth0)) != null ? stack1 : "")
    + "\n";
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.invokePartial(lookupProperty(partials,"header"),depth0,{"name":"header","hash":{"source":lookupProperty(depth0,"source")},"data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "//\n// Hono adapter, for Hono on Node.js with @hono/node-server: every route of this config,\n// answered exactly as `createRequestListener` answers it (status, headers, body, 413 limit,\n// validation, and the message published).\n//\n//   import { serve } from \"@hono/node-server\";\n//   import { Hono } from \"hono\";\n//   import { createPublisher } from \"../index.js\";\n//   import { createHonoApp } from \"./adapters/hono.js\";\n//\n//   const publisher = createPublisher();\n//   const app = new Hono();\n//   app.route(\"/amqp\", createHonoApp(publisher, { maxBodyBytes: 1024 * 1024 }));\n//   serve({ fetch: app.fetch, port: 8080 });\n//\n// `createHonoApp(publisher, options?)` returns a Hono app: serve it, or mount it with\n// `app.route(path, ...)` or `app.basePath(...)`. Paths are relative to where it is mounted.\n//\n// Routing: one catch-all middleware that routes with the dispatch tree of index.ts, not one Hono\n// route per endpoint, so that matching is the node:http listener's to the byte and a known path\n// with another method gets 405 with `Allow`. A path that is no route gets the listener's 404,\n// or, with `fallthrough: true`, goes on to the next handler.\n//\n// Node.js only: the message's headers (X-Forwarded-For is the peer address) and the body come\n// from the `node:http` request that @hono/node-server passes as `c.env.incoming`. The body is\n// read from that stream, so the bytes published are the bytes received; when a middleware has\n// already read it through `c.req`, `c.req.arrayBuffer()` gives it back.\n//\n// Serves:\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"routes"),{"name":"each","hash":{},"fn":container.program(0, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":31,"column":0},"end":{"line":33,"column":9}}})) != null ? stack1 : "")
    + "\nimport type { IncomingMessage } from \"node:http\";\nimport { Hono } from \"hono\";\nimport { basePath } from \"hono/route\";\nimport type { ContentfulStatusCode } from \"hono/utils/http-status\";\nimport { answerRequest, type ListenerOptions, type Publisher } from \"../index.js\";\nimport { targetBelow } from \"../runtime/dispatch.js\";\n\n/** What @hono/node-server passes as `c.env` (part of its `HttpBindings`). */\nexport interface NodeBindings {\n  readonly incoming: IncomingMessage;\n}\n\nexport interface HonoAdapterOptions extends ListenerOptions {\n  /** Hand requests whose path is no route to the next handler instead of answering 404. Default false. */\n  fallthrough?: boolean | undefined;\n}\n\n/** The raw request target of a URL: path and query, nothing decoded. */\nfunction targetOf(url: string): string {\n  const start = url.indexOf(\"/\", url.indexOf(\"://\") + 3);\n  if (start === -1) return \"/\";\n  const hash = url.indexOf(\"#\", start);\n  return hash === -1 ? url.slice(start) : url.slice(start, hash);\n}\n\n/** A Hono app serving every route of this config through `publisher`. */\nexport function createHonoApp(publisher: Publisher, options: HonoAdapterOptions = {}): Hono<{ Bindings: NodeBindings }> {\n  const app = new Hono<{ Bindings: NodeBindings }>();\n  const fallthrough = options.fallthrough ?? false;\n  const maxBodyBytes = options.maxBodyBytes;\n  app.use(async (c, next) => {\n    const incoming: IncomingMessage | undefined = c.env?.incoming;\n    if (!incoming) throw new Error(\"the amqp-gen Hono adapter runs on @hono/node-server only (c.env.incoming is missing)\");\n    const path = targetBelow(targetOf(c.req.url), basePath(c));\n    const body = incoming.readableDidRead ? Buffer.from(await c.req.arrayBuffer()) : undefined;\n    const answer = await answerRequest(publisher, incoming, { maxBodyBytes, probes: options.probes, trustedProxies: options.trustedProxies, path, body });\n    if (answer === null) return new Response(null, { status: 499 }); // the client went away: never sent\n    if (answer.status === 404 && fallthrough) return next();\n    // A reply's bytes (request-reply routes) as the Uint8Array Hono takes; JSON answers as text.\n    const data = typeof answer.body === \"string\" ? answer.body : new Uint8Array(answer.body);\n    return c.body(data, answer.status as ContentfulStatusCode, { ...answer.headers });\n  });\n  return app;\n}\n";
},"usePartial":true,"useData":true},
  "adapter-opentelemetry.ts.hbs": {"0":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "//   "
    + ((stack1 = container.lambda(depth0, depth0)) != null ? stack1 : "")
    + "\n";
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.invokePartial(lookupProperty(partials,"header"),depth0,{"name":"header","hash":{"source":lookupProperty(depth0,"source")},"data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "//\n// OpenTelemetry adapter, for @opentelemetry/api: a PRODUCER span and two metrics per publish,\n// after OpenTelemetry's messaging semantic conventions for RabbitMQ, and the span's trace\n// context in the message's headers. It follows the runtime's TracingChannel `amqp-gen:publish`\n// (PUBLISH_CHANNEL), so the runtime itself needs no tracing library.\n//\n//   import { createServer } from \"node:http\";\n//   import { createPublisher, createRequestListener } from \"../index.js\";\n//   import { registerOpenTelemetry } from \"./adapters/opentelemetry.js\";\n//\n//   // First register the SDK (NodeSDK, or a TracerProvider, MeterProvider and propagator).\n//   const unregister = registerOpenTelemetry();\n//   const publisher = createPublisher();\n//   createServer(createRequestListener(publisher)).listen(8080);\n//\n// `registerOpenTelemetry(options?)` subscribes and returns a function that unsubscribes (a\n// second call does nothing). Options: `tracer` (default `trace.getTracer(\"amqp-gen\")`), `meter`\n// (default `metrics.getMeter(\"amqp-gen\")`: the global MeterProvider must be registered before\n// this call, as the metrics API has no proxy) and `propagator` (default: the global one, read at\n// each publish). Each call subscribes once more: call it once.\n//\n// Span: `send <exchange>`, kind PRODUCER, from the publish to the broker's confirm (or the\n// failure), with\n//   messaging.system                             \"rabbitmq\"\n//   messaging.operation.name                     \"send\"\n//   messaging.operation.type                     \"send\"\n//   messaging.destination.name                   the exchange\n//   messaging.rabbitmq.destination.routing_key   the routing key, unless empty\n//   messaging.message.id                         the message id, when the route sets one\n//   error.type                                   on failure, the outcome: unauthorized (401),\n//                                                forbidden (403), rejected (another 4xx),\n//                                                refused (502), unavailable (503),\n//                                                timeout (504), error (500)\n// and, on failure, status ERROR with the error's message.\n//\n// Parent: the active span when there is one (HTTP server instrumentation makes the request's\n// span active); else the trace context the propagator extracts from the request's headers (its\n// `traceparent`); else none, and the span starts a new trace.\n//\n// Message: the propagator injects the span's context into the message's headers as plain\n// strings (`traceparent`, `tracestate` for the W3C propagator), so a consumer continues the\n// trace. Headers forwarded from the request as KrakenD forwards them (arrays of strings,\n// canonical names such as `Traceparent`) are left as they are.\n//\n// Metrics, with messaging.system, messaging.operation.name, messaging.destination.name, and\n// error.type on failure:\n//   messaging.client.operation.duration   histogram (s): the span's duration, with the\n//                                         semantic conventions' bucket boundaries\n//   messaging.client.sent.messages        counter ({message}): messages sent to the broker\n//\n// A request refused before a publish (a 4xx of the request's own, or 503 while the broker is\n// disconnected) makes no span. A publish under way when the adapter unsubscribes is not ended,\n// so it is never exported.\n//\n// Routes:\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"routes"),{"name":"each","hash":{},"fn":container.program(0, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":57,"column":0},"end":{"line":59,"column":9}}})) != null ? stack1 : "")
    + "\nimport type { IncomingHttpHeaders } from \"node:http\";\nimport { tracingChannel, type TracingChannelSubscribers } from \"node:diagnostics_channel\";\nimport {\n  context,\n  metrics,\n  propagation,\n  SpanKind,\n  SpanStatusCode,\n  trace,\n  type Attributes,\n  type Counter,\n  type Histogram,\n  type Meter,\n  type Span,\n  type TextMapGetter,\n  type TextMapPropagator,\n  type TextMapSetter,\n  type Tracer,\n} from \"@opentelemetry/api\";\nimport { DURATION_BUCKETS_SECONDS, outcomeOf, PUBLISH_CHANNEL, PublishError, type PublishContext } from \"../index.js\";\n\nexport interface OpenTelemetryOptions {\n  /** Starts the spans. Default: `trace.getTracer(\"amqp-gen\")`. */\n  tracer?: Tracer | undefined;\n  /** Makes the instruments. Default: `metrics.getMeter(\"amqp-gen\")`. */\n  meter?: Meter | undefined;\n  /** Extracts the request's trace context and injects the span's into the message. Default: the global propagator. */\n  propagator?: TextMapPropagator | undefined;\n}\n\n/** One publish under way: its span, when it started (`performance.now()`), and its failure. */\ninterface Publish {\n  readonly span: Span;\n  readonly startedAt: number;\n  readonly attributes: Attributes;\n  errorType: string | undefined;\n}\n\n/** Reads the request's headers (node:http gives their names in lower case). */\nconst requestHeaders: TextMapGetter<IncomingHttpHeaders> = {\n  keys: (carrier) => Object.keys(carrier),\n  get: (carrier, key) => carrier[key.toLowerCase()],\n};\n\n/** Writes the message's headers: plain strings, beside the forwarded ones. */\nconst messageHeaders: TextMapSetter<Record<string, unknown>> = {\n  set: (carrier, key, value) => {\n    carrier[key] = value;\n  },\n};\n\n/** The outcome a failed publish stands for (`error` for anything but the runtime's PublishError). */\nfunction errorTypeOf(error: unknown): string {\n  return error instanceof PublishError ? outcomeOf(error.status) : \"error\";\n}\n\nconst ignore = (): void => undefined;\n\n/** Traces and counts every publish; returns a function that stops it. */\nexport function registerOpenTelemetry(options: OpenTelemetryOptions = {}): () => void {\n  const tracer = options.tracer ?? trace.getTracer(\"amqp-gen\");\n  const meter = options.meter ?? metrics.getMeter(\"amqp-gen\");\n  const propagator = options.propagator ?? propagation;\n  const duration: Histogram = meter.createHistogram(\"messaging.client.operation.duration\", {\n    description: \"Duration of messaging operation initiated by a producer or consumer client.\",\n    unit: \"s\",\n    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },\n  });\n  const sent: Counter = meter.createCounter(\"messaging.client.sent.messages\", {\n    description: \"Number of messages producer attempted to send to the broker.\",\n    unit: \"{message}\",\n  });\n  const publishes = new WeakMap<PublishContext, Publish>();\n\n  // Both type arguments are the context: newer @types/node swapped their order (<Store, Context> became <Context, Store>).\n  const channel = tracingChannel<PublishContext, PublishContext>(PUBLISH_CHANNEL);\n  const subscribers: TracingChannelSubscribers<PublishContext> = {\n    start: (message) => {\n      const active = context.active();\n      const parent = trace.getSpan(active) ? active : propagator.extract(active, message.request.headers, requestHeaders);\n      const spanAttributes: Attributes = {\n        \"messaging.system\": \"rabbitmq\",\n        \"messaging.operation.name\": \"send\",\n        \"messaging.operation.type\": \"send\",\n        \"messaging.destination.name\": message.exchange,\n      };\n      if (message.routingKey !== \"\") spanAttributes[\"messaging.rabbitmq.destination.routing_key\"] = message.routingKey;\n      if (message.messageId !== undefined) spanAttributes[\"messaging.message.id\"] = message.messageId;\n      const startedAt = performance.now();\n      const span = tracer.startSpan(`send ${message.exchange}`, { kind: SpanKind.PRODUCER, attributes: spanAttributes, startTime: startedAt }, parent);\n      propagator.inject(trace.setSpan(parent, span), message.headers, messageHeaders);\n      const attributes: Attributes = {\n        \"messaging.system\": \"rabbitmq\",\n        \"messaging.operation.name\": \"send\",\n        \"messaging.destination.name\": message.exchange,\n      };\n      publishes.set(message, { span, startedAt, attributes, errorType: undefined });\n    },\n    end: ignore,\n    asyncStart: ignore,\n    error: (message) => {\n      const publish = publishes.get(message);\n      if (publish === undefined) return;\n      const error: unknown = message.error;\n      publish.errorType = errorTypeOf(error);\n      publish.span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });\n    },\n    asyncEnd: (message) => {\n      const publish = publishes.get(message);\n      if (publish === undefined) return; // subscribed after this publish started\n      publishes.delete(message);\n      const endedAt = performance.now();\n      const { span, errorType } = publish;\n      const attributes = errorType === undefined ? publish.attributes : { ...publish.attributes, \"error.type\": errorType };\n      if (errorType !== undefined) span.setAttribute(\"error.type\", errorType);\n      span.end(endedAt);\n      duration.record((endedAt - publish.startedAt) / 1000, attributes);\n      sent.add(1, attributes);\n    },\n  };\n  channel.subscribe(subscribers);\n  let subscribed = true;\n  return () => {\n    if (!subscribed) return;\n    subscribed = false;\n    channel.unsubscribe(subscribers);\n  };\n}\n";
},"usePartial":true,"useData":true},
  "adapter-prometheus.ts.hbs": {"0":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "//   "
    + ((stack1 = container.lambda(depth0, depth0)) != null ? stack1 : "")
    + "\n";
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.invokePartial(lookupProperty(partials,"header"),depth0,{"name":"header","hash":{"source":lookupProperty(depth0,"source")},"data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "//\n// Prometheus adapter, for prom-client: the publisher's counters as Prometheus metric families,\n// read from `publisher.stats()` at each scrape (the runtime keeps them as plain numbers, so it\n// needs no metrics library, and nothing is counted twice).\n//\n//   import { createServer } from \"node:http\";\n//   import { createPublisher, createRequestListener } from \"../index.js\";\n//   import { registerPrometheusMetrics } from \"./adapters/prometheus.js\";\n//\n//   const publisher = createPublisher();\n//   const registry = registerPrometheusMetrics(publisher);\n//   const listener = createRequestListener(publisher);\n//   createServer((request, response) => {\n//     if (request.url !== \"/metrics\") return listener(request, response);\n//     void registry.metrics().then((text) => response.writeHead(200, { \"Content-Type\": registry.contentType }).end(text));\n//   }).listen(8080);\n//\n// `registerPrometheusMetrics(publisher, { registry? })` registers the families below on\n// `registry` (default: prom-client's global one) and returns it. Once per registry: a second\n// call on the same registry throws, as prom-client does for any name registered twice.\n//\n//   amqpgen_published_messages_total{route, outcome}   counter: routed requests by outcome:\n//       published (2xx), unauthorized (401), forbidden (403), limited (a rate limit's 429 or\n//       503), rejected (another 4xx, refused before the broker), refused (502, by the broker),\n//       unavailable (503), timeout (504), error (500), aborted (the client went away)\n//   amqpgen_publish_duration_seconds{route}            histogram: request received → confirm,\n//       for published messages\n//   amqpgen_broker_connected{broker}                   gauge: 1 while connected\n//   amqpgen_broker_blocked{broker}                     gauge: 1 while the broker blocks publishers\n//   amqpgen_in_flight_messages{broker}                 gauge: publishes awaiting the broker\n//   amqpgen_broker_reconnects_total{broker}            counter: connections opened after the first\n//   amqpgen_broker_dead_connections_total{broker}      counter: connections found dead (silent)\n//   amqpgen_broker_drain_waits_total{broker}           counter: publishes that waited for the socket\n//\n// `route` is `METHOD path` as in the config, `broker` the config's host list without\n// credentials: both fixed at generation time, so the label sets stay small.\n//\n// Routes:\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"routes"),{"name":"each","hash":{},"fn":container.program(0, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":40,"column":0},"end":{"line":42,"column":9}}})) != null ? stack1 : "")
    + "\nimport { Counter, Gauge, Histogram, register, type Registry } from \"prom-client\";\nimport { DURATION_BUCKETS_SECONDS, OUTCOMES, type BrokerStats, type Publisher, type RouteStats } from \"../index.js\";\n\nexport interface PrometheusOptions {\n  /** Where the families are registered. Default: prom-client's global registry. */\n  registry?: Registry | undefined;\n}\n\n/** A sample of a histogram family, as prom-client's registry reads them (`le` apart from the rest). */\ninterface HistogramSample {\n  labels: { le?: number | \"+Inf\" };\n  sharedLabels: { route: string };\n  value: number;\n  metricName: string;\n}\n\nconst routeLabel = (route: RouteStats): string => `${route.method} ${route.path}`;\n\nconst DURATION = \"amqpgen_publish_duration_seconds\";\nconst DURATION_HELP = \"Seconds from the request received to the broker's confirm, for published messages.\";\n\n/**\n * The duration histogram, read from the publisher's snapshot at each scrape instead of observed\n * here. prom-client has no way to set a histogram's buckets, so the method its registry reads\n * (for the text format and for JSON alike) is replaced; test/prometheus.test.ts checks the text\n * with promtool and a real Prometheus server.\n */\nclass PublishDurationHistogram extends Histogram<\"route\"> {\n  private readonly publisher: Publisher;\n\n  constructor(publisher: Publisher, registry: Registry) {\n    super({ name: DURATION, help: DURATION_HELP, labelNames: [\"route\"], buckets: [...DURATION_BUCKETS_SECONDS], registers: [registry] });\n    this.publisher = publisher;\n  }\n\n  async getForPromString(): Promise<{ name: string; help: string; type: \"histogram\"; aggregator: \"sum\"; values: HistogramSample[] }> {\n    const values: HistogramSample[] = [];\n    for (const route of this.publisher.stats().routes) {\n      const sharedLabels = { route: routeLabel(route) };\n      const { buckets, count, sum } = route.duration;\n      DURATION_BUCKETS_SECONDS.forEach((le, i) => {\n        values.push({ labels: { le }, sharedLabels, value: buckets[i] ?? count, metricName: `${DURATION}_bucket` });\n      });\n      values.push({ labels: { le: \"+Inf\" }, sharedLabels, value: count, metricName: `${DURATION}_bucket` });\n      values.push({ labels: {}, sharedLabels, value: sum, metricName: `${DURATION}_sum` });\n      values.push({ labels: {}, sharedLabels, value: count, metricName: `${DURATION}_count` });\n    }\n    return { name: DURATION, help: DURATION_HELP, type: \"histogram\", aggregator: \"sum\", values };\n  }\n}\n\n/** Registers the publisher's metric families on `options.registry` (default: the global one) and returns it. */\nexport function registerPrometheusMetrics(publisher: Publisher, options: PrometheusOptions = {}): Registry {\n  const registry = options.registry ?? register;\n  const registers = [registry];\n\n  new Counter({\n    name: \"amqpgen_published_messages_total\",\n    help: \"Routed requests by outcome: published (2xx), unauthorized (401), forbidden (403), limited (a rate limit's 429 or 503), rejected (another 4xx), refused (502), unavailable (503), timeout (504), error (500), aborted.\",\n    labelNames: [\"route\", \"outcome\"] as const,\n    registers,\n    collect() {\n      this.reset();\n      for (const route of publisher.stats().routes) {\n        for (const outcome of OUTCOMES) this.inc({ route: routeLabel(route), outcome }, route.outcomes[outcome]);\n      }\n    },\n  });\n  new PublishDurationHistogram(publisher, registry);\n\n  const brokers = () => publisher.stats().brokers;\n  const brokerGauge = (name: string, help: string, value: (broker: BrokerStats) => number) =>\n    new Gauge({\n      name,\n      help,\n      labelNames: [\"broker\"] as const,\n      registers,\n      collect() {\n        this.reset();\n        for (const broker of brokers()) this.set({ broker: broker.name }, value(broker));\n      },\n    });\n  const brokerCounter = (name: string, help: string, value: (broker: BrokerStats) => number) =>\n    new Counter({\n      name,\n      help,\n      labelNames: [\"broker\"] as const,\n      registers,\n      collect() {\n        this.reset();\n        for (const broker of brokers()) this.inc({ broker: broker.name }, value(broker));\n      },\n    });\n  brokerGauge(\"amqpgen_broker_connected\", \"1 while the broker is connected, else 0.\", (b) => (b.connected ? 1 : 0));\n  brokerGauge(\"amqpgen_broker_blocked\", \"1 while the broker blocks publishers (a resource alarm), else 0.\", (b) => (b.blocked ? 1 : 0));\n  brokerGauge(\"amqpgen_in_flight_messages\", \"Publishes awaiting the broker: room in the socket or their confirm.\", (b) => b.inFlight);\n  brokerCounter(\"amqpgen_broker_reconnects_total\", \"Connections opened after the first one.\", (b) => Math.max(0, b.connections - 1));\n  brokerCounter(\"amqpgen_broker_dead_connections_total\", \"Connections taken for dead: no confirm and no byte for the watchdog's time, or missed heartbeats.\", (b) => b.deadConnections);\n  brokerCounter(\"amqpgen_broker_drain_waits_total\", \"Publishes that found the socket full and waited for it to drain.\", (b) => b.drainWaits);\n  return registry;\n}\n";
},"usePartial":true,"useData":true},
  "body.ts.hbs": {"0":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "// Not enforced (unsupported keyword): "
    + ((stack1 = container.lambda(depth0, depth0)) != null ? stack1 : "")
    + "\n";
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.invokePartial(lookupProperty(partials,"header"),depth0,{"name":"header","hash":{"source":lookupProperty(depth0,"source")},"data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "//\n// Request body of `"
    + ((stack1 = alias2(alias1(depth0, "commentPath", {"start":{"line":3,"column":22},"end":{"line":3,"column":33}} ), depth0)) != null ? stack1 : "")
    + "`, from the endpoint's \"validation/json-schema\".\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"unsupported"),{"name":"each","hash":{},"fn":container.program(0, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":4,"column":0},"end":{"line":6,"column":9}}})) != null ? stack1 : "")
    + "\n"
    + ((stack1 = alias2(alias1(depth0, "types", {"start":{"line":8,"column":2},"end":{"line":8,"column":7}} ), depth0)) != null ? stack1 : "")
    + "\n"
    + ((stack1 = alias2(alias1(depth0, "validator", {"start":{"line":9,"column":2},"end":{"line":9,"column":11}} ), depth0)) != null ? stack1 : "")
    + "\n";
},"usePartial":true,"useData":true},
  "consumer.ts.hbs": {"0":function(container,depth0,helpers,partials,data) {
    return "answered (request-reply)";
},"1":function(container,depth0,helpers,partials,data) {
    return "consumed with acks";
},"2":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "import { type "
    + ((stack1 = alias2(alias1(lookupProperty(depth0,"body"), "type", {"start":{"line":10,"column":16},"end":{"line":10,"column":25}} ), depth0)) != null ? stack1 : "")
    + ", "
    + ((stack1 = alias2(alias1(lookupProperty(depth0,"body"), "validator", {"start":{"line":10,"column":31},"end":{"line":10,"column":45}} ), depth0)) != null ? stack1 : "")
    + " } from \"../routes/"
    + ((stack1 = alias2(alias1(lookupProperty(depth0,"body"), "module", {"start":{"line":10,"column":68},"end":{"line":10,"column":79}} ), depth0)) != null ? stack1 : "")
    + "\";\n";
},"3":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "  /** "
    + ((stack1 = alias2(alias1(depth0, "comment", {"start":{"line":16,"column":8},"end":{"line":16,"column":20}} ), depth0)) != null ? stack1 : "")
    + " */\n  readonly "
    + ((stack1 = alias2(alias1(depth0, "key", {"start":{"line":17,"column":13},"end":{"line":17,"column":21}} ), depth0)) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"unless").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"required"),{"name":"unless","hash":{},"fn":container.program(4, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":17,"column":23},"end":{"line":17,"column":60}}})) != null ? stack1 : "")
    + ": readonly string[];\n";
},"4":function(container,depth0,helpers,partials,data) {
    return "?";
},"5":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "export interface "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":25,"column":19},"end":{"line":25,"column":27}} ), depth0)) != null ? stack1 : "")
    + "Message extends DecodedMessage<"
    + ((stack1 = alias2(alias1(depth0, "bodyType", {"start":{"line":25,"column":62},"end":{"line":25,"column":70}} ), depth0)) != null ? stack1 : "")
    + ", "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":25,"column":76},"end":{"line":25,"column":84}} ), depth0)) != null ? stack1 : "")
    + "Headers> {\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"properties"),{"name":"each","hash":{},"fn":container.program(6, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":26,"column":0},"end":{"line":29,"column":9}}})) != null ? stack1 : "")
    + "}\n";
},"6":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda;

  return "  /** "
    + ((stack1 = alias2(alias1(depth0, "comment", {"start":{"line":27,"column":8},"end":{"line":27,"column":20}} ), depth0)) != null ? stack1 : "")
    + " */\n  readonly "
    + ((stack1 = alias2(alias1(depth0, "name", {"start":{"line":28,"column":13},"end":{"line":28,"column":22}} ), depth0)) != null ? stack1 : "")
    + ": "
    + ((stack1 = alias2(alias1(depth0, "type", {"start":{"line":28,"column":28},"end":{"line":28,"column":37}} ), depth0)) != null ? stack1 : "")
    + ";\n";
},"7":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda;

  return "export type "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":32,"column":14},"end":{"line":32,"column":22}} ), depth0)) != null ? stack1 : "")
    + "Message = DecodedMessage<"
    + ((stack1 = alias2(alias1(depth0, "bodyType", {"start":{"line":32,"column":51},"end":{"line":32,"column":59}} ), depth0)) != null ? stack1 : "")
    + ", "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":32,"column":65},"end":{"line":32,"column":73}} ), depth0)) != null ? stack1 : "")
    + "Headers>;\n";
},"8":function(container,depth0,helpers,partials,data) {
    return "true";
},"9":function(container,depth0,helpers,partials,data) {
    return "false";
},"10":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "  reply: { timeoutMs: "
    + ((stack1 = container.lambda(container.strict(depth0, "replyTimeoutMs", {"start":{"line":45,"column":24},"end":{"line":45,"column":38}} ), depth0)) != null ? stack1 : "")
    + " },\n";
},"11":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.lambda(container.strict(lookupProperty(depth0,"body"), "validator", {"start":{"line":54,"column":30},"end":{"line":54,"column":44}} ), depth0)) != null ? stack1 : "");
},"12":function(container,depth0,helpers,partials,data) {
    return "null";
},"13":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "/**\n * Answers `"
    + ((stack1 = alias2(alias1(depth0, "commentPath", {"start":{"line":66,"column":14},"end":{"line":66,"column":25}} ), depth0)) != null ? stack1 : "")
    + "`'s requests: each request's handler result is published to its\n * reply_to with its correlation_id, then the request is acked. The HTTP request waits\n * "
    + ((stack1 = alias2(alias1(depth0, "replyTimeoutMs", {"start":{"line":68,"column":5},"end":{"line":68,"column":19}} ), depth0)) != null ? stack1 : "")
    + " ms for it."
    + ((stack1 = lookupProperty(helpers,"unless").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"hasQueue"),{"name":"unless","hash":{},"fn":container.program(14, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":68,"column":32},"end":{"line":68,"column":121}}})) != null ? stack1 : "")
    + "\n */\nexport function serve"
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":70,"column":23},"end":{"line":70,"column":31}} ), depth0)) != null ? stack1 : "")
    + "(\n  channel: Channel,\n  handler: (message: "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":72,"column":23},"end":{"line":72,"column":31}} ), depth0)) != null ? stack1 : "")
    + "Message) => ServeAnswer | Promise<ServeAnswer>,\n  "
    + ((stack1 = alias2(alias1(depth0, "optionsType", {"start":{"line":73,"column":4},"end":{"line":73,"column":15}} ), depth0)) != null ? stack1 : "")
    + ",\n): Promise<Consumer> {\n  return serve(channel, "
    + ((stack1 = alias2(alias1(depth0, "id", {"start":{"line":75,"column":26},"end":{"line":75,"column":28}} ), depth0)) != null ? stack1 : "")
    + ", decode"
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":75,"column":40},"end":{"line":75,"column":48}} ), depth0)) != null ? stack1 : "")
    + "Message, handler, options);\n}\n";
},"14":function(container,depth0,helpers,partials,data) {
    return " The route declares no queue: name one in `options.queue`.";
},"15":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, alias3=depth0 != null ? depth0 : (container.nullContext || {}), lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "/**\n * Consumes `"
    + ((stack1 = alias2(alias1(depth0, "commentPath", {"start":{"line":79,"column":15},"end":{"line":79,"column":26}} ), depth0)) != null ? stack1 : "")
    + "`'s messages"
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"hasQueue"),{"name":"if","hash":{},"fn":container.program(16, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":79,"column":40},"end":{"line":79,"column":91}}})) != null ? stack1 : "")
    + ".\n * Each is acked once the handler's promise resolves. One that does not decode is rejected (to\n * the queue's dead-letter exchange, if any; never requeued); a handler error is nacked with\n * requeue, so the message comes back (`requeue: false` dead-letters it instead)."
    + ((stack1 = lookupProperty(helpers,"unless").call(alias3,lookupProperty(depth0,"hasQueue"),{"name":"unless","hash":{},"fn":container.program(17, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":82,"column":81},"end":{"line":83,"column":71}}})) != null ? stack1 : "")
    + "\n */\nexport function consume"
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":85,"column":25},"end":{"line":85,"column":33}} ), depth0)) != null ? stack1 : "")
    + "(\n  channel: Channel,\n  handler: (message: "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":87,"column":23},"end":{"line":87,"column":31}} ), depth0)) != null ? stack1 : "")
    + "Message) => unknown,\n  "
    + ((stack1 = alias2(alias1(depth0, "optionsType", {"start":{"line":88,"column":4},"end":{"line":88,"column":15}} ), depth0)) != null ? stack1 : "")
    + ",\n): Promise<Consumer> {\n  return consume(channel, "
    + ((stack1 = alias2(alias1(depth0, "id", {"start":{"line":90,"column":28},"end":{"line":90,"column":30}} ), depth0)) != null ? stack1 : "")
    + ", decode"
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":90,"column":42},"end":{"line":90,"column":50}} ), depth0)) != null ? stack1 : "")
    + "Message, handler, options);\n}\n";
},"16":function(container,depth0,helpers,partials,data) {
    var stack1;

  return " from queue "
    + ((stack1 = container.lambda(container.strict(depth0, "queueComment", {"start":{"line":79,"column":70},"end":{"line":79,"column":82}} ), depth0)) != null ? stack1 : "");
},"17":function(container,depth0,helpers,partials,data) {
    return "\n * The route declares no queue: name one in `options.queue`.";
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=depth0 != null ? depth0 : (container.nullContext || {}), alias2=container.strict, alias3=container.lambda, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.invokePartial(lookupProperty(partials,"header"),depth0,{"name":"header","hash":{"source":lookupProperty(depth0,"source")},"data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "//\n// For the services that consume these messages: each one decoded and checked against what the\n// producer writes, then "
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"replyTimeoutMs"),{"name":"if","hash":{},"fn":container.program(0, data, 0),"inverse":container.program(1, data, 0),"data":data,"loc":{"start":{"line":4,"column":25},"end":{"line":4,"column":104}}})) != null ? stack1 : "")
    + ". The types come from the same config as\n// the producer's, so a change to it breaks a consumer's build where it should.\n\nimport type { Channel, ConsumeMessage } from \"amqplib\";\n"
    + ((stack1 = alias3(alias2(depth0, "runtimeImports", {"start":{"line":8,"column":2},"end":{"line":8,"column":16}} ), depth0)) != null ? stack1 : "")
    + "\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"body"),{"name":"if","hash":{},"fn":container.program(2, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":9,"column":0},"end":{"line":11,"column":7}}})) != null ? stack1 : "")
    + "\n/** The headers of a `"
    + ((stack1 = alias3(alias2(depth0, "commentPath", {"start":{"line":13,"column":24},"end":{"line":13,"column":35}} ), depth0)) != null ? stack1 : "")
    + "` message: arrays of strings, one item per header line. */\nexport interface "
    + ((stack1 = alias3(alias2(depth0, "typeName", {"start":{"line":14,"column":19},"end":{"line":14,"column":27}} ), depth0)) != null ? stack1 : "")
    + "Headers {\n"
    + ((stack1 = lookupProperty(helpers,"each").call(alias1,lookupProperty(depth0,"headers"),{"name":"each","hash":{},"fn":container.program(3, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":15,"column":0},"end":{"line":18,"column":9}}})) != null ? stack1 : "")
    + "  /** "
    + ((stack1 = alias3(alias2(depth0, "othersComment", {"start":{"line":19,"column":8},"end":{"line":19,"column":21}} ), depth0)) != null ? stack1 : "")
    + " */\n  readonly [name: string]: readonly string[] | string | undefined;\n}\n\n/** A `"
    + ((stack1 = alias3(alias2(depth0, "commentPath", {"start":{"line":23,"column":9},"end":{"line":23,"column":20}} ), depth0)) != null ? stack1 : "")
    + "` message, decoded and checked. */\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(lookupProperty(depth0,"properties"),"length"),{"name":"if","hash":{},"fn":container.program(5, data, 0),"inverse":container.program(7, data, 0),"data":data,"loc":{"start":{"line":24,"column":0},"end":{"line":33,"column":7}}})) != null ? stack1 : "")
    + "\n/**\n * What the consumer declares, and names in its errors: the route as `routes/"
    + ((stack1 = alias3(alias2(depth0, "routeModule", {"start":{"line":36,"column":79},"end":{"line":36,"column":90}} ), depth0)) != null ? stack1 : "")
    + "`\n * has it, without the HTTP side (a consuming service needs neither the listener nor the\n * libraries of its protections).\n */\nconst "
    + ((stack1 = alias3(alias2(depth0, "id", {"start":{"line":40,"column":8},"end":{"line":40,"column":10}} ), depth0)) != null ? stack1 : "")
    + ": RouteInfo = {\n"
    + ((stack1 = container.invokePartial(lookupProperty(partials,"route-info"),depth0,{"name":"route-info","data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "  inputHeaders: "
    + ((stack1 = alias3(alias2(depth0, "inputHeaders", {"start":{"line":42,"column":18},"end":{"line":42,"column":30}} ), depth0)) != null ? stack1 : "")
    + ",\n  hasBodySchema: "
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"body"),{"name":"if","hash":{},"fn":container.program(8, data, 0),"inverse":container.program(9, data, 0),"data":data,"loc":{"start":{"line":43,"column":17},"end":{"line":43,"column":53}}})) != null ? stack1 : "")
    + ",\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"replyTimeoutMs"),{"name":"if","hash":{},"fn":container.program(10, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":44,"column":0},"end":{"line":46,"column":7}}})) != null ? stack1 : "")
    + "};\n\nconst "
    + ((stack1 = alias3(alias2(depth0, "constName", {"start":{"line":49,"column":8},"end":{"line":49,"column":17}} ), depth0)) != null ? stack1 : "")
    + ": MessageShape = {\n  requiredHeaders: "
    + ((stack1 = alias3(alias2(depth0, "requiredHeaders", {"start":{"line":50,"column":21},"end":{"line":50,"column":36}} ), depth0)) != null ? stack1 : "")
    + ",\n  optionalHeaders: "
    + ((stack1 = alias3(alias2(depth0, "optionalHeaders", {"start":{"line":51,"column":21},"end":{"line":51,"column":36}} ), depth0)) != null ? stack1 : "")
    + ",\n  otherHeaders: "
    + ((stack1 = alias3(alias2(depth0, "otherHeaders", {"start":{"line":52,"column":18},"end":{"line":52,"column":30}} ), depth0)) != null ? stack1 : "")
    + ",\n  requiredProperties: "
    + ((stack1 = alias3(alias2(depth0, "requiredProperties", {"start":{"line":53,"column":24},"end":{"line":53,"column":42}} ), depth0)) != null ? stack1 : "")
    + ",\n  validateBody: "
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"body"),{"name":"if","hash":{},"fn":container.program(11, data, 0),"inverse":container.program(12, data, 0),"data":data,"loc":{"start":{"line":54,"column":16},"end":{"line":54,"column":65}}})) != null ? stack1 : "")
    + ",\n};\n\n/** The message as a typed value, or a DecodeError saying what does not match. */\nexport function decode"
    + ((stack1 = alias3(alias2(depth0, "typeName", {"start":{"line":58,"column":24},"end":{"line":58,"column":32}} ), depth0)) != null ? stack1 : "")
    + "Message(message: ConsumeMessage): "
    + ((stack1 = alias3(alias2(depth0, "typeName", {"start":{"line":58,"column":70},"end":{"line":58,"column":78}} ), depth0)) != null ? stack1 : "")
    + "Message | DecodeError {\n  const decoded = decodeMessage(message, "
    + ((stack1 = alias3(alias2(depth0, "constName", {"start":{"line":59,"column":43},"end":{"line":59,"column":52}} ), depth0)) != null ? stack1 : "")
    + ");\n  // decodeMessage checked every header and property the type names, and the body.\n  return decoded instanceof DecodeError ? decoded : (decoded as "
    + ((stack1 = alias3(alias2(depth0, "typeName", {"start":{"line":61,"column":66},"end":{"line":61,"column":74}} ), depth0)) != null ? stack1 : "")
    + "Message);\n}\n\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"replyTimeoutMs"),{"name":"if","hash":{},"fn":container.program(13, data, 0),"inverse":container.program(15, data, 0),"data":data,"loc":{"start":{"line":64,"column":0},"end":{"line":92,"column":7}}})) != null ? stack1 : "");
},"usePartial":true,"useData":true},
  "header.hbs": {"0":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "// Source: "
    + ((stack1 = container.lambda(container.strict(depth0, "source", {"start":{"line":3,"column":13},"end":{"line":3,"column":19}} ), depth0)) != null ? stack1 : "")
    + "\n";
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "// Code generated by amqp-gen. DO NOT EDIT.\n"
    + ((stack1 = lookupProperty(helpers,"if").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"source"),{"name":"if","hash":{},"fn":container.program(0, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":2,"column":0},"end":{"line":4,"column":7}}})) != null ? stack1 : "");
},"useData":true},
  "index.ts.hbs": {"0":function(container,depth0,helpers,partials,data) {
    return "import { createCors } from \"./runtime/cors.js\";\n";
},"1":function(container,depth0,helpers,partials,data) {
    return "import { createHttpSecurity } from \"./runtime/httpsecure.js\";\n";
},"2":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda;

  return "import { "
    + ((stack1 = alias2(alias1(depth0, "id", {"start":{"line":39,"column":11},"end":{"line":39,"column":18}} ), depth0)) != null ? stack1 : "")
    + " } from \""
    + ((stack1 = alias2(alias1(depth0, "module", {"start":{"line":39,"column":31},"end":{"line":39,"column":42}} ), depth0)) != null ? stack1 : "")
    + "\";\n";
},"3":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "export * from \""
    + ((stack1 = container.lambda(container.strict(depth0, "module", {"start":{"line":65,"column":17},"end":{"line":65,"column":28}} ), depth0)) != null ? stack1 : "")
    + "\";\n";
},"4":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "  "
    + ((stack1 = container.lambda(container.strict(depth0, "id", {"start":{"line":70,"column":4},"end":{"line":70,"column":11}} ), depth0)) != null ? stack1 : "")
    + ",\n";
},"5":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "  "
    + ((stack1 = container.lambda(depth0, depth0)) != null ? stack1 : "")
    + ",\n";
},"6":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "/** The config's `router.trusted_proxies`: the proxies believed unless the listener is given its own `trustedProxies`. */\nconst TRUSTED_PROXIES: readonly string[] = "
    + ((stack1 = container.lambda(container.strict(depth0, "trustedProxies", {"start":{"line":86,"column":45},"end":{"line":86,"column":59}} ), depth0)) != null ? stack1 : "")
    + ";\n\n";
},"7":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "\n/**\n * The service's `security/cors`: preflights answered before routing, and the Access-Control\n * headers on the answers to allowed origins, as KrakenD sends them.\n */\nconst CORS = createCors({\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"cors"),{"name":"each","hash":{},"fn":container.program(5, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":98,"column":0},"end":{"line":100,"column":9}}})) != null ? stack1 : "")
    + "});\n";
},"8":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "\n/**\n * The service's `security/http`, around every request, as KrakenD applies it: a Host not allowed\n * is 400, plain HTTP is redirected to HTTPS when asked, and every answer gets the security headers.\n */\nconst HTTP_SECURITY = createHttpSecurity({\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"httpSecurity"),{"name":"each","hash":{},"fn":container.program(5, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":110,"column":0},"end":{"line":112,"column":9}}})) != null ? stack1 : "")
    + "});\n";
},"9":function(container,depth0,helpers,partials,data) {
    return "{ ...options, trustedProxies: options?.trustedProxies ?? TRUSTED_PROXIES }";
},"10":function(container,depth0,helpers,partials,data) {
    return "options";
},"11":function(container,depth0,helpers,partials,data) {
    var stack1;

  return ", "
    + ((stack1 = container.lambda(container.strict(depth0, "stages", {"start":{"line":138,"column":188},"end":{"line":138,"column":194}} ), depth0)) != null ? stack1 : "");
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=depth0 != null ? depth0 : (container.nullContext || {}), lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.invokePartial(lookupProperty(partials,"header"),depth0,{"name":"header","hash":{"source":lookupProperty(depth0,"source")},"data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "//\n// The stable entry point: `routes`, `brokers`, `createPublisher`, `createRequestListener`,\n// `answerRequest`.\n\nimport type { IncomingMessage, ServerResponse } from \"node:http\";\nimport { matchRoute } from \"./runtime/dispatch.js\";\nimport { answerRequestFor, createListenerFor } from \"./runtime/http.js\";\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"cors"),{"name":"if","hash":{},"fn":container.program(0, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":9,"column":0},"end":{"line":11,"column":7}}})) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"httpSecurity"),{"name":"if","hash":{},"fn":container.program(1, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":12,"column":0},"end":{"line":14,"column":7}}})) != null ? stack1 : "")
    + "import { createPublisherFor } from \"./runtime/publisher.js\";\nimport type {\n  AnswerOptions,\n  BrokerInfo,\n  BrokerStats,\n  DispatchNode,\n  DurationStats,\n  HttpAnswer,\n  ListenerOptions,\n  Logger,\n  Outcome,\n  Outgoing,\n  ProbeOptions,\n  Publisher,\n  PublisherOptions,\n  PublisherStats,\n  PublishResult,\n  Reply,\n  Route,\n  RouteInfo,\n  RouteMatch,\n  RouteStats,\n} from \"./runtime/types.js\";\n"
    + ((stack1 = lookupProperty(helpers,"each").call(alias1,lookupProperty(depth0,"routes"),{"name":"each","hash":{},"fn":container.program(2, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":38,"column":0},"end":{"line":40,"column":9}}})) != null ? stack1 : "")
    + "\nexport type {\n  AnswerOptions,\n  BrokerInfo,\n  BrokerStats,\n  DurationStats,\n  HttpAnswer,\n  ListenerOptions,\n  Logger,\n  Outcome,\n  Outgoing,\n  ProbeOptions,\n  Publisher,\n  PublisherOptions,\n  PublisherStats,\n  PublishResult,\n  Reply,\n  RouteInfo,\n  RouteMatch,\n  RouteStats,\n};\nexport { DURATION_BUCKETS_SECONDS, OUTCOMES, outcomeOf } from \"./runtime/stats.js\";\nexport { PUBLISH_CHANNEL, PublishError, type PublishContext } from \"./runtime/tracing.js\";\n"
    + ((stack1 = lookupProperty(helpers,"each").call(alias1,lookupProperty(depth0,"routes"),{"name":"each","hash":{},"fn":container.program(3, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":64,"column":0},"end":{"line":66,"column":9}}})) != null ? stack1 : "")
    + "\nconst ROUTES: readonly Route[] = [\n"
    + ((stack1 = lookupProperty(helpers,"each").call(alias1,lookupProperty(depth0,"routes"),{"name":"each","hash":{},"fn":container.program(4, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":69,"column":0},"end":{"line":71,"column":9}}})) != null ? stack1 : "")
    + "];\n\n/** Every generated route, sorted by path, then method. */\nexport const routes: readonly RouteInfo[] = ROUTES;\n\n/** The brokers routes publish to (credentials removed): one connection each. */\nexport const brokers: readonly BrokerInfo[] = [\n"
    + ((stack1 = lookupProperty(helpers,"each").call(alias1,lookupProperty(depth0,"brokers"),{"name":"each","hash":{},"fn":container.program(5, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":79,"column":0},"end":{"line":81,"column":9}}})) != null ? stack1 : "")
    + "];\n\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"trustedProxies"),{"name":"if","hash":{},"fn":container.program(6, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":84,"column":0},"end":{"line":88,"column":7}}})) != null ? stack1 : "")
    + "/** Dispatch tree, built at generation time; leaves index into `routes`. */\nconst TREE: DispatchNode = "
    + ((stack1 = container.lambda(container.strict(depth0, "tree", {"start":{"line":90,"column":29},"end":{"line":90,"column":33}} ), depth0)) != null ? stack1 : "")
    + ";\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"cors"),{"name":"if","hash":{},"fn":container.program(7, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":91,"column":0},"end":{"line":102,"column":7}}})) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"httpSecurity"),{"name":"if","hash":{},"fn":container.program(8, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":103,"column":0},"end":{"line":114,"column":7}}})) != null ? stack1 : "")
    + "\n/**\n * Routing alone: the route a method and request target (`/path?query`) select, with the path's\n * segments percent-decoded (the route's params sit at its `params[].segment` positions), or the\n * 404/405/400 answer the listener would give.\n */\nexport function matchRequest(method: string, target: string): RouteMatch | HttpAnswer {\n  return matchRoute(ROUTES, TREE, method, target);\n}\n\n/**\n * Connects to the brokers. `options.url` (a URL or a failover list) overrides the default:\n * `AMQP_URL` (comma-separated), then the config's `host` list without credentials.\n */\nexport function createPublisher(options?: PublisherOptions): Publisher {\n  return createPublisherFor(brokers, ROUTES, options);\n}\n\n/** A `node:http` request listener serving every route (404 unknown path, 405 other method). */\nexport function createRequestListener(\n  publisher: Publisher,\n  options?: ListenerOptions,\n): (request: IncomingMessage, response: ServerResponse) => void {\n  return createListenerFor(ROUTES, TREE, publisher, "
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"trustedProxies"),{"name":"if","hash":{},"fn":container.program(9, data, 0),"inverse":container.program(10, data, 0),"data":data,"loc":{"start":{"line":138,"column":52},"end":{"line":138,"column":170}}})) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"stages"),{"name":"if","hash":{},"fn":container.program(11, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":138,"column":170},"end":{"line":138,"column":203}}})) != null ? stack1 : "")
    + ");\n}\n\n/**\n * The answer to one request, independent of any HTTP framework: what `createRequestListener`\n * and the adapters send (status, headers, body). Never rejects; null when the client went away.\n * `options.path` is the target relative to where the routes are mounted; `options.body` a body\n * a framework has already read.\n */\nexport function answerRequest(publisher: Publisher, request: IncomingMessage, options?: AnswerOptions): Promise<HttpAnswer | null> {\n  return answerRequestFor(ROUTES, TREE, publisher, request, "
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"trustedProxies"),{"name":"if","hash":{},"fn":container.program(9, data, 0),"inverse":container.program(10, data, 0),"data":data,"loc":{"start":{"line":148,"column":60},"end":{"line":148,"column":178}}})) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"if").call(alias1,lookupProperty(depth0,"stages"),{"name":"if","hash":{},"fn":container.program(11, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":148,"column":178},"end":{"line":148,"column":211}}})) != null ? stack1 : "")
    + ");\n}\n";
},"usePartial":true,"useData":true},
  "route-info.hbs": {"0":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda;

  return "    { name: "
    + ((stack1 = alias2(alias1(depth0, "nameLiteral", {"start":{"line":6,"column":14},"end":{"line":6,"column":30}} ), depth0)) != null ? stack1 : "")
    + ", key: "
    + ((stack1 = alias2(alias1(depth0, "keyLiteral", {"start":{"line":6,"column":41},"end":{"line":6,"column":56}} ), depth0)) != null ? stack1 : "")
    + ", segment: "
    + ((stack1 = alias2(alias1(depth0, "segment", {"start":{"line":6,"column":71},"end":{"line":6,"column":83}} ), depth0)) != null ? stack1 : "")
    + " },\n";
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "  id: "
    + ((stack1 = alias2(alias1(depth0, "idLiteral", {"start":{"line":1,"column":8},"end":{"line":1,"column":17}} ), depth0)) != null ? stack1 : "")
    + ",\n  method: "
    + ((stack1 = alias2(alias1(depth0, "methodLiteral", {"start":{"line":2,"column":12},"end":{"line":2,"column":25}} ), depth0)) != null ? stack1 : "")
    + ",\n  path: "
    + ((stack1 = alias2(alias1(depth0, "pathLiteral", {"start":{"line":3,"column":10},"end":{"line":3,"column":21}} ), depth0)) != null ? stack1 : "")
    + ",\n  params: [\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"params"),{"name":"each","hash":{},"fn":container.program(0, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":5,"column":0},"end":{"line":7,"column":9}}})) != null ? stack1 : "")
    + "  ],\n  broker: "
    + ((stack1 = alias2(alias1(depth0, "broker", {"start":{"line":9,"column":12},"end":{"line":9,"column":18}} ), depth0)) != null ? stack1 : "")
    + ",\n  declare: "
    + ((stack1 = alias2(alias1(depth0, "declare", {"start":{"line":10,"column":13},"end":{"line":10,"column":20}} ), depth0)) != null ? stack1 : "")
    + ",\n  exchange: "
    + ((stack1 = alias2(alias1(depth0, "exchange", {"start":{"line":11,"column":14},"end":{"line":11,"column":22}} ), depth0)) != null ? stack1 : "")
    + ",\n  queue: "
    + ((stack1 = alias2(alias1(depth0, "queue", {"start":{"line":12,"column":11},"end":{"line":12,"column":16}} ), depth0)) != null ? stack1 : "")
    + ",\n  routingKey: "
    + ((stack1 = alias2(alias1(depth0, "routingKey", {"start":{"line":13,"column":16},"end":{"line":13,"column":26}} ), depth0)) != null ? stack1 : "")
    + ",\n  mandatory: "
    + ((stack1 = alias2(alias1(depth0, "mandatory", {"start":{"line":14,"column":15},"end":{"line":14,"column":24}} ), depth0)) != null ? stack1 : "")
    + ",\n  persistent: "
    + ((stack1 = alias2(alias1(depth0, "persistent", {"start":{"line":15,"column":16},"end":{"line":15,"column":26}} ), depth0)) != null ? stack1 : "")
    + ",\n  timeoutMs: "
    + ((stack1 = alias2(alias1(depth0, "timeoutMs", {"start":{"line":16,"column":15},"end":{"line":16,"column":24}} ), depth0)) != null ? stack1 : "")
    + ",\n  outputEncoding: "
    + ((stack1 = alias2(alias1(depth0, "outputEncoding", {"start":{"line":17,"column":20},"end":{"line":17,"column":34}} ), depth0)) != null ? stack1 : "")
    + ",\n";
},"useData":true},
  "route.ts.hbs": {"0":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "import { "
    + ((stack1 = alias2(alias1(lookupProperty(depth0,"body"), "validator", {"start":{"line":6,"column":11},"end":{"line":6,"column":25}} ), depth0)) != null ? stack1 : "")
    + " } from \"./"
    + ((stack1 = alias2(alias1(lookupProperty(depth0,"body"), "module", {"start":{"line":6,"column":40},"end":{"line":6,"column":51}} ), depth0)) != null ? stack1 : "")
    + "\";\n";
},"1":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "/** Path params of `"
    + ((stack1 = alias2(alias1(depth0, "commentPath", {"start":{"line":10,"column":22},"end":{"line":10,"column":33}} ), depth0)) != null ? stack1 : "")
    + "`, percent-decoded. */\nexport interface "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":11,"column":19},"end":{"line":11,"column":27}} ), depth0)) != null ? stack1 : "")
    + "Params {\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"params"),{"name":"each","hash":{},"fn":container.program(2, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":12,"column":0},"end":{"line":15,"column":9}}})) != null ? stack1 : "")
    + "}\n";
},"2":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda;

  return "  /** `"
    + ((stack1 = alias2(alias1(depth0, "brace", {"start":{"line":13,"column":10},"end":{"line":13,"column":20}} ), depth0)) != null ? stack1 : "")
    + "`, which KrakenD names `"
    + ((stack1 = alias2(alias1(depth0, "keyComment", {"start":{"line":13,"column":49},"end":{"line":13,"column":64}} ), depth0)) != null ? stack1 : "")
    + "`: path segment "
    + ((stack1 = alias2(alias1(depth0, "segment", {"start":{"line":13,"column":84},"end":{"line":13,"column":96}} ), depth0)) != null ? stack1 : "")
    + ". */\n  readonly "
    + ((stack1 = alias2(alias1(depth0, "typeKey", {"start":{"line":14,"column":13},"end":{"line":14,"column":25}} ), depth0)) != null ? stack1 : "")
    + ": string;\n";
},"3":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda;

  return "/** `"
    + ((stack1 = alias2(alias1(depth0, "commentPath", {"start":{"line":18,"column":7},"end":{"line":18,"column":18}} ), depth0)) != null ? stack1 : "")
    + "` has no path params. */\nexport type "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":19,"column":14},"end":{"line":19,"column":22}} ), depth0)) != null ? stack1 : "")
    + "Params = Record<string, never>;\n";
},"4":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda;

  return "/**\n * The HTTP answer of `"
    + ((stack1 = alias2(alias1(depth0, "commentPath", {"start":{"line":24,"column":25},"end":{"line":24,"column":36}} ), depth0)) != null ? stack1 : "")
    + "` is the reply to its message (request-reply): the reply's\n * body as it is, and its content type. The config says nothing of its shape.\n */\nexport type "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":27,"column":14},"end":{"line":27,"column":22}} ), depth0)) != null ? stack1 : "")
    + "Reply = Reply;\n\n";
},"5":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "  return {\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"params"),{"name":"each","hash":{},"fn":container.program(6, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":34,"column":0},"end":{"line":36,"column":9}}})) != null ? stack1 : "")
    + "  };\n";
},"6":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda;

  return "    "
    + ((stack1 = alias2(alias1(depth0, "objectKey", {"start":{"line":35,"column":6},"end":{"line":35,"column":20}} ), depth0)) != null ? stack1 : "")
    + ": segments["
    + ((stack1 = alias2(alias1(depth0, "segment", {"start":{"line":35,"column":35},"end":{"line":35,"column":47}} ), depth0)) != null ? stack1 : "")
    + "] ?? \"\",\n";
},"7":function(container,depth0,helpers,partials,data) {
    return "  void segments;\n  return {};\n";
},"8":function(container,depth0,helpers,partials,data) {
    return "  void params;\n";
},"9":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda;

  return "  const "
    + ((stack1 = alias2(alias1(depth0, "name", {"start":{"line":53,"column":10},"end":{"line":53,"column":19}} ), depth0)) != null ? stack1 : "")
    + " = "
    + ((stack1 = alias2(alias1(depth0, "call", {"start":{"line":53,"column":26},"end":{"line":53,"column":35}} ), depth0)) != null ? stack1 : "")
    + ";\n  if ("
    + ((stack1 = alias2(alias1(depth0, "name", {"start":{"line":54,"column":8},"end":{"line":54,"column":17}} ), depth0)) != null ? stack1 : "")
    + " instanceof RequestError) return "
    + ((stack1 = alias2(alias1(depth0, "name", {"start":{"line":54,"column":54},"end":{"line":54,"column":63}} ), depth0)) != null ? stack1 : "")
    + ";\n";
},"10":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "    "
    + ((stack1 = container.lambda(depth0, depth0)) != null ? stack1 : "")
    + ",\n";
},"11":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "/**\n * "
    + ((stack1 = alias2(alias1(depth0, "whose", {"start":{"line":70,"column":5},"end":{"line":70,"column":15}} ), depth0)) != null ? stack1 : "")
    + " `security/bot-detector`: a request whose User-Agent it takes for a bot's is\n * answered 403, with an empty body, before anything else of it is read.\n */\nconst "
    + ((stack1 = alias2(alias1(depth0, "name", {"start":{"line":73,"column":8},"end":{"line":73,"column":17}} ), depth0)) != null ? stack1 : "")
    + " = createBotDetector({\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"lines"),{"name":"each","hash":{},"fn":container.program(12, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":74,"column":0},"end":{"line":76,"column":9}}})) != null ? stack1 : "")
    + "});\n\n";
},"12":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "  "
    + ((stack1 = container.lambda(depth0, depth0)) != null ? stack1 : "")
    + ",\n";
},"13":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "/**\n * The endpoint's `auth/validator`: every request's token is checked before anything else of it,\n * as KrakenD checks it (401 with `WWW-Authenticate: Bearer`; 403 without the roles or scopes).\n */\nconst AUTHENTICATE = createJwtCheck({\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"jwt"),{"name":"each","hash":{},"fn":container.program(12, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":86,"column":0},"end":{"line":88,"column":9}}})) != null ? stack1 : "")
    + "});\n\n";
},"14":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return "/**\n * The endpoint's `qos/ratelimit/router`: token buckets, checked after the credentials, as KrakenD\n * checks them (429 when the client's is empty, 503 when the endpoint's is; with Retry-After).\n */\nconst LIMIT = createRateLimit({\n"
    + ((stack1 = lookupProperty(helpers,"each").call(depth0 != null ? depth0 : (container.nullContext || {}),lookupProperty(depth0,"rateLimit"),{"name":"each","hash":{},"fn":container.program(12, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":98,"column":0},"end":{"line":100,"column":9}}})) != null ? stack1 : "")
    + "});\n\n";
},"15":function(container,depth0,helpers,partials,data) {
    return "true";
},"16":function(container,depth0,helpers,partials,data) {
    return "false";
},"17":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "  reply: { timeoutMs: "
    + ((stack1 = container.lambda(container.strict(depth0, "replyTimeoutMs", {"start":{"line":110,"column":24},"end":{"line":110,"column":38}} ), depth0)) != null ? stack1 : "")
    + " },\n";
},"18":function(container,depth0,helpers,partials,data) {
    var stack1;

  return "  isBot: "
    + ((stack1 = container.lambda(container.strict(depth0, "isBot", {"start":{"line":113,"column":11},"end":{"line":113,"column":16}} ), depth0)) != null ? stack1 : "")
    + ",\n";
},"19":function(container,depth0,helpers,partials,data) {
    return "  authenticate: AUTHENTICATE,\n";
},"20":function(container,depth0,helpers,partials,data) {
    return "  limit: LIMIT,\n";
},"21":function(container,depth0,helpers,partials,data) {
    var stack1, lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.lambda(container.strict(lookupProperty(depth0,"body"), "validator", {"start":{"line":122,"column":30},"end":{"line":122,"column":44}} ), depth0)) != null ? stack1 : "");
},"22":function(container,depth0,helpers,partials,data) {
    return "null";
},"compiler":[8,">= 4.3.0"],"main":function(container,depth0,helpers,partials,data) {
    var stack1, alias1=container.strict, alias2=container.lambda, alias3=depth0 != null ? depth0 : (container.nullContext || {}), lookupProperty = container.lookupProperty || function(parent, propertyName) {
        if (Object.prototype.hasOwnProperty.call(parent, propertyName)) {
          return parent[propertyName];
        }
        return undefined
    };

  return ((stack1 = container.invokePartial(lookupProperty(partials,"header"),depth0,{"name":"header","hash":{"source":lookupProperty(depth0,"source")},"data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "\nimport type { IncomingMessage } from \"node:http\";\n"
    + ((stack1 = alias2(alias1(depth0, "runtimeImports", {"start":{"line":4,"column":2},"end":{"line":4,"column":16}} ), depth0)) != null ? stack1 : "")
    + "\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"body"),{"name":"if","hash":{},"fn":container.program(0, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":5,"column":0},"end":{"line":7,"column":7}}})) != null ? stack1 : "")
    + "\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(lookupProperty(depth0,"params"),"length"),{"name":"if","hash":{},"fn":container.program(1, data, 0),"inverse":container.program(3, data, 0),"data":data,"loc":{"start":{"line":9,"column":0},"end":{"line":20,"column":7}}})) != null ? stack1 : "")
    + "\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"replyTimeoutMs"),{"name":"if","hash":{},"fn":container.program(4, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":22,"column":0},"end":{"line":29,"column":7}}})) != null ? stack1 : "")
    + "/** The params, read from segment positions fixed at generation time. */\nexport function extract"
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":31,"column":25},"end":{"line":31,"column":33}} ), depth0)) != null ? stack1 : "")
    + "Params(segments: readonly string[]): "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":31,"column":74},"end":{"line":31,"column":82}} ), depth0)) != null ? stack1 : "")
    + "Params {\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(lookupProperty(depth0,"params"),"length"),{"name":"if","hash":{},"fn":container.program(5, data, 0),"inverse":container.program(7, data, 0),"data":data,"loc":{"start":{"line":32,"column":0},"end":{"line":41,"column":7}}})) != null ? stack1 : "")
    + "}\n\n/**\n * The message for one request: routing key and AMQP properties, as KrakenD builds them. Each\n * value the request controls is checked first: what RabbitMQ would refuse is a 400 here.\n */\nexport function build"
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":48,"column":23},"end":{"line":48,"column":31}} ), depth0)) != null ? stack1 : "")
    + "Message(params: "
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":48,"column":51},"end":{"line":48,"column":59}} ), depth0)) != null ? stack1 : "")
    + "Params, request: IncomingMessage): Outgoing | RequestError {\n"
    + ((stack1 = lookupProperty(helpers,"unless").call(alias3,lookupProperty(depth0,"usesParams"),{"name":"unless","hash":{},"fn":container.program(8, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":49,"column":0},"end":{"line":51,"column":11}}})) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"each").call(alias3,lookupProperty(depth0,"checks"),{"name":"each","hash":{},"fn":container.program(9, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":52,"column":0},"end":{"line":55,"column":9}}})) != null ? stack1 : "")
    + "  const options: PublishOptions = {\n"
    + ((stack1 = lookupProperty(helpers,"each").call(alias3,lookupProperty(depth0,"options"),{"name":"each","hash":{},"fn":container.program(10, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":57,"column":0},"end":{"line":59,"column":9}}})) != null ? stack1 : "")
    + "  };\n  return { "
    + ((stack1 = alias2(alias1(depth0, "routingKeyExpr", {"start":{"line":61,"column":13},"end":{"line":61,"column":27}} ), depth0)) != null ? stack1 : "")
    + ", options };\n}\n\n/** Request headers copied into the message (plus X-Forwarded-For, X-Forwarded-Host, User-Agent). */\nconst INPUT_HEADERS: \"*\" | readonly string[] = "
    + ((stack1 = alias2(alias1(depth0, "inputHeaders", {"start":{"line":65,"column":49},"end":{"line":65,"column":61}} ), depth0)) != null ? stack1 : "")
    + ";\nconst FORWARDED_HEADERS = headerSelection(INPUT_HEADERS);\n\n"
    + ((stack1 = lookupProperty(helpers,"each").call(alias3,lookupProperty(depth0,"botDetectors"),{"name":"each","hash":{},"fn":container.program(11, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":68,"column":0},"end":{"line":79,"column":9}}})) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"jwt"),{"name":"if","hash":{},"fn":container.program(13, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":80,"column":0},"end":{"line":91,"column":7}}})) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"rateLimit"),{"name":"if","hash":{},"fn":container.program(14, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":92,"column":0},"end":{"line":103,"column":7}}})) != null ? stack1 : "")
    + "/** `"
    + ((stack1 = alias2(alias1(depth0, "commentPath", {"start":{"line":104,"column":7},"end":{"line":104,"column":18}} ), depth0)) != null ? stack1 : "")
    + "` → exchange `"
    + ((stack1 = alias2(alias1(depth0, "commentExchange", {"start":{"line":104,"column":36},"end":{"line":104,"column":51}} ), depth0)) != null ? stack1 : "")
    + "`. */\nexport const "
    + ((stack1 = alias2(alias1(depth0, "id", {"start":{"line":105,"column":15},"end":{"line":105,"column":17}} ), depth0)) != null ? stack1 : "")
    + ": Route = {\n"
    + ((stack1 = container.invokePartial(lookupProperty(partials,"route-info"),depth0,{"name":"route-info","data":data,"helpers":helpers,"partials":partials,"decorators":container.decorators})) != null ? stack1 : "")
    + "  inputHeaders: INPUT_HEADERS,\n  hasBodySchema: "
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"body"),{"name":"if","hash":{},"fn":container.program(15, data, 0),"inverse":container.program(16, data, 0),"data":data,"loc":{"start":{"line":108,"column":17},"end":{"line":108,"column":53}}})) != null ? stack1 : "")
    + ",\n"
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"replyTimeoutMs"),{"name":"if","hash":{},"fn":container.program(17, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":109,"column":0},"end":{"line":111,"column":7}}})) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"isBot"),{"name":"if","hash":{},"fn":container.program(18, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":112,"column":0},"end":{"line":114,"column":7}}})) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"jwt"),{"name":"if","hash":{},"fn":container.program(19, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":115,"column":0},"end":{"line":117,"column":7}}})) != null ? stack1 : "")
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"rateLimit"),{"name":"if","hash":{},"fn":container.program(20, data, 0),"inverse":container.noop,"data":data,"loc":{"start":{"line":118,"column":0},"end":{"line":120,"column":7}}})) != null ? stack1 : "")
    + "  prepare: (segments, request) => build"
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":121,"column":41},"end":{"line":121,"column":49}} ), depth0)) != null ? stack1 : "")
    + "Message(extract"
    + ((stack1 = alias2(alias1(depth0, "typeName", {"start":{"line":121,"column":68},"end":{"line":121,"column":76}} ), depth0)) != null ? stack1 : "")
    + "Params(segments), request),\n  validateBody: "
    + ((stack1 = lookupProperty(helpers,"if").call(alias3,lookupProperty(depth0,"body"),{"name":"if","hash":{},"fn":container.program(21, data, 0),"inverse":container.program(22, data, 0),"data":data,"loc":{"start":{"line":122,"column":16},"end":{"line":122,"column":65}}})) != null ? stack1 : "")
    + ",\n};\n";
},"usePartial":true,"useData":true},
};
