// End to end against a real RabbitMQ: generate() each config, import the generated index.ts,
// serve it with node:http, send requests with fetch, and read the messages back from the
// declared queues. Covers spec parts A2–A5 and B1–B8 (shared/spec/producer-semantics.md).
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672. Without it every test is skipped with
// one message, unless CI is set, in which case every test fails.
import { readFileSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  AMQP_URL,
  ROOT,
  TestBroker,
  assertForwardedHeaders,
  assertMessage,
  assertTimestamp,
  canonical,
  collectingLogger,
  generateAndImport,
  probeBroker,
  rawRequest,
  sleep,
  topologyOf,
  type CollectingLogger,
  type GenPublisher,
  type GenPublisherOptions,
  type Generated,
  brokerTests,
  TEST_TIMEOUT_MS,
  withTimeout,
} from "./helpers/broker.js";

const CLIENT_UA = "e2e-client/1.0";
const SHOWCASE = "fixtures/showcase/krakend.json";
const FIELDS = "fixtures/e2e-fields/krakend.json";
const LIFECYCLE = "fixtures/e2e-lifecycle/krakend.json";

// ---------------------------------------------------------------------------------------------
// Set-up: broker probe, generation, publishers and HTTP servers
// ---------------------------------------------------------------------------------------------

interface Env {
  readonly gen: Generated;
  readonly publisher: GenPublisher;
  readonly logger: CollectingLogger;
  readonly port: number;
  readonly queues: string[];
  readonly exchanges: string[];
}

const servers: Server[] = [];
const publishers: GenPublisher[] = [];

