// The "@amqp-gen" block on the real broker: each exchange type declared and routed, declaration
// arguments as the broker lists them (`rabbitmqctl`), priorities that now take effect, and
// `declare: false` against a topology declared beforehand and against a missing exchange.
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672 and rabbitmqctl. Without them the tests
// are skipped with one message, unless CI is set, in which case they fail.
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  AMQP_URL,
  TestBroker,
  brokerTests,
  collectingLogger,
  generateAndImport,
  probeBroker,
  topologyOf,
  type CollectingLogger,
  type GenPublisher,
  type Generated,
} from "./helpers/broker.js";

const P = "amqpgen.topology.";
const producer = (name: string, block: Record<string, unknown>, endpoint = `/${name}/{key}`) => ({
  endpoint,
  method: "POST",
  backend: [
    {
      host: ["amqp://127.0.0.1:5672"],
      disable_host_sanitize: true,
      extra_config: { "backend/amqp/producer": { name: `${P}${name}`, exchange: `${P}${name}`, routing_key: "Key", ...block } },
    },
  ],
});

const CONFIG = {
  version: 3,
  endpoints: [
    producer("topic", {}),
    producer("direct", { routing_key: "orders.new", static_routing_key: true, "@amqp-gen": { exchange_type: "direct" } }),
    producer("fanout", { "@amqp-gen": { exchange_type: "fanout" } }),
    producer("headers", { "@amqp-gen": { exchange_type: "headers" } }),
    producer(
      "priority",
      {
        durable: true,
        priority_key: "Prio",
        "@amqp-gen": {
          exchange_arguments: { "alternate-exchange": `${P}unrouted` },
          queue_arguments: { "x-max-priority": 5, "x-message-ttl": 600000, "x-dead-letter-exchange": `${P}dead` },
        },
      },
      "/priority/{key}/{prio}",
    ),
    producer("attached", { name: `${P}attached-never-declared`, exchange: `${P}managed`, "@amqp-gen": { declare: false } }),
    producer("missing", { name: `${P}missing-never-declared`, exchange: `${P}missing`, "@amqp-gen": { declare: false } }),
  ],
};

const probe = await probeBroker();
const noBroker = probe instanceof Error;
const hasCtl = spawnSync("rabbitmqctl", ["list_queues", "-q", "name"], { stdio: "ignore" }).status === 0;
if (!noBroker) await probe.close();
const skipAll = (noBroker || !hasCtl) && !process.env["CI"];
if (skipAll) console.log(`SKIPPED: no ${noBroker ? "RabbitMQ at 127.0.0.1:5672" : "rabbitmqctl"}; topology tests not run`);

let generated: Generated | null = null;
let broker: TestBroker | null = null;
let publisher: GenPublisher | null = null;
let server: Server | null = null;
let base = "";
let logger: CollectingLogger = collectingLogger();
let setupError: Error | null = null;
const MANAGED = { exchange: `${P}managed`, queue: `${P}managed-queue` };

