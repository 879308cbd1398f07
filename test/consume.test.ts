// templates/runtime/consume.ts on the real broker: a route's queue declared as the producer
// declares it, messages published exactly as the producer publishes them decoded into typed
// values and acked, messages that do not decode dead-lettered, handler errors requeued or
// dead-lettered, prefetch, `declare: false`, binding keys, and request-reply with `serve`.
// decodeMessage's own cases (and option errors) run without the broker.
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672. Without it the broker tests are skipped
// with one message, unless CI is set, in which case they fail.
import { randomUUID } from "node:crypto";
import {
  connect,
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type GetMessage,
  type Message,
  type MessageProperties,
  type Options,
} from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ConsumeOptions, type Consumer, consume } from "../templates/runtime/consume.js";
import { serve } from "../templates/runtime/serve.js";
import { DecodeError, type DecodedMessage, decodeMessage, type MessageShape } from "../templates/runtime/decode.js";
import type { RouteInfo } from "../templates/runtime/types.js";
import { AMQP_URL, TestBroker, brokerTests, probeBroker, sleep } from "./helpers/broker.js";

const P = "amqpgen.consume.";
const DEAD_EXCHANGE = `${P}dead`;
const DEAD_QUEUE = `${P}dead-letters`;
const DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";
const NAMES = ["orders", "forwarded", "dlx", "retry", "closed", "cancelled", "missing", "existing", "direct", "rpc", "prefetch"].map((name) => P + name);

/** A route as the generator writes one: a durable topic exchange and queue, bound with `#`. */
function routeInfo(name: string, over: Partial<RouteInfo> = {}): RouteInfo {
  return {
    id: name,
    method: "POST",
    path: `/${name}`,
    params: [],
    broker: 0,
    declare: true,
    exchange: { name: P + name, type: "topic", durable: true, autoDelete: false },
    queue: { name: P + name, durable: true, bindingKey: "#" },
    routingKey: { kind: "static", value: "orders.new" },
    mandatory: false,
    persistent: true,
    timeoutMs: 5000,
    outputEncoding: "json",
    inputHeaders: ["Content-Type", "X-Tenant"],
    hasBodySchema: true,
    ...over,
  };
}

interface Order {
  readonly sku: string;
  readonly quantity: number;
}
type Headers = Readonly<Record<string, readonly string[] | string>>;
type OrderMessage = DecodedMessage<Order, Headers>;

/** Like a generated body validator: null, or "path problem". */
function validateOrder(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "/ must be an object";
  const order = value as Record<string, unknown>;
  if (typeof order["sku"] !== "string") return "/sku must be a string";
  const quantity = order["quantity"];
  if (typeof quantity !== "number" || !Number.isInteger(quantity) || quantity < 1) return "/quantity must be >= 1";
  return null;
}

const ORDER_SHAPE: MessageShape = {
  requiredHeaders: ["X-Forwarded-For", "X-Forwarded-Host", "User-Agent"],
  optionalHeaders: ["Content-Type", "X-Tenant"],
  otherHeaders: "trace-context",
  requiredProperties: ["messageId"],
  validateBody: validateOrder,
};
const decodeOrder = (message: ConsumeMessage) => decodeMessage(message, ORDER_SHAPE) as OrderMessage | DecodeError;

/** The headers the producer always writes, as arrays of strings. */
const PRODUCER_HEADERS: Readonly<Record<string, string[]>> = {
  "X-Forwarded-For": ["127.0.0.1"],
  "X-Forwarded-Host": ["localhost:8080"],
  "User-Agent": ["amqp-gen"],
  "Content-Type": ["application/json"],
};

const order = (sku: string, quantity = 1) => JSON.stringify({ sku, quantity });

// ---------------------------------------------------------------------------------------------
// Set-up: one connection for the test's own checks and publishes, one for the consumers.

const probe = await probeBroker();
const noBroker = probe instanceof Error;
const skipAll = noBroker && !process.env["CI"];
if (skipAll) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; consume broker tests not run");

let broker: TestBroker | null = null;
let consumers: ChannelModel | null = null;
let publishing: ConfirmChannel | null = null;
let setupError: Error | null = null;