async function listen(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function startPublisher(
  gen: Generated,
  options: Omit<GenPublisherOptions, "logger"> & { logger?: CollectingLogger } = {},
): { publisher: GenPublisher; logger: CollectingLogger } {
  const logger = options.logger ?? collectingLogger();
  const publisher = gen.mod.createPublisher({ url: AMQP_URL, ...options, logger });
  publishers.push(publisher);
  return { publisher, logger };
}

async function startEnv(gen: Generated): Promise<Env> {
  const { publisher, logger } = startPublisher(gen);
  await withTimeout(publisher.ready(), TEST_TIMEOUT_MS, "publisher.ready()");
  const port = await listen(gen.mod.createRequestListener(publisher));
  return { gen, publisher, logger, port, ...topologyOf(gen.mod) };
}

const probe = await probeBroker();
const skipAll = probe instanceof Error && !process.env["CI"];
let setupError: Error | null = null;
let broker!: TestBroker;
let showcase!: Env;
let fields!: Env;
let lifecycle!: Generated;
/** A second listener on the showcase publisher, with a 16-byte body limit. */
let limitedPort = 0;
const cleanup = { queues: [] as string[], exchanges: [] as string[] };

if (probe instanceof Error) {
  if (skipAll) console.log(`SKIPPED: no RabbitMQ at 127.0.0.1:5672 (${probe.message}); every e2e test is skipped`);
  else setupError = new Error(`no RabbitMQ at 127.0.0.1:5672 and CI is set: ${probe.message}`);
} else {
  try {
    broker = await TestBroker.open(probe);
    // The showcase itself, with its names moved under amqpgen.e2e. so no other test collides.
    const showcaseText = readFileSync(join(ROOT, SHOWCASE), "utf8").replaceAll('"amqpgen.showcase.', '"amqpgen.e2e.showcase.');
    const showcaseGen = await generateAndImport("showcase", showcaseText, SHOWCASE);
    const fieldsGen = await generateAndImport("fields", readFileSync(join(ROOT, FIELDS), "utf8"), FIELDS);
    lifecycle = await generateAndImport("lifecycle", readFileSync(join(ROOT, LIFECYCLE), "utf8"), LIFECYCLE);
    for (const g of [showcaseGen, fieldsGen, lifecycle]) {
      const t = topologyOf(g.mod);
      for (const name of [...t.queues, ...t.exchanges]) {
        if (!name.startsWith("amqpgen.e2e.")) throw new Error(`e2e names must start with amqpgen.e2e.: ${name}`);
      }
      cleanup.queues.push(...t.queues);
      cleanup.exchanges.push(...t.exchanges);
    }
    // Leftovers of an aborted run could have other flags: start from nothing.
    await broker.remove(cleanup.queues, cleanup.exchanges);
    showcase = await startEnv(showcaseGen);
    limitedPort = await listen(showcaseGen.mod.createRequestListener(showcase.publisher, { maxBodyBytes: 16 }));
    fields = await startEnv(fieldsGen);
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
}

/** Registers a broker test (see brokerTests). */
const t = brokerTests(skipAll, () => setupError);

test.before.each(async () => {
  if (skipAll || setupError) return;
  await broker.purge([...showcase.queues, ...fields.queues]);
});

test.after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  for (const p of publishers) await p.close().catch(() => undefined);
  if (broker) {
    await broker.remove(cleanup.queues, cleanup.exchanges);
    await broker.close();
  } else if (!(probe instanceof Error)) {
    await probe.close().catch(() => undefined);
  }
});

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function call(port: number, method: string, path: string, init: { body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<Reply> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { "User-Agent": CLIENT_UA, ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : new Uint8Array(init.body) }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** KrakenD's success answer (A5): 200, X-Krakend-Completed: false, the output_encoding body. */
function assertSuccess(reply: Reply, body: string): void {
  assert.is(reply.status, 200, `status 200 (body ${reply.text})`);
  assert.is(reply.headers.get("x-krakend-completed"), "false", "X-Krakend-Completed: false");
  assert.is(reply.text, body, "success body");
}

/** B4: a short JSON `{ "error": ... }` body. */
function assertError(reply: Reply | { status: number; body: string; headers: unknown }, status: number): string {
  const text = "text" in reply ? reply.text : reply.body;
  assert.is(reply.status, status, `status ${status} (body ${text})`);
  const parsed = JSON.parse(text) as unknown;
  assert.type(parsed, "object");
  const error = (parsed as { error?: unknown }).error;
  assert.type(error, "string", `JSON { "error": string }: ${text}`);
  assert.ok((error as string).length > 0);
  assert.not.ok(text.includes("guest"), "the error never echoes credentials");
  return error as string;
}

const host = (port: number) => `127.0.0.1:${port}`;
const SQ = (name: string) => `amqpgen.e2e.showcase.${name}`;
const FQ = (name: string) => `amqpgen.e2e.fields.${name}`;
const LQ = (name: string) => `amqpgen.e2e.lifecycle.${name}`;

function diagnosticsOf(gen: Generated, code: string): { severity: string; pointer: string }[] {
  return gen.diagnostics.filter((d) => d.code === code).map((d) => ({ severity: d.severity, pointer: d.pointer }));
}

const producerPointer = (endpoint: number, field: string) => `/endpoints/${endpoint}/backend/0/extra_config/backend~1amqp~1producer/${field}`;

// ---------------------------------------------------------------------------------------------
// Every route kind of the showcase
// ---------------------------------------------------------------------------------------------

t("showcase POST /orders/{region}/{id}: schema-checked JSON body, param routing key, msg_id_key, input_headers, persistent", async () => {
  const body = '{ "sku": "A-1",\n  "quantity": 2 }';
  const reply = await call(showcase.port, "POST", "/orders/eu/42", {
    body,
    headers: { "Content-Type": "application/json", "X-Request-Id": "req-7", "X-Other": "not forwarded" },
  });
  assertSuccess(reply, "null");
  assertMessage(await broker.takeOnly(SQ("orders")), {
    exchange: SQ("orders"),
    routingKey: "eu",
    body: Buffer.from(body),
    contentType: "application/json",
    persistent: true,
    messageId: "42",
    headers: { "Content-Type": ["application/json"], "X-Request-Id": ["req-7"] },
    host: host(showcase.port),
    clientUserAgent: CLIENT_UA,
  });
  // The cancellations queue shares the exchange but is bound to "orders.cancelled" only.
  await broker.expectEmpty(SQ("cancellations"), 0);
});

t("showcase DELETE /orders/{region}/{id}: no-op body, static key reaches both queues bound to the exchange", async () => {
  const reply = await call(showcase.port, "DELETE", "/orders/us/77");
  assertSuccess(reply, "");
  const expected = {
    exchange: SQ("orders"),
    routingKey: "orders.cancelled",
    body: Buffer.alloc(0),
    persistent: true,
    messageId: "77",
    headers: {},
    host: host(showcase.port),
    clientUserAgent: CLIENT_UA,
  };
  assertMessage(await broker.takeOnly(SQ("cancellations")), expected);
  assertMessage(await broker.takeOnly(SQ("orders")), expected); // bound with "#"
});

t("doc mapping POST /produce/{a}/{b}/{id}/{prio}/{route}: exp_key A, reply_to_key B, msg_id_key Id, priority_key Prio, routing_key Route", async () => {
  const reply = await call(showcase.port, "POST", "/produce/60000/reply.queue/msg-1/7/eu.orders.created", {
    body: "hello",
    headers: { "Content-Type": "text/plain" },
  });
  assertSuccess(reply, "null");
  assertMessage(await broker.takeOnly(SQ("produce")), {
    exchange: SQ("produce"),
    routingKey: "eu.orders.created",
    body: Buffer.from("hello"),
    contentType: "text/plain",
    persistent: true,
    expiration: "60000",
    replyTo: "reply.queue",
    messageId: "msg-1",
    priority: 7,
    headers: { "Content-Type": ["text/plain"] },
    host: host(showcase.port),
    clientUserAgent: CLIENT_UA,
  });
});

t(
  "showcase PUT /events/{kind}: json-collection body, listed input_headers only (canonical names, repeated values), static wildcard key, transient",
  async () => {
    const reply = await rawRequest(
      showcase.port,
      "PUT",
      "/events/click",
      {
        "content-type": "application/x-ndjson",
        "x-request-id": "evt-1",
        "x-event-source": ["one", "two"],
        "x-not-listed": "v",
        authorization: "Bearer not-forwarded",
        "user-agent": CLIENT_UA,
        "content-length": "3",
      },
      Buffer.from("e\n\n"),
    );
    assert.is(reply.status, 200);
    assert.is(reply.headers["x-krakend-completed"], "false");
    assert.is(reply.body, "[]");
    const message = await broker.takeOnly(SQ("events"));
    const { fields: f, properties: p, content } = message;
    assert.ok(content.equals(Buffer.from("e\n\n")), "body bytes");
    assert.is(f.exchange, SQ("events"));
    assert.is(f.routingKey, "events.#");
    assert.is(p.contentType, "application/x-ndjson");
    assert.ok(p.deliveryMode === undefined || p.deliveryMode === 1, "transient: the exchange is not durable");
    for (const unset of ["priority", "expiration", "replyTo", "messageId"] as const) assert.is(p[unset], undefined, unset);
    assertTimestamp(p.timestamp);
    assertForwardedHeaders(p.headers, host(showcase.port));
    const h = p.headers as Record<string, unknown>;
    const gateway = ["User-Agent", "X-Forwarded-For", "X-Forwarded-Host"];
    assert.equal(
      Object.keys(h).sort(),
      [...gateway, "Content-Type", "X-Event-Source", "X-Request-Id"].sort(),
      "the listed headers and the gateway's, nothing else",
    );
    assert.equal(h["X-Request-Id"], ["evt-1"]);
    assert.equal(h["X-Event-Source"], ["one", "two"], "a repeated header keeps every value");
    assert.equal(h["Content-Type"], ["application/x-ndjson"]);
  },
);

t("input_headers *: every request header, under canonical names, repeated values kept", async () => {
  const reply = await rawRequest(
    fields.port,
    "PUT",
    "/fields/wildcard/click",
    {
      "content-type": "application/x-ndjson",
      "x-request-id": "evt-1",
      "x-multi": ["one", "two"],
      "x-lower-case-name": "v",
      "user-agent": CLIENT_UA,
      "content-length": "3",
    },
    Buffer.from("e\n\n"),
  );
  assert.is(reply.status, 200);
  assert.is(reply.body, "[]");
  const { fields: f, properties: p } = await broker.takeOnly(FQ("wildcard"));
  assert.is(f.routingKey, "events.#");
  assert.is(p.contentType, "application/x-ndjson");
  assertForwardedHeaders(p.headers, host(fields.port));
  const h = p.headers as Record<string, unknown>;
  assert.equal(h["X-Request-Id"], ["evt-1"]);
  assert.equal(h["X-Multi"], ["one", "two"], "a repeated header keeps every value");
  assert.equal(h["X-Lower-Case-Name"], ["v"]);
  assert.equal(h["Content-Type"], ["application/x-ndjson"]);
  for (const name of Object.keys(h)) assert.is(name, canonical(name));
});

t("showcase GET /ping/{route}: string encoding (empty answer), empty body, no content type, only the three gateway headers", async () => {
  const reply = await call(showcase.port, "GET", "/ping/health.check", { headers: { "X-Other": "x" } });
  assertSuccess(reply, "");
  assertMessage(await broker.takeOnly(SQ("pings")), {
    exchange: SQ("pings"),
    routingKey: "health.check",
    body: Buffer.alloc(0),
    persistent: false,
    headers: {},
    host: host(showcase.port),
    clientUserAgent: CLIENT_UA,
  });
});

t("binary body: every byte value arrives untouched", async () => {
  const bytes = Buffer.alloc(512);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3) % 256;
  bytes[0] = 0;
  bytes[1] = 0xff;
  const reply = await call(showcase.port, "POST", "/produce/1000/r/m-bin/1/bin", {
    body: bytes,
    headers: { "Content-Type": "application/octet-stream" },
  });
  assertSuccess(reply, "null");
  assertMessage(await broker.takeOnly(SQ("produce")), {
    exchange: SQ("produce"),
    routingKey: "bin",
    body: bytes,
    contentType: "application/octet-stream",
    persistent: true,
    expiration: "1000",
    replyTo: "r",
    messageId: "m-bin",
    priority: 1,
    headers: { "Content-Type": ["application/octet-stream"] },
    host: host(showcase.port),
    clientUserAgent: CLIENT_UA,
  });
});

t("input_headers unset: only Content-Type is forwarded (plus X-Forwarded-For, X-Forwarded-Host, User-Agent)", async () => {
  const reply = await rawRequest(
    showcase.port,
    "POST",
    "/produce/5000/rt/m-h/3/hdr",
    { "Content-Type": "text/csv", "X-Request-Id": "nope", Authorization: "Bearer secret", Cookie: "a=b", "User-Agent": CLIENT_UA, "Content-Length": "3" },
    Buffer.from("a,b"),
  );
  assert.is(reply.status, 200);
  const message = await broker.takeOnly(SQ("produce"));
  assertMessage(message, {
    exchange: SQ("produce"),
    routingKey: "hdr",
    body: Buffer.from("a,b"),
    contentType: "text/csv",
    persistent: true,
    expiration: "5000",
    replyTo: "rt",
    messageId: "m-h",
    priority: 3,
    headers: { "Content-Type": ["text/csv"] },
    host: host(showcase.port),
    clientUserAgent: CLIENT_UA,
  });
});

t("input_headers are matched case-insensitively and forwarded under canonical names; no Content-Type unless listed", async () => {
  const reply = await rawRequest(
    fields.port,
    "POST",
    "/fields/useragent/ua",
    // No User-Agent here: what happens to the client's is the next test.
    { "X-REQUEST-ID": "r-42", "Content-Type": "text/plain", "X-Other": "o", "Content-Length": "2" },
    Buffer.from("ua"),
  );
  assert.is(reply.status, 200);
  assertMessage(await broker.takeOnly(FQ("useragent")), {
    exchange: FQ("useragent"),
    routingKey: "ua",
    body: Buffer.from("ua"),
    persistent: false,
    headers: { "X-Request-Id": ["r-42"] },
    host: host(fields.port),
  });
});

// Found as a bug (forwardHeaders() always overwrote User-Agent with its own); fixed in templates/runtime/checks.ts.
t("input_headers * or listing User-Agent: the client's User-Agent is forwarded (the gateway's goes in X-Forwarded-Via)", async () => {
  for (const [port, method, path, queue] of [
    [fields.port, "PUT", "/fields/wildcard/ua", FQ("wildcard")],
    [fields.port, "POST", "/fields/useragent/ua", FQ("useragent")],
  ] as const) {
    assertSuccess(await call(port, method, path, { body: "u" }), method === "PUT" ? "[]" : "null");
    const h = (await broker.takeOnly(queue)).properties.headers as Record<string, unknown>;
    assert.equal(h["User-Agent"], [CLIENT_UA], `${method} ${path}: the client's User-Agent`);
    const via = h["X-Forwarded-Via"];
    assert.ok(Array.isArray(via) && via.length === 1 && typeof via[0] === "string" && via[0] !== CLIENT_UA, `X-Forwarded-Via: ${JSON.stringify(via)}`);
  }
  // A client without User-Agent: the gateway's own, and no X-Forwarded-Via.
  assert.is((await rawRequest(fields.port, "PUT", "/fields/wildcard/none", { "Content-Length": "1" }, Buffer.from("n"))).status, 200);
  const h = (await broker.takeOnly(FQ("wildcard"))).properties.headers as Record<string, unknown>;
  assert.is(h["X-Forwarded-Via"], undefined);
  assert.ok(Array.isArray(h["User-Agent"]) && (h["User-Agent"] as unknown[]).length === 1);
});

// ---------------------------------------------------------------------------------------------
// Spec A2: every field, and what the generated handler does with it
// ---------------------------------------------------------------------------------------------

t("A2 name: the queue is declared with the exchange's durability and bound with # for a param key", async () => {
  const q = FQ("named");
  assert.ok(await broker.queueExists(q), "queue declared");
  assert.is(await broker.attempt((ch) => ch.assertQueue(q, { durable: true })), null, "declared durable, like its exchange");
  assert.is(await broker.attempt((ch) => ch.assertQueue(q, { durable: false })), 406, "not transient");
  // Bound with "#": any key, of any number of words, reaches it.
  await broker.publish(FQ("named"), "x.y.z", Buffer.from("direct"));
  const direct = await broker.takeOnly(q);
  assert.is(direct.fields.routingKey, "x.y.z");
  const reply = await call(fields.port, "POST", "/fields/name/a.b.c", { body: "n", headers: { "Content-Type": "text/plain" } });
  assertSuccess(reply, "null");
  assertMessage(await broker.takeOnly(q), {
    exchange: FQ("named"),
    routingKey: "a.b.c",
    body: Buffer.from("n"),
    contentType: "text/plain",
    persistent: true,
    headers: { "Content-Type": ["text/plain"] },
    host: host(fields.port),
    clientUserAgent: CLIENT_UA,
  });
  // A transient exchange gets a transient queue.
  assert.is(await broker.attempt((ch) => ch.assertQueue(FQ("static"), { durable: false })), null);
  assert.is(await broker.attempt((ch) => ch.assertQueue(FQ("static"), { durable: true })), 406);
});

t("A2 exchange: declared as a topic exchange", async () => {
  for (const [name, durable, autoDelete] of [
    [FQ("named"), true, false],
    [FQ("static"), false, false],
    [FQ("autodelete"), false, true],
    [SQ("orders"), true, false],
    [SQ("events"), false, true],
  ] as const) {
    assert.ok(await broker.exchangeExists(name), `${name} exists (passive declare)`);
    assert.is(await broker.attempt((ch) => ch.assertExchange(name, "topic", { durable, autoDelete })), null, `${name} redeclared as topic`);
    assert.is(await broker.attempt((ch) => ch.assertExchange(name, "direct", { durable, autoDelete })), 406, `${name} is not direct`);
  }
  // Topic semantics: the showcase's "events.#" binding matches keys of any length under events.
  await broker.publish(SQ("events"), "events.a.b", Buffer.from("t"));
  assert.is((await broker.takeOnly(SQ("events"))).fields.routingKey, "events.a.b");
  await broker.publish(SQ("events"), "other.a", Buffer.from("t"));
  await broker.expectEmpty(SQ("events"), 0);
});

t("A2 durable: exchange and queue durability, persistent messages only on a durable exchange", async () => {
  assert.is(await broker.attempt((ch) => ch.assertExchange(FQ("named"), "topic", { durable: true, autoDelete: false })), null);
  assert.is(await broker.attempt((ch) => ch.assertExchange(FQ("named"), "topic", { durable: false, autoDelete: false })), 406);
  assert.is(await broker.attempt((ch) => ch.assertExchange(FQ("static"), "topic", { durable: false, autoDelete: false })), null);
  assert.is(await broker.attempt((ch) => ch.assertExchange(FQ("static"), "topic", { durable: true, autoDelete: false })), 406);
  assertSuccess(await call(fields.port, "POST", "/fields/name/d", { body: "1" }), "null");
  assert.is((await broker.takeOnly(FQ("named"))).properties.deliveryMode, 2, "durable: true → persistent");
  assertSuccess(await call(fields.port, "POST", "/fields/static", { body: "1" }), "null");
  const dm = (await broker.takeOnly(FQ("static"))).properties.deliveryMode as unknown;
  assert.ok(dm === undefined || dm === 1, `durable: false → transient (deliveryMode ${String(dm)})`);
  const route = fields.gen.mod.routes.find((r) => r.path === "/fields/name/{key}");
  assert.equal([route?.exchange.durable, route?.queue?.durable, route?.persistent], [true, true, true]);
});

t("A2 delete: the exchange is declared auto-delete (and only that one)", async () => {
  assert.is(await broker.attempt((ch) => ch.assertExchange(FQ("autodelete"), "topic", { durable: false, autoDelete: true })), null);
  assert.is(await broker.attempt((ch) => ch.assertExchange(FQ("autodelete"), "topic", { durable: false, autoDelete: false })), 406);
  assert.is(await broker.attempt((ch) => ch.assertExchange(FQ("static"), "topic", { durable: false, autoDelete: true })), 406);
  assertSuccess(await call(fields.port, "POST", "/fields/autodelete/k", { body: "ad" }), "null");
  assert.is((await broker.takeOnly(FQ("autodelete"))).fields.exchange, FQ("autodelete"));
});

t("A2 delete: an auto-delete exchange disappears once its last binding goes; a durable one stays", async () => {
  await broker.remove([LQ("mandatory"), LQ("autodelete")], [LQ("mandatory"), LQ("autodelete")]);
  const { publisher } = startPublisher(lifecycle);
  await publisher.ready();
  const port = await listen(lifecycle.mod.createRequestListener(publisher));
  assertSuccess(await call(port, "POST", "/autodelete/k", { body: "x" }), "null");
  assert.is((await broker.takeOnly(LQ("autodelete"))).fields.routingKey, "k");
  await publisher.close();
  assert.ok(await broker.exchangeExists(LQ("autodelete")));
  assert.is(await broker.attempt((ch) => ch.unbindQueue(LQ("autodelete"), LQ("autodelete"), "#")), null, "bound with #");
  assert.not.ok(await broker.exchangeExists(LQ("autodelete")), "auto-deleted with its last binding");
  assert.is(await broker.attempt((ch) => ch.unbindQueue(LQ("mandatory"), LQ("mandatory"), "#")), null);
  assert.ok(await broker.exchangeExists(LQ("mandatory")), "delete: false keeps the exchange");
});

t("A2 exclusive: true is not applied as internal (publishing works) and warns AG204", async () => {
  assert.equal(diagnosticsOf(fields.gen, "AG204"), [{ severity: "warning", pointer: producerPointer(3, "exclusive") }]);
  assert.is(await broker.attempt((ch) => ch.assertExchange(FQ("exclusive"), "topic", { durable: false, autoDelete: false, internal: false })), null);
  assert.is(await broker.attempt((ch) => ch.assertExchange(FQ("exclusive"), "topic", { durable: false, autoDelete: false, internal: true })), 406);
  const reply = await call(fields.port, "POST", "/fields/exclusive/ex.key", { body: "e" });
  assertSuccess(reply, "null");
  const m = await broker.takeOnly(FQ("exclusive"));
  assert.is(m.fields.routingKey, "ex.key");
  assert.ok(m.content.equals(Buffer.from("e")));
  assert.is(await broker.attempt((ch) => ch.assertQueue(FQ("exclusive"), { durable: false, exclusive: false })), null, "the queue is not exclusive either");
});

t("A2 no_wait: ignored (declarations are awaited), info AG219", async () => {
  assert.equal(diagnosticsOf(fields.gen, "AG219"), [{ severity: "info", pointer: producerPointer(4, "no_wait") }]);
  assert.ok(await broker.exchangeExists(FQ("nowait")));
  assert.ok(await broker.queueExists(FQ("nowait")));
  assertSuccess(await call(fields.port, "POST", "/fields/nowait/nw", { body: "w" }), "null");
  const m = await broker.takeOnly(FQ("nowait"));
  assert.equal([m.fields.exchange, m.fields.routingKey, m.content.toString()], [FQ("nowait"), "nw", "w"]);
});

t("A2 routing_key + static_routing_key: a literal key, and the queue bound with exactly that key", async () => {
  const reply = await call(fields.port, "POST", "/fields/static", { body: "{}", headers: { "Content-Type": "application/json" } });
  assertSuccess(reply, "null");
  assertMessage(await broker.takeOnly(FQ("static")), {
    exchange: FQ("static"),
    routingKey: "orders.created",
    body: Buffer.from("{}"),
    contentType: "application/json",
    persistent: false,
    headers: { "Content-Type": ["application/json"] },
    host: host(fields.port),
    clientUserAgent: CLIENT_UA,
  });
  await broker.publish(FQ("static"), "orders.other", Buffer.from("no"));
  await broker.expectEmpty(FQ("static"), 0);
  await broker.publish(FQ("static"), "orders.created", Buffer.from("yes"));
  assert.is((await broker.takeOnly(FQ("static"))).content.toString(), "yes");
  const route = fields.gen.mod.routes.find((r) => r.path === "/fields/static");
  assert.is(route?.queue?.bindingKey, "orders.created");
});

t("A2 routing_key as a literal without static_routing_key: published with the EMPTY key, warning AG202", async () => {
  assert.equal(diagnosticsOf(fields.gen, "AG202"), [{ severity: "warning", pointer: producerPointer(2, "routing_key") }]);
  assertSuccess(await call(fields.port, "POST", "/fields/literal", { body: "lit" }), "null");
  const m = await broker.takeOnly(FQ("literal")); // bound with "#", which matches the empty key
  assert.equal([m.fields.exchange, m.fields.routingKey, m.content.toString()], [FQ("literal"), "", "lit"]);
});

t("A2 mandatory: unroutable → 502 and a log line; with a bound queue → 200", async () => {
  await broker.remove([LQ("mandatory"), LQ("autodelete")], [LQ("mandatory"), LQ("autodelete")]);
  // declareQueues: false — KrakenD's exchange-only topology: nothing is bound.
  const a = startPublisher(lifecycle, { declareQueues: false });
  await a.publisher.ready();
  const portA = await listen(lifecycle.mod.createRequestListener(a.publisher));
  assert.ok(await broker.exchangeExists(LQ("mandatory")), "the exchange is declared");
  assert.not.ok(await broker.queueExists(LQ("mandatory")), "no queue declared");
  const before = a.logger.lines.length;
  const refused = await call(portA, "POST", "/mandatory/k1", { body: "m1" });
  assertError(refused, 502);
  const logged = a.logger.lines.slice(before);
  assert.ok(
    logged.some((l) => l.level !== "info" && l.message.includes(LQ("mandatory"))),
    `a warning names the exchange: ${JSON.stringify(logged)}`,
  );
  // The connection is fine: the next unroutable message gets the same answer, not a 503.
  assertError(await call(portA, "POST", "/mandatory/k2", { body: "m2" }), 502);
  // Without mandatory an unroutable message is dropped by the broker, as with KrakenD: 200.
  assertSuccess(await call(portA, "POST", "/autodelete/k", { body: "dropped" }), "null");
  await a.publisher.close();

  const b = startPublisher(lifecycle);
  await b.publisher.ready();
  const portB = await listen(lifecycle.mod.createRequestListener(b.publisher));
  assertSuccess(await call(portB, "POST", "/mandatory/k3", { body: "m3" }), "null");
  const m = await broker.takeOnly(LQ("mandatory"));
  assert.equal([m.fields.exchange, m.fields.routingKey, m.content.toString()], [LQ("mandatory"), "k3", "m3"]);
  assert.not.ok(
    b.logger.lines.some((l) => l.level !== "info"),
    JSON.stringify(b.logger.lines),
  );
  await b.publisher.close();
});

t("A2 immediate: true is never sent — the request succeeds, the connection stays open, warning AG203", async () => {
  assert.equal(diagnosticsOf(fields.gen, "AG203"), [{ severity: "warning", pointer: producerPointer(5, "immediate") }]);
  const before = fields.logger.lines.length;
  for (const key of ["i1", "i2", "i3"]) {
    assertSuccess(await call(fields.port, "POST", `/fields/immediate/${key}`, { body: key }), "null");
    const m = await broker.takeOnly(FQ("immediate"));
    assert.equal([m.fields.routingKey, m.content.toString()], [key, key]);
  }
  await sleep(100);
  const logged = fields.logger.lines.slice(before);
  assert.equal(logged, [], "no connection error, no reconnect");
  // Other routes on the same connection still work.
  assertSuccess(await call(fields.port, "POST", "/fields/name/after", { body: "a" }), "null");
  assert.is((await broker.takeOnly(FQ("named"))).fields.routingKey, "after");
});

t("A2 exp_key, reply_to_key, msg_id_key, priority_key: priority 0 and 255 accepted; 256, x, -1 and expiration abc → 400", async () => {
  for (const prio of [0, 255]) {
    assertSuccess(await call(showcase.port, "POST", `/produce/30000/rq/id-${prio}/${prio}/p`, { body: "p" }), "null");
    const m = await broker.takeOnly(SQ("produce"));
    assert.is(m.properties.priority, prio);
    assert.equal([m.properties.expiration, m.properties.replyTo, m.properties.messageId], ["30000", "rq", `id-${prio}`]);
  }
  for (const path of [
    "/produce/30000/rq/id/256/p",
    "/produce/30000/rq/id/x/p",
    "/produce/30000/rq/id/-1/p",
    "/produce/abc/rq/id/1/p",
    "/produce/-5/rq/id/1/p",
  ]) {
    const error = assertError(await call(showcase.port, "POST", path, { body: "bad" }), 400);
    assert.ok(/priority|expiration/.test(error), `${path}: ${error}`);
  }
  await broker.expectEmpty(SQ("produce"));
});

t("A2 max_retries / backoff_strategy: carried into the generated brokers metadata, credentials removed", async () => {
  assert.equal(fields.gen.mod.brokers, [{ urls: ["amqp://127.0.0.1:5672"], maxRetries: 5, backoff: "linear" }]);
  assert.equal(showcase.gen.mod.brokers, [{ urls: ["amqp://127.0.0.1:5672"], maxRetries: 0, backoff: "exponential-jitter" }]);
  assert.equal(lifecycle.mod.brokers, [{ urls: ["amqp://127.0.0.1:5672"], maxRetries: 3, backoff: "fallback" }]);
  for (const g of [fields.gen, showcase.gen, lifecycle]) {
    for (const f of ["index.ts", "runtime/publisher.ts"]) {
      assert.not.ok(readFileSync(join(g.dir, f), "utf8").includes("guest:guest"), `${f} holds no credentials`);
    }
  }
});

t("A2 backoff_strategy: backoffDelayMs follows KrakenD (linear n s, exponential 2^n s, jitter ±33 %, else 1 s)", async () => {
  const { backoffDelayMs } = fields.gen.runtime;
  for (const n of [1, 2, 3, 5]) {
    assert.is(backoffDelayMs("linear", n), n * 1000);
    assert.is(backoffDelayMs("exponential", n), 2 ** n * 1000);
    assert.is(backoffDelayMs("fallback", n), 1000);
    // A strategy KrakenD does not know (the schema lets none through; the runtime is lenient anyway).
    assert.is(backoffDelayMs("no-such-strategy" as Parameters<typeof backoffDelayMs>[0], n), 1000);
    for (const [strategy, base] of [
      ["linear-jitter", n * 1000],
      ["exponential-jitter", 2 ** n * 1000],
    ] as const) {
      assert.ok(Math.abs(backoffDelayMs(strategy, n, () => 0) - (base * 2) / 3) < 1e-6, `${strategy} low end`);
      assert.ok(Math.abs(backoffDelayMs(strategy, n, () => 0.5) - base) < 1e-6, `${strategy} middle`);
      assert.ok(Math.abs(backoffDelayMs(strategy, n, () => 0.999999) - (base * 4) / 3) < 1, `${strategy} high end`);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelayMs(strategy, n);
        assert.ok(d >= (base * 2) / 3 - 1e-6 && d <= (base * 4) / 3 + 1e-6, `${strategy}(${n}) = ${d} within ±33 % of ${base}`);
      }
    }
  }
});

