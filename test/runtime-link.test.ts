/**
 * The broker link's concerns, each on its own and without a broker: the watchdog against a fake
 * clock and a silent socket (watchdog.ts), the reply table (replies.ts), the backoff schedule and
 * the URL list (connection.ts), confirms, back-pressure and returns on a fake channel
 * (confirms.ts), and the topology's refusals on a fake connection (topology.ts). The real-broker
 * behaviour of the whole is in the e2e, fault and reliability tests.
 */
import { EventEmitter } from "node:events";
import type { Channel, ChannelModel } from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Confirms, type Lane, messageLimitError } from "../templates/runtime/confirms.js";
import { backoffDelayMs, brokerUrls } from "../templates/runtime/connection.js";
import { ReplyTable } from "../templates/runtime/replies.js";
import { declareTopology } from "../templates/runtime/topology.js";
import type { BrokerInfo, Logger, Outgoing, RouteInfo } from "../templates/runtime/types.js";
import { ConfirmWatchdog } from "../templates/runtime/watchdog.js";

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
function recording(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

// ---------------------------------------------------------------------------------------------
// watchdog.ts

/** A connection the test controls: its socket's byte count and whether the broker blocks. */
function fakeConnection() {
  const state = { bytes: 0, blocked: false };
  return { state, connection: { bytesRead: () => state.bytes, blocked: () => state.blocked } };
}

test("watchdog: publishes awaiting confirms on a silent connection are a dead connection, once, after the bound", () => {
  let now = 1_000;
  const dead: string[] = [];
  const dog = new ConfirmWatchdog(
    5000,
    (reason) => dead.push(reason),
    () => now,
  );
  const { connection } = fakeConnection();
  dog.start(connection, false);
  dog.sent();
  dog.sent();
  now += 5000;
  dog.check();
  assert.equal(dead, [], "at the bound: not yet");
  now += 1;
  dog.check();
  assert.equal(dead, ["nothing from the broker for 5001 ms with 2 publishes awaiting a confirm"]);
  now += 10_000;
  dog.check();
  assert.is(dead.length, 1, "stopped once it fired");
});

test("watchdog: any byte from the broker, a confirm, a block or nothing awaited keeps the connection alive", () => {
  let now = 0;
  const dead: string[] = [];
  const dog = new ConfirmWatchdog(
    1000,
    (reason) => dead.push(reason),
    () => now,
  );
  const { state, connection } = fakeConnection();
  dog.start(connection, false);
  now = 5000;
  dog.check();
  assert.equal(dead, [], "nothing awaited: a quiet connection is fine");
  const watch = dog.sent();
  now += 900;
  state.bytes += 19; // a heartbeat frame
  dog.check();
  now += 900;
  dog.check();
  assert.equal(dead, [], "heard from 900 ms ago");
  dog.confirmed(watch);
  dog.sent();
  now += 900;
  dog.check();
  assert.equal(dead, [], "a confirm is news too");
  state.blocked = true;
  now += 60_000;
  dog.check();
  assert.equal(dead, [], "a blocked broker holds confirms back on purpose");
  state.blocked = false;
  dog.unblocked();
  dog.check();
  assert.equal(dead, [], "and is heard from when it unblocks");
  now += 1001;
  dog.check();
  assert.is(dead.length, 1);
});

test("watchdog: a confirm from a connection since replaced does not count on the new one", () => {
  let now = 0;
  const dead: string[] = [];
  const dog = new ConfirmWatchdog(
    1000,
    (reason) => dead.push(reason),
    () => now,
  );
  dog.start(fakeConnection().connection, false);
  const old = dog.sent();
  dog.start(fakeConnection().connection, false); // reconnected
  dog.sent();
  dog.confirmed(old);
  assert.is(dog.outstanding, 1, "the new connection still awaits its one confirm");
  now = 1001;
  dog.check();
  assert.is(dead.length, 1);
});

test("watchdog: with its timer, it fires by itself within a few ticks of the bound, and stop() ends it", async () => {
  const dead: string[] = [];
  const dog = new ConfirmWatchdog(100, (reason) => dead.push(reason));
  dog.start(fakeConnection().connection);
  dog.sent();
  await new Promise((r) => setTimeout(r, 400));
  assert.is(dead.length, 1);
  const other = new ConfirmWatchdog(100, (reason) => dead.push(reason));
  other.start(fakeConnection().connection);
  other.sent();
  other.stop();
  await new Promise((r) => setTimeout(r, 300));
  assert.is(dead.length, 1, "a stopped watchdog never fires");
});

// ---------------------------------------------------------------------------------------------
// replies.ts

const replyMessage = (correlationId: unknown, body = "ok", contentType?: unknown) => ({
  content: Buffer.from(body),
  properties: { correlationId, contentType },
});

test("replies: each reply goes to the request with its correlation id; others are late", async () => {
  const table = new ReplyTable();
  const a = table.expect();
  const b = table.expect();
  assert.is.not(a.correlationId, b.correlationId);
  assert.is(table.size, 2);
  table.receive(replyMessage(b.correlationId, "for b", "text/plain"));
  table.receive(replyMessage("not-ours"));
  table.receive(replyMessage(42));
  table.receive(null); // the consumer cancelled
  const got = await b.reply;
  assert.equal([got?.body.toString(), got?.contentType], ["for b", "text/plain"]);
  assert.is(table.late, 2);
  table.forget(a.correlationId);
  table.receive(replyMessage(a.correlationId, "too late"));
  assert.is(table.late, 3, "a reply after its request was answered finds no one");
});

test("replies: a lost connection fails every awaited reply at once, with null", async () => {
  const table = new ReplyTable();
  const waiting = [table.expect(), table.expect(), table.expect()];
  table.failAll();
  assert.equal(await Promise.all(waiting.map((w) => w.reply)), [null, null, null]);
  assert.is(table.size, 0);
});

// ---------------------------------------------------------------------------------------------
// connection.ts

test("backoff: KrakenD's schedule, capped at a minute whatever the attempt", () => {
  assert.equal(
    [1, 2, 3].map((n) => backoffDelayMs("linear", n)),
    [1000, 2000, 3000],
  );
  assert.equal(
    [1, 2, 5].map((n) => backoffDelayMs("exponential", n)),
    [2000, 4000, 32000],
  );
  assert.is(backoffDelayMs("exponential", 6), 60_000, "2^6 s is over the cap");
  assert.is(backoffDelayMs("exponential", 1000), 60_000);
  assert.is(backoffDelayMs("linear", 1000), 16_000, "attempts count up to 16");
  assert.is(backoffDelayMs("fallback", 7), 1000);
  assert.ok(Math.abs(backoffDelayMs("linear-jitter", 3, () => 0) - 2000) < 1e-9, "jitter: -33 %");
});

test("broker URLs: the option (a URL, a list, a function), else AMQP_URL split before each scheme, else the config's hosts", () => {
  const broker: BrokerInfo = { urls: ["amqp://config:5672"], maxRetries: 0, backoff: "fallback" };
  const saved = process.env["AMQP_URL"];
  try {
    delete process.env["AMQP_URL"];
    assert.equal(brokerUrls(undefined, broker, 0), ["amqp://config:5672"]);
    assert.equal(brokerUrls("amqp://one", broker, 0), ["amqp://one"]);
    assert.equal(brokerUrls(["amqp://a", "amqp://b"], broker, 0), ["amqp://a", "amqp://b"]);
    assert.equal(
      brokerUrls((_b, i) => `amqp://broker-${i}`, broker, 3),
      ["amqp://broker-3"],
    );
    process.env["AMQP_URL"] = "amqp://u:pa,ss@h1:5672, amqps://h2:5671";
    assert.equal(brokerUrls(undefined, broker, 0), ["amqp://u:pa,ss@h1:5672", "amqps://h2:5671"], "a comma in a password stays");
  } finally {
    if (saved === undefined) delete process.env["AMQP_URL"];
    else process.env["AMQP_URL"] = saved;
  }
});

// ---------------------------------------------------------------------------------------------
// confirms.ts

const route = (extra: Partial<RouteInfo> = {}): RouteInfo =>
  ({ id: "r", method: "POST", path: "/r", exchange: { name: "x" }, mandatory: false, timeoutMs: 200, ...extra }) as RouteInfo;
const outgoing: Outgoing = { routingKey: "k", options: {} };

/** A lane whose channel is an EventEmitter and whose send the test scripts. */
function fakeLane(send: (callback?: (err: unknown) => void) => boolean): { lane: Lane; channel: EventEmitter } {
  const channel = new EventEmitter();
  const lane = {
    channel: channel as unknown as Channel,
    send: (_x: string, _k: string, _b: Buffer, _o: unknown, _m: boolean, cb?: (err: unknown) => void) => send(cb),
  };
  return { lane, channel };
}

test("confirms: the broker's ack, its nack, a closed channel, no confirm by the deadline, a refused encoding", async () => {
  const dog = new ConfirmWatchdog(0, () => undefined);
  dog.start(fakeConnection().connection, false);
  const confirms = new Confirms(dog, quiet);
  const answer = (confirm: (cb: (err: unknown) => void) => void) => {
    const { lane } = fakeLane((cb) => {
      if (cb) setImmediate(() => confirm(cb));
      return true;
    });
    return confirms.publishConfirmed(lane, route(), outgoing, Buffer.from("b"), Date.now() + 200);
  };
  assert.equal(await answer((cb) => cb(null)), { ok: true });
  assert.equal(await answer((cb) => cb(new Error("nack"))), { ok: false, status: 502, message: "the broker refused the message" });
  const closed = await answer((cb) => cb(new Error("Channel closed")));
  assert.equal(closed.ok ? null : closed.status, 503);
  const late = await answer(() => undefined);
  assert.equal(late, { ok: false, status: 504, message: "the broker did not confirm within 200 ms" });
  const { lane: refusing } = fakeLane(() => {
    throw new RangeError("Encoded field table exceeds the buffer");
  });
  const refused = await confirms.publishConfirmed(refusing, route(), outgoing, Buffer.from("b"), Date.now() + 200);
  assert.equal(refused.ok ? null : refused.status, 400);
  assert.is(dog.outstanding, 1, "only the one never confirmed is still awaited; the refused one was never counted");
});

test("confirms: a full socket makes later publishes wait for drain; a mandatory return before the confirm is a 502", async () => {
  const logger = recording();
  const confirms = new Confirms(new ConfirmWatchdog(0, () => undefined), logger);
  const { lane, channel } = fakeLane(() => false);
  confirms.write(lane, route(), outgoing, Buffer.from("b"));
  const drained = confirms.drained;
  assert.ok(drained, "the socket is full");
  channel.emit("drain");
  await drained;
  assert.is(confirms.drained, null, "drained");

  const { lane: mandatoryLane, channel: mandatoryChannel } = fakeLane((cb) => {
    setImmediate(() => {
      confirms.onReturn(mandatoryChannel as unknown as Channel, "x", "k", Buffer.from("body"));
      setImmediate(() => cb?.(null));
    });
    return true;
  });
  const result = await confirms.publishConfirmed(mandatoryLane, route({ mandatory: true }), outgoing, Buffer.from("body"), Date.now() + 200);
  assert.equal(result, { ok: false, status: 502, message: "the message could not be routed to any queue" });
  assert.match(logger.lines.join("\n"), /returned as unroutable by exchange "x" \(routing key "k"\)/);
});

test("message limits: a body over the broker's limit is 413; headers too big for a small frame are 400; else nothing", () => {
  assert.equal(messageLimitError(outgoing, Buffer.alloc(11), 10, 131072)?.status, 413);
  const headers = { "X-Big": ["x".repeat(5000)] };
  assert.equal(messageLimitError({ routingKey: "k", options: { headers } }, Buffer.alloc(1), 100, 4096)?.status, 400);
  assert.is(messageLimitError({ routingKey: "k", options: { headers } }, Buffer.alloc(1), 100, 131072), null);
});

// ---------------------------------------------------------------------------------------------
// topology.ts

/** A connection whose channels refuse what `refuse` names (closing, as the broker does). */
function fakeModel(refuse: (method: string, name: string) => boolean) {
  const calls: string[] = [];
  let channels = 0;
  const model = {
    createChannel: async () => {
      channels++;
      const call = (method: string) => async (name: string) => {
        calls.push(`${method} ${name}`);
        if (refuse(method, name)) throw new Error(`${method} refused`);
        return {};
      };
      return Object.assign(new EventEmitter(), {
        checkExchange: call("checkExchange"),
        assertExchange: call("assertExchange"),
        assertQueue: call("assertQueue"),
        checkQueue: call("checkQueue"),
        bindQueue: call("bindQueue"),
        close: async () => undefined,
      });
    },
  };
  return { model: model as unknown as ChannelModel, calls, channels: () => channels };
}

const topoRoute = (id: string, exchange: string, queue: string | null, declare = true): RouteInfo =>
  ({
    id,
    method: "POST",
    path: `/${id}`,
    declare,
    exchange: { name: exchange, type: "topic", durable: true, autoDelete: false },
    queue: queue === null ? null : { name: queue, durable: true, bindingKey: "#" },
  }) as RouteInfo;

test("topology: a refused exchange refuses its route only, on a fresh channel after; shared declarations are made once", async () => {
  const { model, calls, channels } = fakeModel((method, name) => method === "assertExchange" && name === "bad");
  const logger = recording();
  const refused = await declareTopology(model, [topoRoute("a", "good", "q"), topoRoute("b", "bad", "q2"), topoRoute("c", "good", "q")], {
    declareQueues: true,
    queueType: "classic",
    logger,
  });
  assert.equal([...refused], [["b", 'cannot declare exchange "bad"']]);
  assert.equal(calls, ["assertExchange good", "assertQueue q", "bindQueue q", "assertExchange bad"], "route c's declarations are route a's");
  assert.is(channels(), 1, "no declaration after the refusal needed a channel");
  assert.match(logger.lines.join("\n"), /error route POST \/b: the broker refused to declare exchange "bad": assertExchange refused/);
});

test("topology: declare false only checks the exchange; a queue that exists with other settings is used as it is", async () => {
  const { model, calls } = fakeModel((method, name) => (method === "checkExchange" && name === "missing") || (method === "assertQueue" && name === "other"));
  const logger = recording();
  const refused = await declareTopology(model, [topoRoute("a", "missing", null, false), topoRoute("b", "x", "other")], {
    declareQueues: true,
    queueType: "classic",
    logger,
  });
  assert.equal([...refused.keys()], ["a"]);
  assert.equal(calls, ["checkExchange missing", "assertExchange x", "assertQueue other", "checkQueue other", "bindQueue other"]);
  assert.match(logger.lines.join("\n"), /warn route POST \/b: queue "other" exists with other settings/);
  const none = await declareTopology(fakeModel(() => false).model, [topoRoute("b", "x", "q")], { declareQueues: false, queueType: "classic", logger: quiet });
  assert.is(none.size, 0);
});

test.run();