if (!skipAll) {
  try {
    if (probe instanceof Error) throw new Error(`CI is set but RabbitMQ is not available: ${probe.message}`);
    broker = await TestBroker.open(probe);
    consumers = await connect(AMQP_URL);
    consumers.on("error", () => undefined);
    publishing = await broker.model.createConfirmChannel();
    publishing.on("error", () => undefined);
    await broker.remove([...NAMES, DEAD_QUEUE], [...NAMES, DEAD_EXCHANGE]);
    // The dead-letter exchange the "dlx" and "rpc" routes' queues name, and a queue to look in.
    const failed = await broker.attempt(async (ch) => {
      await ch.assertExchange(DEAD_EXCHANGE, "fanout", { durable: false });
      await ch.assertQueue(DEAD_QUEUE, { durable: false });
      await ch.bindQueue(DEAD_QUEUE, DEAD_EXCHANGE, "");
    });
    if (failed !== null) throw new Error(`declaring the dead-letter exchange failed with ${failed}`);
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
}

const brokerTest = brokerTests(skipAll, () => setupError);

interface PublishExtra {
  /** Added to (or replacing) the producer's headers. */
  readonly headers?: Record<string, unknown>;
  /** Producer headers left out. */
  readonly without?: readonly string[];
  /** Added to (or replacing) the producer's properties; undefined leaves one out. */
  readonly properties?: Options.Publish;
  /** Another channel (the requester's, for direct reply-to); default: the test's confirm channel. */
  readonly channel?: Channel;
}

/** Publishes as the producer does (headers as arrays of strings, messageId, timestamp, persistent, content type), and waits for the confirm. */
async function publish(exchange: string, routingKey: string, body: string | Buffer, extra: PublishExtra = {}): Promise<void> {
  const headers: Record<string, unknown> = { ...PRODUCER_HEADERS, ...extra.headers };
  for (const name of extra.without ?? []) delete headers[name];
  const options: Options.Publish = {
    messageId: randomUUID(),
    timestamp: Math.floor(Date.now() / 1000),
    deliveryMode: 2,
    contentType: "application/json",
    headers,
    ...extra.properties,
  };
  const content = typeof body === "string" ? Buffer.from(body) : body;
  if (extra.channel) {
    extra.channel.publish(exchange, routingKey, content, options);
    return;
  }
  const channel = publishing as ConfirmChannel;
  await new Promise<void>((resolve, reject) => {
    channel.publish(exchange, routingKey, content, options, (err: unknown) => (err ? reject(new Error(String(err))) : resolve()));
  });
}

/** Polls until `check` holds; fails after `ms`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

async function consumerChannel(): Promise<Channel> {
  const channel = await (consumers as ChannelModel).createChannel();
  channel.on("error", () => undefined);
  return channel;
}

/**
 * Cancels the consumer (which waits for its handlers and acks) and closes its channel: any
 * message it had not acked would be back in the queue then, so an empty queue means acked.
 */
async function stop(consumer: Consumer, channel: Channel, queue: string): Promise<void> {
  await consumer.cancel();
  await channel.close();
  assert.is(await broker?.messageCount(queue), 0, `queue ${queue} is empty: every message was acked or rejected`);
}

/** Every message in the dead-letter queue now (taken). */
async function deadLetters(): Promise<GetMessage[]> {
  const taken: GetMessage[] = [];
  for (;;) {
    const message = await broker?.get(DEAD_QUEUE);
    if (!message) return taken;
    taken.push(message);
  }
}

const tenantOf = (message: Message): string => String((message.properties.headers?.["X-Tenant"] as string[] | undefined)?.[0]);

interface Collected {
  readonly errors: { error: DecodeError | Error; message: ConsumeMessage }[];
  readonly onError: NonNullable<ConsumeOptions["onError"]>;
}
function collectErrors(): Collected {
  const errors: Collected["errors"] = [];
  return { errors, onError: (error, message) => errors.push({ error, message }) };
}

// ---------------------------------------------------------------------------------------------
// 1. Declares, decodes, acks.

brokerTest("consume declares the exchange, queue and binding, decodes the message into typed values, and acks it", async () => {
  const route = routeInfo("orders");
  const channel = await consumerChannel();
  const received: OrderMessage[] = [];
  const { errors, onError } = collectErrors();
  const consumer = await consume(channel, route, decodeOrder, (message) => void received.push(message), { onError });
  assert.ok(await broker?.exchangeExists(route.exchange.name), "the exchange is declared");
  assert.ok(await broker?.queueExists(P + "orders"), "the queue is declared");

  const timestamp = Math.floor(Date.now() / 1000) - 7;
  const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  // Routed through the exchange with a key the `#` binding matches: the binding is there.
  await publish(route.exchange.name, "orders.new", order("A-1", 3), {
    headers: { "X-Tenant": ["acme", "beta"], traceparent },
    properties: { messageId: "m-1", timestamp },
  });
  await waitFor("the handler got the message", () => received.length === 1);
  const message = received[0] as OrderMessage;
  assert.equal(message.body, { sku: "A-1", quantity: 3 });
  assert.equal({ ...message.headers }, { ...PRODUCER_HEADERS, "X-Tenant": ["acme", "beta"], traceparent });
  assert.is(message.messageId, "m-1");
  assert.is(message.timestamp, timestamp);
  assert.is(message.deliveryMode, 2);
  assert.is(message.contentType, "application/json");
  assert.is(message.exchange, route.exchange.name);
  assert.is(message.routingKey, "orders.new");
  assert.is(message.redelivered, false);
  for (const unset of ["priority", "expiration", "replyTo", "correlationId"] as const) assert.is(message[unset], undefined, unset);
  assert.is(message.message.content.toString(), order("A-1", 3));
  await stop(consumer, channel, route.queue?.name ?? "");
  assert.equal(errors, []);
});

brokerTest("with input_headers * any forwarded header decodes, __proto__ included, and never becomes the prototype", async () => {
  const route = routeInfo("forwarded", {
    exchange: { name: `${P}forwarded`, type: "fanout", durable: false, autoDelete: false },
    queue: { name: `${P}forwarded`, durable: false, bindingKey: "" },
    inputHeaders: "*",
  });
  const shape: MessageShape = { ...ORDER_SHAPE, optionalHeaders: [], otherHeaders: "forwarded", requiredProperties: [], validateBody: null };
  const channel = await consumerChannel();
  const received: DecodedMessage<unknown, Headers>[] = [];
  const { errors, onError } = collectErrors();
  const consumer = await consume(
    channel,
    route,
    (m) => decodeMessage(m, shape),
    (message) => void received.push(message),
    { onError },
  );
  const proto: Record<string, unknown> = {};
  Object.defineProperty(proto, "__proto__", { value: ["not a prototype"], enumerable: true, writable: true, configurable: true });
  await publish(route.exchange.name, "any", Buffer.from([0xff, 0x00]), { headers: { ...proto, "X-Custom": ["a", "b"], tracestate: "k=v" } });
  await waitFor("the handler got the message", () => received.length === 1);
  const message = received[0] as DecodedMessage<unknown, Headers>;
  assert.ok(Buffer.isBuffer(message.body) && message.body.equals(Buffer.from([0xff, 0x00])), "a route without a body schema gets the bytes");
  assert.is(Object.getPrototypeOf(message.headers), Object.prototype, "the headers' prototype is untouched");
  assert.ok(Object.hasOwn(message.headers, "__proto__"), "__proto__ is an own header");
  assert.equal(Object.getOwnPropertyDescriptor(message.headers, "__proto__")?.value, ["not a prototype"]);
  assert.equal(message.headers["X-Custom"], ["a", "b"]);
  assert.is(message.headers["tracestate"], "k=v");
  await stop(consumer, channel, `${P}forwarded`);
  assert.equal(errors, []);
});

// ---------------------------------------------------------------------------------------------
// 2. Messages that do not decode: dead-lettered, reported, never redelivered.

const dlxRoute = routeInfo("dlx", { queue: { name: `${P}dlx`, durable: true, bindingKey: "#", arguments: { "x-dead-letter-exchange": DEAD_EXCHANGE } } });

brokerTest("a message that does not decode goes to the dead-letter exchange, is reported with its part, and is never redelivered", async () => {
  await broker?.purge([DEAD_QUEUE]);
  const channel = await consumerChannel();
  const handled: OrderMessage[] = [];
  const { errors, onError } = collectErrors();
  const consumer = await consume(channel, dlxRoute, decodeOrder, (message) => void handled.push(message), { onError });
  const x = dlxRoute.exchange.name;
  const tenant = (name: string) => ({ "X-Tenant": [name] });
  await publish(x, "k", "{secret-body", { headers: tenant("bad-json") });
  await publish(x, "k", order("A"), { headers: tenant("no-xff"), without: ["X-Forwarded-For"] });
  await publish(x, "k", order("A", 0), { headers: tenant("invalid") });
  await publish(x, "k", order("A"), { headers: tenant("no-id"), properties: { messageId: undefined } });
  await publish(x, "k", order("A"), { headers: { ...tenant("bytes-header"), "X-Forwarded-Host": Buffer.from("h") } });
  await publish(x, "k", order("A"), { headers: { ...tenant("array-trace"), traceparent: ["00-x"] } });
  await publish(x, "k", order("good"), { headers: tenant("good") });

  await waitFor("six messages dead-lettered", async () => (await broker?.messageCount(DEAD_QUEUE)) === 6);
  await waitFor("the good message handled", () => handled.length === 1);
  await sleep(200); // a redelivery would come within this
  assert.is(handled.length, 1, "the handler saw only the good message");
  assert.is((handled[0] as OrderMessage).body.sku, "good");
  const expected: Record<string, [DecodeError["part"], string | RegExp]> = {
    "bad-json": ["body", "body: not JSON (12 bytes)"],
    "no-xff": ["headers", 'headers: "X-Forwarded-For" is missing'],
    invalid: ["body", "body: /quantity must be >= 1"],
    "no-id": ["properties", "properties: messageId is missing"],
    "bytes-header": ["headers", 'headers: "X-Forwarded-Host" must be an array of strings (got bytes)'],
    "array-trace": ["headers", /^headers: "traceparent" is not a header of this route/],
  };
  assert.is(errors.length, 6, JSON.stringify(errors.map((e) => e.error.message)));
  for (const { error, message } of errors) {
    const [part, text] = expected[tenantOf(message)] ?? ["?", "?"];
    assert.instance(error, DecodeError, tenantOf(message));
    assert.is((error as DecodeError).part, part, tenantOf(message));
    if (typeof text === "string") assert.is(error.message, text);
    else assert.match(error.message, text);
    assert.not.match(error.message, "secret", "a problem never quotes the body");
    assert.is(message.fields.redelivered, false, "never redelivered");
  }
  const dead = await deadLetters();
  assert.equal(dead.map(tenantOf).sort(), Object.keys(expected).sort());
  for (const message of dead) {
    assert.is(message.properties.headers?.["x-first-death-reason"], "rejected");
    assert.is(message.properties.headers?.["x-first-death-queue"], `${P}dlx`);
  }
  await stop(consumer, channel, `${P}dlx`);
});

brokerTest("by default a message that does not decode is one line on stderr, without its body", async () => {
  await broker?.purge([DEAD_QUEUE]);
  const lines: string[] = [];
  const write = process.stderr.write;
  const channel = await consumerChannel();
  const consumer = await consume(channel, dlxRoute, decodeOrder, () => undefined);
  process.stderr.write = ((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    await publish(dlxRoute.exchange.name, "k", "{secret-body", { properties: { messageId: "m-stderr" } });
    await waitFor("the message dead-lettered", async () => (await broker?.messageCount(DEAD_QUEUE)) === 1);
    await waitFor("a line written", () => lines.length > 0);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(lines, [`[amqp] error: queue "${P}dlx": message "m-stderr" rejected, not requeued: body: not JSON (12 bytes)\n`]);
  await broker?.purge([DEAD_QUEUE]);
  await stop(consumer, channel, `${P}dlx`);
});

// ---------------------------------------------------------------------------------------------
// 3. Handler errors.

brokerTest("a handler error with requeue (default) redelivers the message, acked once the handler succeeds", async () => {
  const route = routeInfo("retry");
  const channel = await consumerChannel();
  const seen: boolean[] = [];
  const { errors, onError } = collectErrors();
  const consumer = await consume(
    channel,
    route,
    decodeOrder,
    async (message) => {
      seen.push(message.redelivered);
      await sleep(5);
      if (seen.length === 1) throw new Error("flaky");
    },
    { onError },
  );
  await publish(route.exchange.name, "k", order("A"));
  await waitFor("handled twice", () => seen.length === 2);
  await stop(consumer, channel, `${P}retry`);
  assert.equal(seen, [false, true], "the second delivery is a redelivery");
  assert.is(errors.length, 1);
  assert.is(errors[0]?.error.message, "flaky");
  assert.not.instance(errors[0]?.error, DecodeError);
});

brokerTest("a handler error with requeue: false dead-letters the message", async () => {
  await broker?.purge([DEAD_QUEUE]);
  const channel = await consumerChannel();
  let calls = 0;
  const { errors, onError } = collectErrors();
  const consumer = await consume(
    channel,
    dlxRoute,
    decodeOrder,
    () => {
      calls++;
      throw new Error("poison");
    },
    { onError, requeue: false },
  );
  await publish(dlxRoute.exchange.name, "k", order("A"), { headers: { "X-Tenant": ["poison"] } });
  await waitFor("dead-lettered", async () => (await broker?.messageCount(DEAD_QUEUE)) === 1);
  await sleep(150);
  assert.is(calls, 1, "never redelivered");
  const [dead] = await deadLetters();
  assert.ok(dead);
  assert.is(tenantOf(dead), "poison");
  assert.is(dead.properties.headers?.["x-first-death-reason"], "rejected");
  assert.equal(
    errors.map((e) => e.error.message),
    ["poison"],
  );
  await stop(consumer, channel, `${P}dlx`);
});

brokerTest("a channel closed while a handler runs: its ack fails quietly, and the message comes back redelivered", async () => {
  const route = routeInfo("closed");
  const channel = await consumerChannel();
  let started = 0;
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const { errors, onError } = collectErrors();
  const consumer = await consume(
    channel,
    route,
    decodeOrder,
    async () => {
      started++;
      await gate;
    },
    { onError },
  );
  await publish(route.exchange.name, "k", order("A"));
  await waitFor("the handler started", () => started === 1);
  await channel.close();
  release();
  await consumer.cancel(); // the handler ended, and its ack on the closed channel threw nothing out
  assert.equal(errors, []);

  const again = await consumerChannel();
  const received: OrderMessage[] = [];
  const second = await consume(again, route, decodeOrder, (message) => void received.push(message));
  await waitFor("redelivered", () => received.length === 1);
  assert.is(received[0]?.redelivered, true);
  await stop(second, again, `${P}closed`);
});

brokerTest("a consumer the broker cancels (its queue deleted) ends quietly", async () => {
  const route = routeInfo("cancelled");
  const channel = await consumerChannel();
  const { errors, onError } = collectErrors();
  const consumer = await consume(channel, route, decodeOrder, () => undefined, { onError });
  const told = new Promise<string>((resolve) => channel.once("cancel", (fields: { consumerTag: string }) => resolve(fields.consumerTag)));
  await broker?.remove([`${P}cancelled`], []);
  assert.is(await told, consumer.consumerTag);
  await consumer.cancel();
  await channel.checkExchange(route.exchange.name); // the channel is still open
  await channel.close();
  assert.equal(errors, []);
});

// ---------------------------------------------------------------------------------------------
// 4. declare: false, and a queue that exists with other settings.

brokerTest("declare: false on a missing queue rejects with what to do, and declares nothing", async () => {
  // No `error` listener of the test's own: consume must keep the refusal from being thrown as an unhandled `error` event.
  const channel = await (consumers as ChannelModel).createChannel();
  const route = routeInfo("missing");
  let error: unknown = null;
  await consume(channel, route, decodeOrder, () => undefined, { declare: false }).catch((err: unknown) => {
    error = err;
  });
  assert.instance(error, Error);
  const text = (error as Error).message;
  assert.match(text, `queue "${P}missing" does not exist`);
  assert.match(text, "declare: true");
  assert.match(text, "closed the channel");
  assert.not.ok(await broker?.queueExists(`${P}missing`), "the queue was not created");
  assert.not.ok(await broker?.exchangeExists(`${P}missing`), "nor the exchange");
  const next = await (consumers as ChannelModel).createChannel();
  await next.close(); // the connection survived the refusal
});

brokerTest("a queue that exists with other settings: declare: false consumes it as it is, declaring rejects (406, explained)", async () => {
  const queue = `${P}existing`;
  const made = await broker?.attempt((ch) => ch.assertQueue(queue, { durable: false, arguments: { "x-message-ttl": 60000 } }));
  assert.is(made, null);
  const route = routeInfo("existing");

  const channel = await consumerChannel();
  const received: OrderMessage[] = [];
  const consumer = await consume(channel, route, decodeOrder, (message) => void received.push(message), { declare: false });
  await publish("", queue, order("kept")); // the default exchange: the route's exchange is not declared
  await waitFor("consumed", () => received.length === 1);
  assert.is(received[0]?.body.sku, "kept");
  await stop(consumer, channel, queue);
  assert.not.ok(await broker?.exchangeExists(route.exchange.name), "declare: false declared no exchange");

  const refused = await (consumers as ChannelModel).createChannel(); // no `error` listener either
  let error: unknown = null;
  await consume(refused, route, decodeOrder, () => undefined).catch((err: unknown) => {
    error = err;
  });
  assert.instance(error, Error);
  assert.match((error as Error).message, `queue "${queue}" exists with other settings`);
  assert.match((error as Error).message, "declare: false");
  assert.match((error as Error).message, "PRECONDITION_FAILED");
});

// ---------------------------------------------------------------------------------------------
// 5. Binding keys.

const directRoute = routeInfo("direct", {
  path: "/direct/{region}",
  params: [{ name: "region", key: "Region", segment: 1 }],
  exchange: { name: `${P}direct`, type: "direct", durable: false, autoDelete: false },
  queue: { name: `${P}direct`, durable: false, bindingKey: null },
  routingKey: { kind: "param", param: "region" },
});

/** A channel that fails the test if anything is called on it. */
function untouchable(touched: string[]): Channel {
  return new Proxy({} as Channel, {
    get: (_target, property) => {
      touched.push(String(property));
      return () => {
        throw new Error(`channel.${String(property)} called`);
      };
    },
  });
}

test("bad options are TypeErrors before the broker is touched", async () => {
  const touched: string[] = [];
  const cases: [RouteInfo, ConsumeOptions, string][] = [
    [directRoute, {}, "pass options.bindingKeys"],
    [routeInfo("none", { queue: null }), {}, "pass options.queue"],
    [routeInfo("none"), { prefetch: 0 }, "prefetch must be an integer from 1 to 65535"],
    [routeInfo("none"), { queue: "" }, "pass options.queue"],
  ];
  for (const [route, options, text] of cases) {
    let error: unknown = null;
    await consume(untouchable(touched), route, decodeOrder, () => undefined, options).catch((err: unknown) => {
      error = err;
    });
    assert.instance(error, TypeError, text);
    assert.match((error as TypeError).message, text);
  }
  assert.equal(touched, [], "nothing was called on the channel");
});

brokerTest("a direct exchange with a key from a param binds the bindingKeys given, and only those", async () => {
  const channel = await consumerChannel();
  const received: OrderMessage[] = [];
  const consumer = await consume(channel, directRoute, decodeOrder, (message) => void received.push(message), { bindingKeys: ["eu", "us"] });
  for (const region of ["eu", "asia", "us"]) await publish(directRoute.exchange.name, region, order(region));
  await waitFor("two consumed", () => received.length === 2);
  await sleep(150);
  assert.equal(received.map((m) => m.routingKey).sort(), ["eu", "us"]);
  await stop(consumer, channel, `${P}direct`);
});

// ---------------------------------------------------------------------------------------------
// 6. Request-reply.

brokerTest("serve replies to replyTo with the correlationId and the content type, and rejects requests it cannot answer", async () => {
  await broker?.purge([DEAD_QUEUE]);
  const route = routeInfo("rpc", {
    reply: { timeoutMs: 5000 },
    queue: { name: `${P}rpc`, durable: true, bindingKey: "#", arguments: { "x-dead-letter-exchange": DEAD_EXCHANGE } },
  });
  const channel = await consumerChannel();
  const { errors, onError } = collectErrors();
  let calls = 0;
  const server = await serve(
    channel,
    route,
    decodeOrder,
    async (request) => {
      calls++;
      await sleep(5);
      if (request.body.sku === "boom") throw new Error("the handler failed");
      if (request.body.sku === "text") return { body: `got ${request.body.quantity}` };
      if (request.body.sku === "bytes") return { body: Buffer.from([1, 2, 3]) };
      return { body: JSON.stringify({ ok: request.body.sku }), contentType: "application/json" };
    },
    { onError },
  );

  // The requester: consumes direct reply-to (noAck) on the channel it publishes on.
  const requester = await (broker as TestBroker).model.createChannel();
  requester.on("error", () => undefined);
  const replies = new Map<string, ConsumeMessage>();
  await requester.consume(DIRECT_REPLY_TO, (message) => void (message && replies.set(String(message.properties.correlationId), message)), { noAck: true });
  for (const [id, sku] of [
    ["c-json", "A-7"],
    ["c-text", "text"],
    ["c-bytes", "bytes"],
  ] as const) {
    await publish(route.exchange.name, "k", order(sku, 3), { channel: requester, properties: { replyTo: DIRECT_REPLY_TO, correlationId: id } });
  }
  await waitFor("three replies", () => replies.size === 3);
  const reply = (id: string) => replies.get(id) as ConsumeMessage;
  assert.is(reply("c-json").content.toString(), '{"ok":"A-7"}');
  assert.is(reply("c-json").properties.contentType, "application/json");
  assert.is(reply("c-text").content.toString(), "got 3");
  assert.is(reply("c-text").properties.contentType, "text/plain; charset=utf-8");
  assert.ok(reply("c-bytes").content.equals(Buffer.from([1, 2, 3])));
  assert.is(reply("c-bytes").properties.contentType, "application/octet-stream");

  await publish(route.exchange.name, "k", order("A"), { headers: { "X-Tenant": ["no-reply-to"] }, properties: { correlationId: "c-lost" } });
  await publish(route.exchange.name, "k", order("A"), { headers: { "X-Tenant": ["no-correlation"] }, properties: { replyTo: `${DIRECT_REPLY_TO}.forged` } });
  // An address of the sender's choosing: answering would publish into any queue it names.
  await publish(route.exchange.name, "k", order("A"), {
    headers: { "X-Tenant": ["forged-reply-to"] },
    properties: { replyTo: `${P}nowhere`, correlationId: "c-f" },
  });
  // A handler error is not requeued by default: its HTTP client stops waiting at the reply timeout.
  await publish(route.exchange.name, "k", order("boom"), {
    channel: requester,
    headers: { "X-Tenant": ["failed"] },
    properties: { replyTo: DIRECT_REPLY_TO, correlationId: "c-boom" },
  });
  await waitFor("four requests dead-lettered", async () => (await broker?.messageCount(DEAD_QUEUE)) === 4);
  assert.is(calls, 4, "the handler never saw a request it cannot answer, and saw the failing one once");
  assert.equal(errors.map(({ error, message }) => [tenantOf(message), error instanceof DecodeError ? error.part : "handler", error.message]).sort(), [
    ["failed", "handler", "the handler failed"],
    ["forged-reply-to", "properties", "properties: replyTo is not a direct reply-to address (amq.rabbitmq.reply-to.…)"],
    ["no-correlation", "properties", "properties: correlationId is missing: a reply needs one to be matched"],
    ["no-reply-to", "properties", "properties: replyTo is missing: a request needs a queue to reply to"],
  ]);
  assert.equal((await deadLetters()).map(tenantOf).sort(), ["failed", "forged-reply-to", "no-correlation", "no-reply-to"]);
  await stop(server, channel, `${P}rpc`);
  await requester.close();
});

// ---------------------------------------------------------------------------------------------
// 7. Prefetch.

brokerTest("prefetch bounds the handlers running at once", async () => {
  const route = routeInfo("prefetch");
  const channel = await consumerChannel();
  let active = 0;
  let most = 0;
  let done = 0;
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const consumer = await consume(
    channel,
    route,
    decodeOrder,
    async () => {
      most = Math.max(most, ++active);
      await gate;
      active--;
      done++;
    },
    { prefetch: 2 },
  );
  for (let i = 0; i < 5; i++) await publish(route.exchange.name, "k", order(`n${i}`));
  await waitFor("two handlers running", () => active === 2);
  await sleep(200); // a third would have started by now
  assert.is(active, 2);
  assert.is(done, 0);
  release();
  await waitFor("all five handled", () => done === 5);
  assert.is(most, 2, "never more than 2 at once");
  await stop(consumer, channel, `${P}prefetch`);
});

// ---------------------------------------------------------------------------------------------
// 8. decodeMessage alone.

const REQUIRED = { "X-Forwarded-For": ["127.0.0.1"], "X-Forwarded-Host": ["h"], "User-Agent": ["amqp-gen"] };

function fakeMessage(headers: object | undefined, properties: Partial<MessageProperties> = {}, content = Buffer.from(order("A"))): ConsumeMessage {
  const none: MessageProperties = {
    contentType: undefined,
    contentEncoding: undefined,
    headers: undefined,
    deliveryMode: undefined,
    priority: undefined,
    correlationId: undefined,
    replyTo: undefined,
    expiration: undefined,
    messageId: "m",
    timestamp: undefined,
    type: undefined,
    userId: undefined,
    appId: undefined,
    clusterId: undefined,
  };
  return {
    content,
    fields: { deliveryTag: 1, redelivered: false, exchange: "x", routingKey: "k", consumerTag: "t" },
    properties: { ...none, headers: headers as MessageProperties["headers"], ...properties },
  };
}

const FORWARDED: MessageShape = { ...ORDER_SHAPE, otherHeaders: "forwarded" };

function problem(result: ReturnType<typeof decodeMessage>): string {
  assert.instance(result, DecodeError);
  return (result as DecodeError).message;
}

function decoded(result: ReturnType<typeof decodeMessage>): DecodedMessage<unknown, Headers> {
  if (result instanceof DecodeError) assert.unreachable(result.message);
  return result as DecodedMessage<unknown, Headers>;
}

test("decodeMessage: a __proto__ header, as amqplib decodes it (the table's prototype) or as an own key, is an own header", () => {
  // amqplib's decoder does `fields[key] = value`: a `__proto__` array becomes the prototype.
  const asAmqplib = Object.setPrototypeOf({ ...REQUIRED }, ["evil"]) as object;
  const own: Record<string, unknown> = { ...REQUIRED };
  Object.defineProperty(own, "__proto__", { value: ["evil"], enumerable: true, writable: true, configurable: true });
  for (const headers of [asAmqplib, own]) {
    const { headers: out } = decoded(decodeMessage(fakeMessage(headers), FORWARDED));
    assert.is(Object.getPrototypeOf(out), Object.prototype);
    assert.ok(Object.hasOwn(out, "__proto__"));
    assert.equal(Object.getOwnPropertyDescriptor(out, "__proto__")?.value, ["evil"]);
    assert.is(Object.keys(out).length, 4);
    assert.is(({} as Record<string, unknown>)["0"], undefined, "Object.prototype untouched");
  }
});

test("decodeMessage: headers must be arrays of strings; others per otherHeaders; the broker's x- headers are left out", () => {
  assert.is(problem(decodeMessage(fakeMessage(undefined), ORDER_SHAPE)), 'headers: "X-Forwarded-For" is missing');
  const bad = (value: unknown, shape = ORDER_SHAPE) => problem(decodeMessage(fakeMessage({ ...REQUIRED, "User-Agent": value }), shape));
  assert.is(bad(Buffer.from("x")), 'headers: "User-Agent" must be an array of strings (got bytes)');
  assert.is(bad("amqp-gen"), 'headers: "User-Agent" must be an array of strings (got a string)');
  assert.is(bad(["a", 1]), 'headers: "User-Agent" must be an array of strings (got an array holding a number)');
  assert.is(problem(decodeMessage(fakeMessage({ ...REQUIRED, "X-Tenant": 5 }), ORDER_SHAPE)), 'headers: "X-Tenant" must be an array of strings (got a number)');

  const others = { ...REQUIRED, traceparent: "00-a-b-01", "X-Other": ["v"] };
  assert.match(problem(decodeMessage(fakeMessage(others), ORDER_SHAPE)), /^headers: "X-Other" is not a header of this route, and not a trace-context string/);
  assert.equal(decoded(decodeMessage(fakeMessage(others), FORWARDED)).headers, others);
  assert.is(
    problem(decodeMessage(fakeMessage({ ...REQUIRED, "X-Other": Buffer.from("v") }), FORWARDED)),
    'headers: "X-Other" must be an array of strings or a string (got bytes)',
  );

  const broker = { ...REQUIRED, "x-delivery-count": 2, "x-death": [{ count: 1, reason: "rejected" }], "x-first-death-reason": "rejected" };
  assert.equal(decoded(decodeMessage(fakeMessage(broker), ORDER_SHAPE)).headers, REQUIRED);
});

test("decodeMessage: properties present with the right type", () => {
  assert.is(problem(decodeMessage(fakeMessage(REQUIRED, { messageId: undefined }), ORDER_SHAPE)), "properties: messageId is missing");
  assert.is(problem(decodeMessage(fakeMessage(REQUIRED, { messageId: 42 }), ORDER_SHAPE)), "properties: messageId must be a string (got a number)");
  assert.is(problem(decodeMessage(fakeMessage(REQUIRED, { priority: "5" }), ORDER_SHAPE)), "properties: priority must be a number (got a string)");
  const shape: MessageShape = { ...ORDER_SHAPE, requiredProperties: ["messageId", "priority", "replyTo"] };
  assert.is(problem(decodeMessage(fakeMessage(REQUIRED, { priority: 3 }), shape)), "properties: replyTo is missing");
  const ok = decoded(decodeMessage(fakeMessage(REQUIRED, { priority: 3, replyTo: "q", timestamp: 1700000000, deliveryMode: 2 }), shape));
  assert.equal([ok.priority, ok.replyTo, ok.timestamp, ok.deliveryMode, ok.messageId], [3, "q", 1700000000, 2, "m"]);
});

test("decodeMessage: the body is JSON validated, or the bytes; problems never quote it", () => {
  assert.is(problem(decodeMessage(fakeMessage(REQUIRED, {}, Buffer.from("hunter2")), ORDER_SHAPE)), "body: not JSON (7 bytes)");
  assert.is(problem(decodeMessage(fakeMessage(REQUIRED, {}, Buffer.from('"hunter2"')), ORDER_SHAPE)), "body: / must be an object");
  const deep: MessageShape = {
    ...ORDER_SHAPE,
    validateBody: () => {
      throw new RangeError("Maximum call stack size exceeded");
    },
  };
  assert.is(problem(decodeMessage(fakeMessage(REQUIRED), deep)), "body: nested too deeply to validate");
  const content = Buffer.from([0xde, 0xad]);
  const raw = decoded(decodeMessage(fakeMessage(REQUIRED, {}, content), { ...ORDER_SHAPE, validateBody: null }));
  assert.is(raw.body, content, "the content as amqplib delivered it");
  const error = new DecodeError("body", "too big");
  assert.is(String(error), "body: too big");
  assert.is(error.part, "body");
});

test.after(async () => {
  if (broker) {
    await broker.remove([...NAMES, DEAD_QUEUE], [...NAMES, DEAD_EXCHANGE]);
    await broker.close();
  }
  await consumers?.close().catch(() => undefined);
});

test.run();