if (!skipAll) {
  try {
    if (noBroker || !hasCtl) throw new Error("CI is set but RabbitMQ or rabbitmqctl is not available");
    generated = await generateAndImport("topology", JSON.stringify(CONFIG), "krakend.json");
    const model = await probeBroker();
    if (model instanceof Error) throw model;
    broker = await TestBroker.open(model);
    const { queues, exchanges } = topologyOf(generated.mod);
    await broker.remove([...queues, MANAGED.queue], [...exchanges, `${P}unrouted`, `${P}dead`]);
    // The topology the `declare: false` route attaches to, made by someone else (here, the test).
    await broker.attempt(async (ch) => {
      await ch.assertExchange(MANAGED.exchange, "direct", { durable: false });
      await ch.assertQueue(MANAGED.queue, { durable: false });
      await ch.bindQueue(MANAGED.queue, MANAGED.exchange, "k1");
    });
    logger = collectingLogger();
    publisher = generated.mod.createPublisher({ url: AMQP_URL, logger });
    await publisher.ready();
    server = createServer(generated.mod.createRequestListener(publisher));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
}

const brokerTest = brokerTests(skipAll, () => setupError);
const post = (path: string, body = "hello") => fetch(base + path, { method: "POST", body });

/** `rabbitmqctl list_<what> name <column>`: each name of ours with its column, as printed. */
function listed(what: "queues" | "exchanges", column: string): Map<string, string> {
  const out = spawnSync("rabbitmqctl", [`list_${what}`, "-q", "--no-table-headers", "name", column], { encoding: "utf8" });
  assert.is(out.status, 0, out.stderr);
  const rows = out.stdout
    .split("\n")
    .map((line) => line.split("\t"))
    .filter(([name]) => name?.startsWith(P));
  return new Map(rows.map(([name, value]) => [name as string, value ?? ""]));
}

brokerTest("each exchange type is declared as configured and routes the message to its queue", async () => {
  const types = listed("exchanges", "type");
  for (const type of ["topic", "direct", "fanout", "headers"]) assert.is(types.get(`${P}${type}`), type, `exchange ${P}${type}`);
  for (const [type, key] of [
    ["topic", "a.b"],
    ["direct", "ignored-by-the-static-key"],
    ["fanout", "anything"],
    ["headers", "anything"],
  ] as const) {
    const res = await post(`/${type}/${key}`, `to ${type}`);
    assert.is(res.status, 200, `${type}: ${await res.text()}`);
    const message = await broker?.takeOnly(`${P}${type}`);
    assert.is(message?.content.toString(), `to ${type}`);
  }
});

brokerTest("exchange and queue arguments are on the broker, and priorities take effect", async () => {
  const queueArgs = listed("queues", "arguments").get(`${P}priority`) ?? "";
  assert.match(queueArgs, /x-max-priority.*5/, queueArgs);
  assert.match(queueArgs, /x-message-ttl.*600000/, queueArgs);
  assert.match(queueArgs, new RegExp(`x-dead-letter-exchange.*${P.replaceAll(".", "\\.")}dead`), queueArgs);
  const exchangeArgs = listed("exchanges", "arguments").get(`${P}priority`) ?? "";
  assert.match(exchangeArgs, new RegExp(`alternate-exchange.*${P.replaceAll(".", "\\.")}unrouted`), exchangeArgs);
  // A priority queue hands out the higher priority first, whatever the order of publishing.
  for (const prio of [1, 4, 2]) assert.is((await post(`/priority/k/${prio}`, `prio ${prio}`)).status, 200);
  const order: string[] = [];
  for (let i = 0; i < 3; i++) {
    const message = await broker?.get(`${P}priority`);
    assert.ok(message, `message ${i}`);
    order.push(message.content.toString());
  }
  assert.equal(order, ["prio 4", "prio 2", "prio 1"]);
});

brokerTest("declare: false publishes to a topology declared elsewhere and declares nothing itself", async () => {
  const res = await post("/attached/k1", "to managed");
  assert.is(res.status, 200, await res.text());
  const message = await broker?.takeOnly(MANAGED.queue);
  assert.is(message?.content.toString(), "to managed");
  assert.not.ok(await broker?.queueExists(`${P}attached-never-declared`), "the route's queue name was not declared");
  assert.is(listed("exchanges", "type").get(MANAGED.exchange), "direct", "the exchange kept its own type");
});

brokerTest("declare: false with a missing exchange: 503 for that route alone, logged with its name, never created", async () => {
  const res = await post("/missing/k", "lost");
  assert.is(res.status, 503);
  assert.match(await res.text(), `${P}missing`);
  assert.ok(
    logger.lines.some((l) => l.level === "error" && l.message.includes(`"${P}missing"`)),
    `a log line names the exchange: ${JSON.stringify(logger.lines)}`,
  );
  assert.not.ok(await broker?.exchangeExists(`${P}missing`), "the exchange was not created");
  // Every other route still publishes: the refusal cost nothing else.
  assert.is((await post("/topic/x", "still")).status, 200);
  assert.is((await broker?.takeOnly(`${P}topic`))?.content.toString(), "still");
});

test.after(async () => {
  server?.close();
  await publisher?.close();
  if (broker && generated) {
    const { queues, exchanges } = topologyOf(generated.mod);
    await broker.remove([...queues, MANAGED.queue], [...exchanges, `${P}unrouted`, `${P}dead`]);
    await broker.close();
  }
});

test.run();
