// Request-reply endpoints ("@amqp-gen": { "reply": … }) on the real broker, with a responder on
// its own connection (amqplib) that answers each request on its `reply_to` with its
// `correlation_id`: 50 concurrent requests each get their own reply, a reply that does not come
// is a 504, a late reply is dropped and confuses no later request, the bound on pending replies
// is a 503, and a connection lost while replies are awaited fails them at once (503), through an
// in-process TCP proxy on loopback.
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672. Without it the tests are skipped with one
// message, unless CI is set, in which case they fail.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Channel, ChannelModel, ConsumeMessage } from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate } from "../generator/index.js";
import {
  AMQP_URL,
  ROOT,
  TestBroker,
  brokerTests,
  collectingLogger,
  generateAndImport,
  probeBroker,
  topologyOf,
  type GenPublisher,
  type GenPublisherOptions,
  type Generated,
} from "./helpers/broker.js";
import { startProxy } from "./helpers/proxy.js";

const P = "amqpgen.rpc.";
const REPLY_TIMEOUT_MS = 800;
const CONFIG = {
  version: 3,
  timeout: "3s",
  endpoints: [
    {
      endpoint: "/quote/{id}",
      method: "POST",
      backend: [
        {
          host: ["amqp://127.0.0.1:5672"],
          disable_host_sanitize: true,
          extra_config: {
            "backend/amqp/producer": {
              name: `${P}quotes`,
              exchange: `${P}quotes`,
              routing_key: "quote",
              static_routing_key: true,
              msg_id_key: "Id",
              mandatory: true,
              "@amqp-gen": { reply: { timeout: `${REPLY_TIMEOUT_MS}ms` } },
            },
          },
        },
      ],
    },
  ],
};

/** What the responder does with a request, by its message id. */
type Behaviour = "reply" | "never" | { late: number } | "hold";

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
const skipAll = noBroker && !process.env["CI"];
if (skipAll) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; request-reply tests not run");

let generated: Generated | null = null;
let broker: TestBroker | null = null;
let responder: { model: ChannelModel; channel: Channel } | null = null;
let setupError: Error | null = null;
const behaviour = new Map<string, Behaviour>();
const held: ConsumeMessage[] = [];

function reply(channel: Channel, request: ConsumeMessage, body: string): void {
  channel.sendToQueue(request.properties.replyTo as string, Buffer.from(body), {
    correlationId: request.properties.correlationId as string,
    contentType: "text/plain; charset=utf-8",
  });
}