t("A2 max_retries: the runtime gives up after max_retries connection attempts, logging redacted URLs", async () => {
  const logger = collectingLogger();
  const { publisher } = startPublisher(lifecycle, { url: "amqp://guest:guest@127.0.0.1:1", logger });
  const started = Date.now();
  let rejected: unknown = null;
  await publisher.ready().catch((err: unknown) => (rejected = err));
  const elapsed = Date.now() - started;
  await publisher.close();
  assert.ok(rejected instanceof Error, "ready() rejects once it gives up");
  const attempts = logger.lines.filter((l) => l.message.startsWith("cannot connect to"));
  assert.is(attempts.length, 3, `3 attempts (max_retries 3): ${JSON.stringify(logger.lines)}`);
  assert.ok(logger.lines.some((l) => l.level === "error" && l.message.includes("max_retries 3")));
  assert.ok(elapsed >= 900 && elapsed < 5000, `the fallback strategy waits 1 s between attempts (took ${elapsed} ms)`);
  for (const l of logger.lines) assert.not.ok(l.message.includes(":guest@"), `redacted: ${l.message}`);
});

t("A2 prefetch_count / prefetch_size / no_local: accepted, info AG214, no effect on the message", async () => {
  assert.equal(diagnosticsOf(fields.gen, "AG214"), [
    { severity: "info", pointer: producerPointer(6, "prefetch_count") },
    { severity: "info", pointer: producerPointer(6, "prefetch_size") },
    { severity: "info", pointer: producerPointer(6, "no_local") },
  ]);
  assertSuccess(await call(fields.port, "POST", "/fields/consumer/c.k", { body: "cons", headers: { "Content-Type": "text/plain" } }), "null");
  assertMessage(await broker.takeOnly(FQ("consumer")), {
    exchange: FQ("consumer"),
    routingKey: "c.k",
    body: Buffer.from("cons"),
    contentType: "text/plain",
    persistent: false,
    headers: { "Content-Type": ["text/plain"] },
    host: host(fields.port),
    clientUserAgent: CLIENT_UA,
  });
});

