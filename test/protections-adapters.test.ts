// Every protection stage (CORS, host check, bot detector, rate limit), through the node:http
// listener and the Express, Fastify and Hono adapters: the same requests get the same answers,
// request by request, with no wiring by the user.
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672. Without it the test is skipped with one
// message, unless CI is set, in which case it fails.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import express, { type Router } from "express";
import Fastify, { type FastifyPluginAsync } from "fastify";
import { Hono } from "hono";
import * as assert from "uvu/assert";
import { test } from "uvu";
import {
  AMQP_URL,
  brokerTests,
  collectingLogger,
  type Generated,
  type GenPublisher,
  generateAndImport,
  probeBroker,
  rawRequest,
  TestBroker,
  takeAllIds,
  topologyOf,
} from "./helpers/broker.js";

const P = "amqpgen.guarded.";
const QUEUE = `${P}messages`;
const ORIGIN = "https://app.example.com";
const HOST = "api.example.com";

const CONFIG = JSON.stringify({
  version: 3,
  extra_config: {
    "security/cors": { allow_origins: [ORIGIN], allow_headers: ["Content-Type", "X-Client"], expose_headers: ["X-Krakend-Completed"] },
    "security/http": { allowed_hosts: [HOST], frame_deny: true, content_type_nosniff: true },
    "security/bot-detector": { patterns: ["(?i)bot"] },
  },
  endpoints: [
    {
      endpoint: "/orders/{id}",
      method: "POST",
      extra_config: { "qos/ratelimit/router": { max_rate: 1000, client_max_rate: 1, client_capacity: 1, strategy: "header", key: "X-Client" } },
      backend: [
        {
          host: ["amqp://127.0.0.1:5672"],
          disable_host_sanitize: true,
          extra_config: { "backend/amqp/producer": { name: QUEUE, exchange: `${P}x`, routing_key: "Id", msg_id_key: "Id" } },
        },
      ],
    },
  ],
});

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (!noBroker) await probe.close();
const skipAll = noBroker && !process.env["CI"];
if (skipAll) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; protections through the adapters not tested");

let generated: Generated | null = null;
let broker: TestBroker | null = null;
let setupError: Error | null = null;
if (!skipAll) {
  try {
    if (noBroker) throw new Error("CI is set but RabbitMQ is not reachable");
    generated = await generateAndImport("guarded", CONFIG, "krakend.json", ["express", "fastify", "hono"]);
    const model = await probeBroker();
    if (model instanceof Error) throw model;
    broker = await TestBroker.open(model);
    const { queues, exchanges } = topologyOf(generated.mod);
    await broker.remove(queues, exchanges);
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
}

const it = brokerTests(skipAll, () => setupError);

test.after(async () => {
  if (broker && generated) {
    const { queues, exchanges } = topologyOf(generated.mod);
    await broker.remove(queues, exchanges);
    await broker.close();
  }
});

interface Adapters {
  express: { createExpressRouter(publisher: GenPublisher): Router };
  fastify: { amqpGenFastifyPlugin: FastifyPluginAsync<{ publisher: GenPublisher }> };
  hono: { createHonoApp(publisher: GenPublisher): Hono };
}

/** The headers an answer is compared on. */
const COMPARED = [
  "access-control-allow-origin",
  "access-control-allow-methods",
  "access-control-expose-headers",
  "vary",
  "x-frame-options",
  "x-content-type-options",
  "retry-after",
];

it("the listener and the three adapters answer every protection alike, request by request", async () => {
  const g = generated as Generated;
  const load = async <T>(name: string) => (await import(pathToFileURL(join(g.dir, "adapters", `${name}.ts`)).href)) as T;
  const adapters = {
    express: await load<Adapters["express"]>("express"),
    fastify: await load<Adapters["fastify"]>("fastify"),
    hono: await load<Adapters["hono"]>("hono"),
  };
  const publisher = g.mod.createPublisher({ url: AMQP_URL, logger: collectingLogger() });
  await publisher.ready();
  const servers: Server[] = [];
  const listen = async (listener: Parameters<typeof createServer>[1]) => {
    const server = createServer(listener);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  };
  const app = express();
  app.use("/amqp", adapters.express.createExpressRouter(publisher));
  const fastify = Fastify();
  await fastify.register(adapters.fastify.amqpGenFastifyPlugin, { publisher, prefix: "/amqp" });
  await fastify.listen({ port: 0, host: "127.0.0.1" });
  const hono = new Hono();
  hono.route("/amqp", adapters.hono.createHonoApp(publisher));
  const honoServer = await new Promise<Server>((resolve) => {
    const server = serve({ fetch: hono.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(server as Server));
  });
  servers.push(honoServer);
  const targets = [
    { name: "node", port: await listen(g.mod.createRequestListener(publisher)), base: "" },
    { name: "express", port: await listen(app), base: "/amqp" },
    { name: "fastify", port: (fastify.server.address() as AddressInfo).port, base: "/amqp" },
    { name: "hono", port: (honoServer.address() as AddressInfo).port, base: "/amqp" },
  ];
  const browser = { host: HOST, origin: ORIGIN, "user-agent": "Mozilla/5.0", "content-type": "application/json" };
  // [what, method, headers (X-Client gets the target's name: each has its own bucket)]
  const requests: [string, string, Record<string, string>][] = [
    [
      "a preflight from the allowed origin",
      "OPTIONS",
      { host: HOST, origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-client" },
    ],
    ["a Host not allowed", "POST", { ...browser, host: "evil.example", "x-client": "c" }],
    ["a bot", "POST", { ...browser, "user-agent": "SomeBot/1.0", "x-client": "c" }],
    ["no client key", "POST", browser],
    ["an accepted request", "POST", { ...browser, "x-client": "c" }],
    ["the same client again", "POST", { ...browser, "x-client": "c" }],
  ];
  try {
    let n = 0;
    for (const [what, method, headers] of requests) {
      const answers: string[] = [];
      for (const target of targets) {
        const sent = { ...headers, ...(headers["x-client"] ? { "x-client": `${headers["x-client"]}-${target.name}` } : {}) };
        const response = await rawRequest(
          target.port,
          method,
          `${target.base}/orders/${target.name}-${n}`,
          sent,
          method === "POST" ? Buffer.from("{}") : undefined,
        );
        const compared = COMPARED.map((name) => `${name}=${String(response.headers[name] ?? "")}`).join(" ");
        answers.push(`${response.status} ${compared} ${response.body}`);
      }
      n++;
      for (const [i, answer] of answers.entries()) assert.is(answer, answers[0], `${what}: ${targets[i]?.name} differs from node:http`);
    }
  } finally {
    await fastify.close();
    for (const server of servers) {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await publisher.close();
  }
  assert.equal([...(await takeAllIds(AMQP_URL, QUEUE))].sort(), ["express-4", "fastify-4", "hono-4", "node-4"], "one accepted request per target");
});

test.run();
