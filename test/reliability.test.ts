/**
 * The publish path's promises that need no broker outage (issue 3): nacks, refused
 * declarations, a deleted exchange, the in-flight cap, fire-and-forget, graceful close.
 * Real broker; the only thing arranged by hand is broker state (queues, exchanges).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Channel, ChannelModel } from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  AMQP_URL,
  collectingLogger,
  generateAndImport,
  probeBroker,
  sleep,
  type GenPublisher,
  type GenPublisherOptions,
  type Generated,
} from "./helpers/broker.js";
import { send } from "./helpers/load.js";

const CONFIG = "fixtures/e2e-reliability/krakend.json";
const unhandled: string[] = [];
process.on("unhandledRejection", (reason) => unhandled.push(`unhandledRejection: ${String(reason)}`));
process.on("uncaughtException", (err) => unhandled.push(`uncaughtException: ${err.message}`));

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (noBroker && !process.env["CI"]) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; reliability tests not run");

let gen: Generated;
let admin: ChannelModel;
let channel: Channel;

type Options = GenPublisherOptions & { maxInFlight?: number; confirm?: boolean };

async function service(options: Options = {}) {
  const logs = collectingLogger();
  const publisher: GenPublisher = gen.mod.createPublisher({ url: AMQP_URL, ...options, logger: logs });
  const server: Server = createServer(gen.mod.createRequestListener(publisher));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    logs,
    publisher,
    port,
    async close() {
      server.closeAllConnections();
      server.close();
      await publisher.close();
    },
  };
}

async function messageIds(queue: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (;;) {
    const m = await channel.get(queue, { noAck: true });
    if (m === false) return ids;
    ids.add(String(m.properties.messageId));
  }
}

async function cleanBrokerState(): Promise<void> {
  for (const q of ["amqpgen.e2e.rel", "amqpgen.e2e.rel.nack"]) await channel.deleteQueue(q);
  for (const e of ["amqpgen.e2e.rel", "amqpgen.e2e.rel.nack", "amqpgen.e2e.rel.clash"]) await channel.deleteExchange(e);
}

test.before(async () => {
  if (noBroker) {
    if (process.env["CI"]) throw new Error("CI is set but RabbitMQ is not reachable at 127.0.0.1:5672");
    return;
  }
  gen = await generateAndImport("reliability", readFileSync(CONFIG, "utf8"), CONFIG);
  admin = probe as ChannelModel;
  admin.on("error", () => undefined);
  channel = await admin.createChannel();
  channel.on("error", () => undefined);
  await cleanBrokerState();
});

test.after(async () => {
  if (noBroker) return;
  await cleanBrokerState();
  await admin.close();
  assert.equal(unhandled, [], "no unhandled rejection or error event");
});

const it = (name: string, fn: () => Promise<void>) =>
  test(name, async () => {
    if (!noBroker) await fn();
  });

it("a nack is a 502, and the publish path stays healthy", async () => {
  // A queue that rejects every publish: the broker nacks the message.
  await channel.assertExchange("amqpgen.e2e.rel.nack", "topic", { durable: true });
  await channel.assertQueue("amqpgen.e2e.rel.nack", { durable: true, arguments: { "x-max-length": 0, "x-overflow": "reject-publish" } });
  await channel.bindQueue("amqpgen.e2e.rel.nack", "amqpgen.e2e.rel.nack", "nack");
  const s = await service();
  try {
    await s.publisher.ready();
    const res = await send(s.port, "/nack/n-1", "{}");
    assert.is(res.status, 502);
    assert.equal(JSON.parse(res.body), { error: "the broker refused the message" });
    assert.is((await send(s.port, "/ok/after-nack", "{}")).status, 200);
    assert.ok((await messageIds("amqpgen.e2e.rel")).has("after-nack"));
  } finally {
    await s.close();
    await channel.deleteQueue("amqpgen.e2e.rel.nack");
  }
});

it("a declaration the broker refuses names the route and exchange, answers 503 for that route only, and crashes nothing", async () => {
  // Earlier publishers declared it as topic; make it a direct exchange of the same name.
  await channel.deleteExchange("amqpgen.e2e.rel.clash");
  await channel.assertExchange("amqpgen.e2e.rel.clash", "direct", { durable: true });
  const s = await service();
  try {
    await s.publisher.ready();
    const error = s.logs.lines.find((l) => l.level === "error");
    assert.ok(error, "an error is logged at start-up");
    assert.match(error.message, "POST /clash/{id}");
    assert.match(error.message, '"amqpgen.e2e.rel.clash"');
    assert.match(error.message, /PRECONDITION_FAILED|inequivalent/);
    const clash = await send(s.port, "/clash/c-1", "{}");
    assert.is(clash.status, 503);
    assert.match(clash.body, "amqpgen.e2e.rel.clash");
    assert.is((await send(s.port, "/ok/beside-clash", "{}")).status, 200);
  } finally {
    await s.close();
    await channel.deleteExchange("amqpgen.e2e.rel.clash");
  }
});

it("an exchange deleted under the publisher: honest failure, then it is declared again and publishing heals", async () => {
  const s = await service();
  try {
    await s.publisher.ready();
    assert.is((await send(s.port, "/ok/before-delete", "{}")).status, 200);
    await channel.deleteExchange("amqpgen.e2e.rel");
    const failed = await send(s.port, "/ok/while-missing", "{}");
    assert.ok(failed.status === 503 || failed.status === 502, `got ${failed.status}`);
    const t = performance.now();
    let status = 0;
    while (performance.now() - t < 10_000) {
      status = (await send(s.port, "/ok/healed", "{}")).status;
      if (status === 200) break;
      await sleep(50);
    }
    console.log(`\n  [deleted exchange] first failure ${failed.status}; 2xx again after ${(performance.now() - t).toFixed(0)} ms`);
    assert.is(status, 200);
    await channel.checkExchange("amqpgen.e2e.rel");
    assert.ok((await messageIds("amqpgen.e2e.rel")).has("healed"));
  } finally {
    await s.close();
  }
});

it("maxInFlight caps publishes awaiting a confirm: beyond it 503 at once, every 2xx delivered", async () => {
  const s = await service({ maxInFlight: 1 });
  try {
    await s.publisher.ready();
    await messageIds("amqpgen.e2e.rel");
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => send(s.port, `/ok/cap-${i}`, "{}").then((r) => ({ ...r, id: `cap-${i}` }))));
    const ids = await messageIds("amqpgen.e2e.rel");
    const capped = answers.filter((a) => a.status === 503);
    console.log(`\n  [maxInFlight 1] 100 concurrent: ${answers.length - capped.length} × 200, ${capped.length} × 503`);
    assert.ok(capped.length > 0, "some requests hit the cap");
    assert.ok(capped.every((a) => a.body.includes("too many messages awaiting the broker") && a.headers["retry-after"] === "1"));
    assert.ok(answers.every((a) => a.status === 200 || a.status === 503));
    assert.ok(answers.filter((a) => a.status === 200).every((a) => ids.has(a.id)));
  } finally {
    await s.close();
  }
});

it("large bodies at once: every 2xx message arrives whole", async () => {
  const s = await service();
  try {
    await s.publisher.ready();
    await messageIds("amqpgen.e2e.rel");
    const body = "x".repeat(900 * 1024);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => send(s.port, `/ok/big-${i}`, body).then((r) => ({ ...r, id: `big-${i}` }))));
    assert.equal(
      answers.map((a) => a.status),
      answers.map(() => 200),
    );
    let count = 0;
    for (;;) {
      const m = await channel.get("amqpgen.e2e.rel", { noAck: true });
      if (m === false) break;
      assert.is(m.content.length, body.length);
      count++;
    }
    assert.is(count, 40);
  } finally {
    await s.close();
  }
});

it("fire-and-forget (confirm: false) is KrakenD's mode: 200 without waiting for a confirm", async () => {
  const s = await service({ confirm: false });
  try {
    await s.publisher.ready();
    const res = await send(s.port, "/ok/fire-1", "{}");
    assert.is(res.status, 200);
    await sleep(200);
    assert.ok((await messageIds("amqpgen.e2e.rel")).has("fire-1"));
  } finally {
    await s.close();
  }
});

/** Channels of the broker's connections named as the runtime names its own (rabbitmqctl). */
function publisherChannels(): number[] {
  const res = spawnSync("rabbitmqctl", ["list_connections", "-q", "--formatter", "json", "client_properties", "channels"], { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`rabbitmqctl list_connections: ${res.stderr}`);
  const rows = JSON.parse(res.stdout) as { client_properties: unknown; channels: number }[];
  return rows.filter((row) => JSON.stringify(row.client_properties).includes("amqp-gen publisher")).map((row) => row.channels);
}

it("publishChannels: publishes take turns over that many channels of one connection, and every one is confirmed and delivered", async () => {
  assert.throws(() => gen.mod.createPublisher({ url: AMQP_URL, publishChannels: 0 }), /publishChannels must be a whole number of at least 1, not 0/);
  const s = await service({ publishChannels: 3 });
  try {
    await s.publisher.ready();
    // Three publishing channels and the one that declared the topology (closed since).
    assert.equal(publisherChannels(), [3]);
    const ids = Array.from({ length: 30 }, (_, i) => `lane-${i}`);
    const answers = await Promise.all(ids.map((id) => send(s.port, `/ok/${id}`, "{}")));
    assert.equal(
      answers.map((a) => a.status),
      ids.map(() => 200),
    );
    const delivered = await messageIds("amqpgen.e2e.rel");
    for (const id of ids) assert.ok(delivered.has(id), id);
  } finally {
    await s.close();
  }
});

it("close() stops accepting, waits for outstanding confirms, and closes cleanly", async () => {
  const s = await service();
  await s.publisher.ready();
  await messageIds("amqpgen.e2e.rel");
  const inFlight = Array.from({ length: 50 }, (_, i) => send(s.port, `/ok/closing-${i}`, "{}").then((r) => ({ ...r, id: `closing-${i}` })));
  await sleep(1);
  const closing = s.publisher.close();
  const after = await send(s.port, "/ok/after-close", "{}");
  await closing;
  const answers = await Promise.all(inFlight);
  const ids = await messageIds("amqpgen.e2e.rel");
  await s.close();
  assert.is(after.status, 503);
  assert.match(after.body, "shutting down");
  assert.ok(answers.every((a) => a.status === 200 || a.status === 503));
  assert.ok(
    answers.filter((a) => a.status === 200).every((a) => ids.has(a.id)),
    "every 2xx answered around close() was delivered",
  );
  assert.not.ok(ids.has("after-close"));
});

test.run();