t("fields config: exactly the expected diagnostics, no errors", async () => {
  const codes = fields.gen.diagnostics.map((d) => `${d.code}:${d.severity}`).sort();
  assert.equal(codes, ["AG202:warning", "AG203:warning", "AG204:warning", "AG214:info", "AG214:info", "AG214:info", "AG219:info", "AG226:warning"]);
});

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

t("HTTP 404: unknown paths, and endpoints that are not AMQP producers", async () => {
  for (const path of ["/nope", "/orders/eu", "/orders/eu/1/extra", "/users/1", "/ping/", "/"]) {
    assertError(await call(showcase.port, "GET", path), 404);
  }
  await broker.expectEmpty(SQ("pings"), 0);
});

t("HTTP 405: known path, other method, with an Allow header", async () => {
  const a = await call(showcase.port, "GET", "/orders/eu/1");
  assertError(a, 405);
  assert.is(a.headers.get("allow"), "DELETE, POST");
  const b = await call(showcase.port, "POST", "/ping/x", { body: "b" });
  assertError(b, 405);
  assert.is(b.headers.get("allow"), "GET");
  await broker.expectEmpty(SQ("pings"));
  await broker.expectEmpty(SQ("orders"), 0);
});

t("HTTP 400: a path param that is not valid percent-encoding; nothing published", async () => {
  for (const path of ["/ping/%ZZ", "/ping/a%2", "/ping/%E0%A4%A"]) {
    assertError(await call(showcase.port, "GET", path), 400);
  }
  await broker.expectEmpty(SQ("pings"));
});