if (!skipAll) {
  try {
    if (noBroker) throw new Error("CI is set but RabbitMQ is not reachable");
    generated = await generateAndImport("request-reply", JSON.stringify(CONFIG), "krakend.json");
    const model = await probeBroker();
    if (model instanceof Error) throw model;
    broker = await TestBroker.open(model);
    const { queues, exchanges } = topologyOf(generated.mod);
    await broker.remove(queues, exchanges);
    await broker.attempt(async (ch) => {
      await ch.assertExchange(`${P}quotes`, "topic", { durable: false });
      await ch.assertQueue(`${P}quotes`, { durable: false });
      await ch.bindQueue(`${P}quotes`, `${P}quotes`, "quote");
    });
    const rModel = await probeBroker();
    if (rModel instanceof Error) throw rModel;
    const channel = await rModel.createChannel();
    responder = { model: rModel, channel };
    await channel.consume(
      `${P}quotes`,
      (request) => {
        if (!request) return;
        channel.ack(request);
        const id = String(request.properties.messageId);
        const what = behaviour.get(id) ?? "reply";
        if (what === "reply") reply(channel, request, `quote for ${id}: ${request.content.toString()}`);
        else if (what === "hold") held.push(request);
        else if (typeof what === "object") setTimeout(() => reply(channel, request, `late quote for ${id}`), what.late);
      },
      { noAck: false },
    );
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
}

const brokerTest = brokerTests(skipAll, () => setupError);

async function serve(publisher: GenPublisher): Promise<{ server: Server; base: string }> {
  const server = createServer(generated?.mod.createRequestListener(publisher));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function withService(options: GenPublisherOptions, fn: (base: string, publisher: GenPublisher) => Promise<void>): Promise<void> {
  if (!generated) throw new Error("not generated");
  const publisher = generated.mod.createPublisher({ url: AMQP_URL, logger: collectingLogger(), ...options });
  await publisher.ready();
  const { server, base } = await serve(publisher);
  try {
    await fn(base, publisher);
  } finally {
    server.close();
    await publisher.close();
  }
}

brokerTest("50 concurrent requests each get their own reply: 200, the reply's body and content type", async () => {
  await withService({}, async (base) => {
    const ids = Array.from({ length: 50 }, (_, i) => `q-${i}`);
    const answers = await Promise.all(ids.map((id) => fetch(`${base}/quote/${id}`, { method: "POST", body: `order ${id}` })));
    for (const [i, res] of answers.entries()) {
      assert.is(res.status, 200, `request ${ids[i]}`);
      assert.is(res.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.is(await res.text(), `quote for ${ids[i]}: order ${ids[i]}`);
    }
  });
});

brokerTest("no reply within the reply timeout: 504; a late reply is dropped and confuses no later request", async () => {
  behaviour.set("late-1", { late: REPLY_TIMEOUT_MS + 300 });
  behaviour.set("never-1", "never");
  await withService({}, async (base, publisher) => {
    const started = Date.now();
    const never = await fetch(`${base}/quote/never-1`, { method: "POST", body: "x" });
    assert.is(never.status, 504);
    assert.match(await never.text(), `no reply within ${REPLY_TIMEOUT_MS} ms`);
    assert.ok(Date.now() - started < REPLY_TIMEOUT_MS + 1000, "answered at the reply timeout, not the endpoint's");
    const late = await fetch(`${base}/quote/late-1`, { method: "POST", body: "x" });
    assert.is(late.status, 504);
    // The late reply arrives while the next request waits for its own.
    const next = await Promise.all(
      Array.from({ length: 5 }, (_, i) => fetch(`${base}/quote/after-${i}`, { method: "POST", body: "y" }).then(async (r) => [r.status, await r.text()])),
    );
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(
      next,
      Array.from({ length: 5 }, (_, i) => [200, `quote for after-${i}: y`]),
    );
    const stats = publisher.stats().brokers[0];
    assert.is(stats?.lateReplies, 1, "the late reply was counted and dropped");
    assert.is(stats?.awaitingReply, 0);
  });
});

brokerTest("pending replies are bounded: beyond maxInFlight a request is a 503 before any publish", async () => {
  await withService({ maxInFlight: 2 }, async (base, publisher) => {
    for (const id of ["hold-1", "hold-2"]) behaviour.set(id, "hold");
    const waiting = ["hold-1", "hold-2"].map((id) => fetch(`${base}/quote/${id}`, { method: "POST", body: "h" }));
    for (let i = 0; i < 40 && (publisher.stats().brokers[0]?.awaitingReply ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 25));
    assert.is(publisher.stats().brokers[0]?.awaitingReply, 2);
    const refused = await fetch(`${base}/quote/third`, { method: "POST", body: "t" });
    assert.is(refused.status, 503);
    assert.ok(refused.headers.get("retry-after"));
    for (const request of held.splice(0)) if (responder) reply(responder.channel, request, "released");
    for (const res of await Promise.all(waiting)) {
      assert.is(res.status, 200);
      assert.is(await res.text(), "released");
    }
  });
});

brokerTest("a connection lost while replies are awaited fails them at once (503)", async () => {
  const proxy = await startProxy();
  try {
    await withService({ url: proxy.url(), connectTimeoutMs: 1000 }, async (base, publisher) => {
      for (const id of ["lost-1", "lost-2"]) behaviour.set(id, "hold");
      const started = Date.now();
      const waiting = ["lost-1", "lost-2"].map((id) => fetch(`${base}/quote/${id}`, { method: "POST", body: "l" }));
      for (let i = 0; i < 40 && (publisher.stats().brokers[0]?.awaitingReply ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 25));
      assert.is(publisher.stats().brokers[0]?.awaitingReply, 2);
      await proxy.close(); // every socket of the path destroyed: the connection is gone
      for (const res of await Promise.all(waiting)) {
        assert.is(res.status, 503);
        assert.match(await res.text(), "connection to the broker was lost");
      }
      assert.ok(Date.now() - started < REPLY_TIMEOUT_MS, `failed at once (${Date.now() - started} ms), not at the reply timeout`);
      held.splice(0); // their replies would go to a connection that no longer exists
    });
  } finally {
    await proxy.close();
  }
});

brokerTest("Express, Fastify and Hono answer a request-reply route exactly as the listener does", async () => {
  // The same config, generated again with the HTTP adapters beside index.ts.
  const result = await generate(JSON.stringify(CONFIG), { file: "krakend.json", adapters: ["express", "fastify", "hono"] });
  const dir = join(ROOT, ".tmp", "e2e-request-reply-adapters");
  rmSync(dir, { recursive: true, force: true });
  for (const f of result.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  const load = (file: string) => import(pathToFileURL(join(dir, file)).href);
  const mod = (await load("index.ts")) as Generated["mod"];
  const express = (await import("express")).default;
  const Fastify = (await import("fastify")).default;
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const adapters = {
    express: (await load("adapters/express.ts")) as { createExpressRouter(p: GenPublisher): import("express").Router },
    fastify: (await load("adapters/fastify.ts")) as { amqpGenFastifyPlugin: import("fastify").FastifyPluginAsync<{ publisher: GenPublisher }> },
    hono: (await load("adapters/hono.ts")) as { createHonoApp(p: GenPublisher): import("hono").Hono<{ Bindings: { readonly incoming: IncomingMessage } }> },
  };
  const publisher = mod.createPublisher({ url: AMQP_URL, logger: collectingLogger() });
  await publisher.ready();
  const closers: (() => Promise<unknown>)[] = [() => publisher.close()];
  const listenOn = async (listener: RequestListener): Promise<number> => {
    const server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((r) => server.close(r)));
    return (server.address() as AddressInfo).port;
  };
  try {
    const app = express();
    app.use(adapters.express.createExpressRouter(publisher));
    const fastify = Fastify();
    await fastify.register(adapters.fastify.amqpGenFastifyPlugin, { publisher });
    await fastify.listen({ port: 0, host: "127.0.0.1" });
    closers.push(() => fastify.close());
    const hono = new Hono<{ Bindings: { readonly incoming: IncomingMessage } }>();
    hono.route("/", adapters.hono.createHonoApp(publisher));
    const honoPort = await new Promise<number>((resolve) => {
      const server = serve({ fetch: hono.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port));
      closers.push(() => new Promise((r) => server.close(r)));
    });
    const ports = {
      node: await listenOn(mod.createRequestListener(publisher)),
      express: await listenOn(app),
      fastify: (fastify.server.address() as AddressInfo).port,
      hono: honoPort,
    };
    for (const [name, port] of Object.entries(ports)) {
      const res = await fetch(`http://127.0.0.1:${port}/quote/${name}-1`, { method: "POST", body: `from ${name}` });
      assert.is(res.status, 200, name);
      assert.is(res.headers.get("content-type"), "text/plain; charset=utf-8", name);
      assert.is(res.headers.get("content-length"), String(Buffer.byteLength(`quote for ${name}-1: from ${name}`)), name);
      assert.is(await res.text(), `quote for ${name}-1: from ${name}`, name);
    }
  } finally {
    for (const close of closers.reverse()) await close();
  }
});

test.after(async () => {
  if (responder) await responder.model.close().catch(() => undefined);
  if (broker && generated) {
    const { queues, exchanges } = topologyOf(generated.mod);
    await broker.remove(queues, exchanges);
    await broker.close();
  }
});

test.run();
