// The typed consumers (`--consumers`), end to end on the real broker: a request through the
// generated listener reaches consumeX's handler as typed values equal to what was sent; a message
// that does not decode goes to the dead-letter exchange; serveX answers a request-reply route's
// HTTP request. And the types come from the config: a change to it breaks a consumer's build.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import type { Channel, GetMessage } from "amqplib";
import { Project } from "ts-morph";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";
import { type Generated, type GeneratedModule, ROOT, rawRequest, sleep, topologyOf, withListener, brokerSuite } from "./helpers/broker.js";

const P = '"amqpgen.consumers.';
const configOf = (path: string) => readFileSync(join(ROOT, path), "utf8").replaceAll('"amqpgen.', P);

/** generate() with the typed consumers → .tmp/consumers-<name>/ → its index and consumer modules. */
async function generateWithConsumers(
  name: string,
  text: string,
): Promise<{ generated: Generated; consumer: (route: string) => Promise<Record<string, unknown>> }> {
  const result = await generate(text, { consumers: true });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join("\n"));
  const dir = join(ROOT, ".tmp", `consumers-${name}`);
  rmSync(dir, { recursive: true, force: true });
  for (const f of result.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  const mod = (await import(pathToFileURL(join(dir, "index.ts")).href)) as GeneratedModule;
  const runtime = (await import(pathToFileURL(join(dir, "runtime", "publisher.ts")).href)) as Generated["runtime"];
  return {
    generated: { dir, diagnostics: result.diagnostics, mod, runtime },
    consumer: async (route) => (await import(pathToFileURL(join(dir, "consumers", `${route}.ts`)).href)) as Record<string, unknown>,
  };
}

const { it, broker } = await brokerSuite("typed consumer tests");

/** A channel of the test's own for `fn`, closed after; its topology removed before and after. */
async function withChannel(generated: Generated, extraExchanges: string[], fn: (channel: Channel) => Promise<void>): Promise<void> {
  const b = broker();
  const { queues, exchanges } = topologyOf(generated.mod);
  await b.remove(queues, [...exchanges, ...extraExchanges]);
  const channel = await b.model.createChannel();
  try {
    await fn(channel);
  } finally {
    await channel.close().catch(() => undefined);
    await b.remove(queues, [...exchanges, ...extraExchanges]);
  }
}

/** Resolves with the first value `push` is given, or rejects after `ms`. */
function firstOf<T>(ms = 5000): { promise: Promise<T>; push: (value: T) => void } {
  let push: (value: T) => void = () => undefined;
  const promise = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms);
    push = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
  });
  return { promise, push };
}

interface OrderMessage {
  body: { sku: string; quantity: number; note?: string };
  headers: Record<string, readonly string[] | string | undefined>;
  messageId: string;
  routingKey: string;
  exchange: string;
  timestamp: number | undefined;
  deliveryMode: number | undefined;
  contentType: string | undefined;
}
type ConsumeFn<M> = (channel: Channel, handler: (message: M) => unknown, options?: object) => Promise<{ cancel(): Promise<void> }>;