t("HTTP 400: a routing key, reply-to or message id over AMQP's 255-byte short string; nothing published", async () => {
  const long = "k".repeat(256);
  for (const path of [`/ping/${long}`, `/produce/1/${long}/id/1/k`, `/produce/1/r/${long}/1/k`, `/produce/1/r/id/1/${"%C3%A9".repeat(128)}`]) {
    assertError(await call(showcase.port, path.startsWith("/ping") ? "GET" : "POST", path, path.startsWith("/ping") ? {} : { body: "x" }), 400);
  }
  await broker.expectEmpty(SQ("pings"), 0);
  await broker.expectEmpty(SQ("produce"));
  assertSuccess(await call(showcase.port, "GET", `/ping/${"k".repeat(255)}`), "");
  assert.is((await broker.takeOnly(SQ("pings"))).fields.routingKey, "k".repeat(255));
});

t("HTTP: params are percent-decoded into the routing key; query strings are ignored", async () => {
  assertSuccess(await call(showcase.port, "GET", "/ping/a%2Eb"), "");
  assert.is((await broker.takeOnly(SQ("pings"))).fields.routingKey, "a.b");
  assertSuccess(await call(showcase.port, "GET", "/ping/caf%C3%A9%20x"), "");
  assert.is((await broker.takeOnly(SQ("pings"))).fields.routingKey, "café x");
  assertSuccess(await call(showcase.port, "GET", "/ping/q?route=other&x=%ZZ"), "");
  const m = await broker.takeOnly(SQ("pings"));
  assert.is(m.fields.routingKey, "q");
  assert.is(m.content.length, 0);
});

t("HTTP: body failing validation/json-schema → 400, non-JSON → 400, nothing published; valid → 200", async () => {
  const headers = { "Content-Type": "application/json" };
  for (const body of [
    '{"sku":"A-1"}',
    '{"sku":"","quantity":1}',
    '{"sku":"A","quantity":0}',
    '{"sku":"A","quantity":1.5}',
    '{"sku":"A","quantity":1,"x":1}',
    "[]",
  ]) {
    assertError(await call(showcase.port, "POST", "/orders/eu/1", { body, headers }), 400);
  }
  for (const body of ["sku=A&quantity=1", "", "{"]) {
    assertError(await call(showcase.port, "POST", "/orders/eu/1", { body, headers }), 400);
  }
  await broker.expectEmpty(SQ("orders"));
  const valid = '{"sku":"A","quantity":1,"note":"ok"}';
  assertSuccess(await call(showcase.port, "POST", "/orders/eu/1", { body: valid, headers }), "null");
  assert.is((await broker.takeOnly(SQ("orders"))).content.toString(), valid);
});

t("HTTP 413: a body over maxBodyBytes (declared or streamed) publishes nothing; at the limit → 200", async () => {
  const over = await call(limitedPort, "POST", "/produce/1000/r/id/1/big", { body: "x".repeat(17) });
  assertError(over, 413);
  const streamed = await rawRequest(limitedPort, "POST", "/produce/1000/r/id/1/big", {}, [Buffer.from("x".repeat(10)), Buffer.from("y".repeat(10))]);
  assertError(streamed, 413);
  await broker.expectEmpty(SQ("produce"));
  assertSuccess(await call(limitedPort, "POST", "/produce/1000/r/id/1/fits", { body: "z".repeat(16) }), "null");
  const m = await broker.takeOnly(SQ("produce"));
  assert.equal([m.fields.routingKey, m.content.toString()], ["fits", "z".repeat(16)]);
});