it("consumeX: a request through the listener reaches the handler as typed values equal to what was sent, then is acked", async () => {
  const { generated, consumer } = await generateWithConsumers("showcase", configOf("fixtures/showcase/krakend.json"));
  const { consumePostOrdersRegionId } = (await consumer("post-orders-region-id")) as { consumePostOrdersRegionId: ConsumeFn<OrderMessage> };
  await withChannel(generated, [], async (channel) => {
    const received = firstOf<OrderMessage>();
    const subscription = await consumePostOrdersRegionId(channel, (message) => received.push(message));
    await withListener(generated, {}, async (port) => {
      const sent = { sku: "A-7", quantity: 3, note: "typed" };
      const body = Buffer.from(JSON.stringify(sent));
      const response = await rawRequest(
        port,
        "POST",
        "/orders/eu-west/order-42",
        {
          "content-type": "application/json",
          "content-length": String(body.length),
          "x-request-id": "req-1",
        },
        body,
      );
      assert.is(response.status, 200, response.body);
      const message = await received.promise;
      assert.equal(message.body, sent);
      assert.is(message.messageId, "order-42");
      assert.is(message.routingKey, "eu-west");
      assert.is(message.exchange, "amqpgen.consumers.showcase.orders");
      assert.equal(message.headers["X-Request-Id"], ["req-1"]);
      assert.equal(message.headers["Content-Type"], ["application/json"]);
      assert.equal(message.headers["X-Forwarded-For"], ["127.0.0.1"]);
      assert.is(message.contentType, "application/json");
      assert.is(message.deliveryMode, 2);
      assert.ok(Math.abs((message.timestamp ?? 0) - Date.now() / 1000) < 60);
    });
    await subscription.cancel();
    const { messageCount } = await channel.checkQueue("amqpgen.consumers.showcase.orders");
    assert.is(messageCount, 0, "acked: nothing left on the queue");
  });
});

it("consumeX: a message that does not decode goes to the queue's dead-letter exchange, never to the handler", async () => {
  const { generated, consumer } = await generateWithConsumers("exchange-types", configOf("fixtures/exchange-types/krakend.json"));
  const { consumePutAuditId } = (await consumer("put-audit-id")) as { consumePutAuditId: ConsumeFn<{ messageId: string }> };
  const dead = "amqpgen.consumers.types.dead";
  await withChannel(generated, [dead], async (channel) => {
    await channel.assertExchange(dead, "fanout", { durable: false, autoDelete: true });
    const { queue: deadQueue } = await channel.assertQueue("", { exclusive: true });
    await channel.bindQueue(deadQueue, dead, "");
    const handled: string[] = [];
    const errors: string[] = [];
    const subscription = await consumePutAuditId(channel, (message) => handled.push(message.messageId), {
      onError: (error: { message: string }) => errors.push(error.message),
    });
    // Not the producer's: no X-Forwarded-* headers, no message id.
    channel.publish("amqpgen.consumers.types.headers", "audit", Buffer.from("forged"), { headers: { "User-Agent": ["x"] } });
    // And one the producer publishes, through the listener: handled.
    await withListener(generated, {}, async (port) => {
      const response = await rawRequest(port, "PUT", "/audit/a-1", { "content-length": "2", "x-audit-source": "test" }, Buffer.from("{}"));
      assert.is(response.status, 200, response.body);
    });
    let deadLettered: GetMessage | false = false;
    for (let i = 0; i < 100 && (!deadLettered || handled.length === 0); i++) {
      deadLettered ||= await channel.get(deadQueue, { noAck: true });
      await sleep(20);
    }
    await subscription.cancel();
    assert.ok(deadLettered, "the forged message reached the dead-letter exchange");
    assert.is(deadLettered ? deadLettered.content.toString() : null, "forged");
    assert.equal(handled, ["a-1"], "only the producer's message reached the handler");
    assert.is(errors.length, 1);
    assert.match(errors[0] as string, /^properties: messageId is missing/, "what does not match, said");
  });
});

it("serveX: a request-reply route's HTTP request is answered with the handler's body and content type", async () => {
  const { generated, consumer } = await generateWithConsumers("request-reply", configOf("examples/request-reply/krakend.json"));
  const { servePostQuote } = (await consumer("post-quote")) as {
    servePostQuote: (
      channel: Channel,
      handler: (message: { body: Buffer; correlationId: string }) => { body: string; contentType: string },
    ) => Promise<{ cancel(): Promise<void> }>;
  };
  await withChannel(generated, [], async (channel) => {
    const served = await servePostQuote(channel, (request) => ({
      body: `quote for ${request.body.toString()} (${request.correlationId.length})`,
      contentType: "text/plain",
    }));
    await withListener(generated, {}, async (port) => {
      const response = await rawRequest(port, "POST", "/quote", { "content-type": "text/plain", "content-length": "5" }, Buffer.from("three"));
      assert.is(response.status, 200, response.body);
      assert.is(response.body, "quote for three (36)");
      assert.is(response.headers["content-type"], "text/plain");
    });
    await served.cancel();
  });
});