// ---------------------------------------------------------------------------------------------
// B3: a 2xx means the broker has the message
// ---------------------------------------------------------------------------------------------

t("B3: after every 200 the message is already in its queue", async () => {
  const cases: [Env, string, string, string | undefined, string[]][] = [
    [showcase, "POST", "/orders/eu/9", '{"sku":"s","quantity":3}', [SQ("orders")]],
    [showcase, "DELETE", "/orders/eu/9", undefined, [SQ("orders"), SQ("cancellations")]],
    [showcase, "POST", "/produce/9000/r/i/2/k", "p", [SQ("produce")]],
    [showcase, "PUT", "/events/e", "e", [SQ("events")]],
    [showcase, "GET", "/ping/p", undefined, [SQ("pings")]],
    [fields, "POST", "/fields/name/k", "f", [FQ("named")]],
    [fields, "POST", "/fields/static", "f", [FQ("static")]],
    [fields, "POST", "/fields/literal", "f", [FQ("literal")]],
    [fields, "POST", "/fields/exclusive/k", "f", [FQ("exclusive")]],
    [fields, "POST", "/fields/nowait/k", "f", [FQ("nowait")]],
    [fields, "POST", "/fields/immediate/k", "f", [FQ("immediate")]],
    [fields, "POST", "/fields/consumer/k", "f", [FQ("consumer")]],
    [fields, "POST", "/fields/autodelete/k", "f", [FQ("autodelete")]],
    [fields, "POST", "/fields/useragent/k", "f", [FQ("useragent")]],
    [fields, "PUT", "/fields/wildcard/k", "f", [FQ("wildcard")]],
  ];
  for (const env of [showcase, fields]) {
    for (const r of env.gen.mod.routes) {
      const pattern = new RegExp(`^${r.path.replace(/\{[^/]+\}/g, "[^/]+")}$`);
      assert.ok(
        cases.some(([e, method, path]) => e === env && method === r.method && pattern.test(path)),
        `route ${r.method} ${r.path} is covered`,
      );
    }
  }
  for (const [env, method, path, body, queues] of cases) {
    const reply = await call(env.port, method, path, body === undefined ? {} : { body, headers: { "Content-Type": "application/json" } });
    assert.is(reply.status, 200, `${method} ${path}: ${reply.text}`);
    // No polling: the confirm came before the answer, so the queue already holds the message.
    for (const q of queues) assert.is(await broker.messageCount(q), 1, `${method} ${path}: in ${q} right after the 200`);
    await broker.purge(queues);
  }
});

test.run();