test("a consumer file imports amqplib, the runtime's consuming modules and its body module: nothing of the HTTP side (no jose for a JWT route)", async () => {
  const result = await generate(readFileSync(join(ROOT, "fixtures/jwt/krakend.json"), "utf8"), { consumers: true });
  const consumers = result.files.filter((f) => f.path.startsWith("consumers/"));
  assert.ok(consumers.length > 0);
  for (const f of consumers) {
    const imports = [...f.content.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    assert.ok(imports.length > 0);
    for (const from of imports)
      assert.match(
        from as string,
        /^(amqplib|\.\.\/runtime\/(consume|decode|serve|types)\.js|\.\.\/routes\/[a-z0-9-]+\.body\.js)$/,
        `${f.path} imports ${from}`,
      );
  }
});

test("AG254, with --consumers only: a route's queue that can receive other routes' messages", async () => {
  const showcase = readFileSync(join(ROOT, "fixtures/showcase/krakend.json"), "utf8");
  const codes = async (consumers: boolean) =>
    (await generate(showcase, { consumers })).diagnostics.filter((d) => d.code === "AG254").map((d) => `${d.pointer} ${d.line}:${d.column}`);
  assert.equal(await codes(false), []);
  assert.equal(await codes(true), [
    "/endpoints/0/backend/0/extra_config/backend~1amqp~1producer/name 35:23",
    "/endpoints/1/backend/0/extra_config/backend~1amqp~1producer/name 58:23",
  ]);
  const message = (await generate(showcase, { consumers: true })).diagnostics.find((d) => d.code === "AG254")?.message ?? "";
  assert.match(message, /^Queue "amqpgen\.showcase\.orders" can also receive the messages of DELETE \/orders\/\{region\}\/\{id\}:/);
});

test("the consumer's types come from the config: removing msg_id_key breaks a build that reads messageId, and only there", async () => {
  const usage = [
    'import { consumePostOrdersRegionId } from "./consumers/post-orders-region-id.js";',
    'import type { Channel } from "amqplib";',
    "export function start(channel: Channel) {",
    "  return consumePostOrdersRegionId(channel, (message) => {",
    "    const total: number = message.body.quantity * 2;",
    "    const id: string = message.messageId;",
    "    return [total, id, message.headers['X-Forwarded-For'][0]];",
    "  });",
    "}",
  ].join("\n");
  // Both outputs in one program (the libraries read once), each in a folder of its own.
  const project = new Project({
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 9,
      module: 199 /* NodeNext */,
      moduleResolution: 99 /* NodeNext */,
      skipLibCheck: true,
      types: ["node"],
    },
  });
  const add = async (name: string, text: string) => {
    const result = await generate(text, { consumers: true, asyncapi: false });
    const dir = join(ROOT, ".tmp", `consumers-types-${name}`);
    for (const f of result.files.filter((f) => f.path.endsWith(".ts"))) project.createSourceFile(join(dir, f.path), f.content);
    project.createSourceFile(join(dir, "usage.ts"), usage);
  };
  const showcase = readFileSync(join(ROOT, "fixtures/showcase/krakend.json"), "utf8");
  await add("before", showcase);
  const without = JSON.parse(showcase);
  delete without.endpoints[0].backend[0].extra_config["backend/amqp/producer"].msg_id_key;
  await add("after", JSON.stringify(without));
  const problems = project.getPreEmitDiagnostics().map((d) => {
    const text = d.getMessageText();
    return `${relative(join(ROOT, ".tmp"), d.getSourceFile()?.getFilePath() ?? "")}:${d.getLineNumber()} ${typeof text === "string" ? text : text.getMessageText()}`;
  });
  assert.equal(problems.length, 1, problems.join("\n"));
  assert.match(problems[0] as string, /^consumers-types-after\/usage\.ts:6 .*undefined/, problems.join("\n"));
});

test.run();
