/**
 * No request can make the broker close the channel (issue 10, point 2). Every message property
 * and header a request controls is checked against what RabbitMQ refuses at publish time. For
 * each kind of refusal, a control first shows on a channel of the test's own that the broker (or
 * amqplib) really refuses the raw value; then 10 hostile requests of each kind are mixed, in a
 * shuffled order and concurrently, into 200 valid ones: every valid one is answered 200 and its
 * message is in the queue, every hostile one is a 4xx with a JSON error, nothing hostile is
 * queued, and the publisher never reconnects.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, request, type OutgoingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Channel, ChannelModel, Options } from "amqplib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { AMQP_URL, collectingLogger, generateAndImport, probeBroker, type GenPublisher, type Generated } from "./helpers/broker.js";

const CONFIG = "fixtures/e2e-hostile/krakend.json";
const EXCHANGE = "amqpgen.e2e.hostile";
const QUEUE = "amqpgen.e2e.hostile";
/** Bound to the exchange with a key no valid request uses: a `CC` header must not reach it. */
const CC_QUEUE = "amqpgen.e2e.hostile.cc";
const CC_KEY = "cc.only";
/** The broker's max_message_size for this test (RabbitMQ's default is 128 MiB, too big to send 10 of). */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const VALID = 200;
const WATCHDOG_MS = 1000;
const PER_KIND = 10;

const unhandled: string[] = [];
process.on("unhandledRejection", (reason) => unhandled.push(String(reason)));

function rabbitmqEval(expression: string): string {
  return execFileSync("rabbitmqctl", ["-q", "eval", expression], { encoding: "utf8", timeout: 60_000 }).trim();
}

const probe = await probeBroker();
const noBroker = probe instanceof Error;
if (noBroker && !process.env["CI"]) console.log("SKIPPED: no RabbitMQ at 127.0.0.1:5672; hostile mix tests not run");

let gen: Generated;
let admin: ChannelModel;
let channel: Channel;
let publisher: GenPublisher;
let server: Server;
let port: number;
let savedMaxMessageSize: string | null = null;
const logs = collectingLogger();

/** The UTF-8 bytes of `text` as node:http writes header strings (latin1: one byte per character). */
const wire = (text: string) => Buffer.from(text, "utf8").toString("latin1");

interface Answer {
  status: number;
  body: string;
}

function send(path: string, body: Buffer, headers: OutgoingHttpHeaders): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST", agent: false, headers: { "content-length": body.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", () => resolve({ status: -1, body: "" }));
    });
    // A server that answers 413 before the body is read may reset the socket under the upload.
    req.on("error", () => resolve({ status: -1, body: "" }));
    req.end(body);
  });
}

const path = (exp: string, reply: string, id: string, prio: string, route: string) =>
  `/produce/${encodeURIComponent(exp)}/${encodeURIComponent(reply)}/${encodeURIComponent(id)}/${encodeURIComponent(prio)}/${encodeURIComponent(route)}`;
const validPath = (id: string) => path("60000", "replies", id, "5", "hostile.ok");

interface HostileRequest {
  path: string;
  body?: Buffer;
  headers?: OutgoingHttpHeaders;
}

/**
 * A kind of value RabbitMQ (or amqplib, before it) refuses: `control` publishes it raw and
 * resolves to how it was refused; `request(i)` is the i-th hostile request carrying it.
 */
interface Kind {
  name: string;
  status: number;
  control: (publish: RawPublish) => Promise<string>;
  request: (i: number) => HostileRequest;
}

type RawPublish = (routingKey: string, body: Buffer, options: Options.Publish) => Promise<string>;

const long = "é".repeat(128); // 256 bytes of UTF-8: one more than an AMQP short string holds
const bigHeaders = (): OutgoingHttpHeaders => {
  const headers: OutgoingHttpHeaders = {};
  for (let i = 0; i < 40; i++) headers[`x-big-${i}`] = "v".repeat(2000); // ~80 KB, forwarded by "*"
  return headers;
};

const KINDS: Kind[] = [
  {
    name: "reply-to is the direct reply-to pseudo-queue",
    status: 400,
    control: (raw) => raw("k", Buffer.from("x"), { replyTo: "amq.rabbitmq.reply-to" }),
    request: (i) => ({ path: path("60000", "amq.rabbitmq.reply-to", `h-drt-${i}`, "5", "r") }),
  },
  {
    name: "expiration that is not a non-negative integer",
    status: 400,
    control: (raw) => raw("k", Buffer.from("x"), { expiration: "soon" }),
    request: (i) => ({ path: path(["soon", "-5", "1e3", "99999999999", "+5"][i % 5] ?? "soon", "r", `h-exp-${i}`, "5", "r") }),
  },
  {
    name: "priority outside 0-255",
    status: 400,
    control: (raw) => raw("k", Buffer.from("x"), { priority: 300 }),
    request: (i) => ({ path: path("60000", "r", `h-prio-${i}`, ["256", "-1", "high", "1.5", "9".repeat(40)][i % 5] ?? "256", "r") }),
  },
  {
    name: "routing key over 255 bytes",
    status: 400,
    control: (raw) => raw(long, Buffer.from("x"), {}),
    request: (i) => ({ path: path("60000", "r", `h-rk-${i}`, "5", `${long}${i}`) }),
  },
  {
    name: "reply-to over 255 bytes",
    status: 400,
    control: (raw) => raw("k", Buffer.from("x"), { replyTo: long }),
    request: (i) => ({ path: path("60000", `${long}${i}`, `h-rt-${i}`, "5", "r") }),
  },
  {
    name: "message id over 255 bytes",
    status: 400,
    control: (raw) => raw("k", Buffer.from("x"), { messageId: long }),
    request: (i) => ({ path: path("60000", "r", `${long}${i}`, "5", "r") }),
  },
  {
    name: "Content-Type over 255 bytes",
    status: 400,
    control: (raw) => raw("k", Buffer.from("x"), { contentType: `text/plain; x=${"y".repeat(300)}` }),
    request: (i) => ({ path: validPath(`h-ctlong-${i}`), headers: { "content-type": `text/plain; x=${"y".repeat(300)}` } }),
  },
  {
    name: "header table over amqplib's 64 KiB",
    status: 400,
    control: (raw) => raw("k", Buffer.from("x"), { headers: Object.fromEntries(Object.entries(bigHeaders()).map(([k, v]) => [k, [String(v)]])) }),
    request: (i) => ({ path: validPath(`h-table-${i}`), headers: bigHeaders() }),
  },
  {
    name: "header name over 255 bytes",
    status: 400,
    control: (raw) => raw("k", Buffer.from("x"), { headers: { [`X-${"n".repeat(300)}`]: ["v"] } }),
    request: (i) => ({ path: validPath(`h-name-${i}`), headers: { [`x-${"n".repeat(300)}`]: "v" } }),
  },
  {
    name: "body over the broker's max_message_size",
    status: 413,
    control: (raw) => raw("k", Buffer.alloc(MAX_MESSAGE_BYTES + 1024, 0x61), {}),
    request: (i) => ({ path: validPath(`h-size-${i}`), body: Buffer.alloc(MAX_MESSAGE_BYTES + 1024, 0x61) }),
  },
  {
    name: "header value that is not UTF-8",
    status: 400,
    // Not a broker refusal: published as Node reads it, the value would not be the bytes sent.
    control: async () => mangled("caf\xe9 \xff"),
    request: (i) => ({ path: validPath(`h-utf8-${i}`), headers: { "x-note": "caf\xe9 \xff" } }),
  },
  {
    name: "Content-Type that is not UTF-8",
    status: 400,
    control: async () => mangled("text/plain; charset=\xff"),
    request: (i) => ({ path: validPath(`h-ctutf8-${i}`), headers: { "content-type": "text/plain; charset=\xff" } }),
  },
];

/**
 * What amqplib would write for a header value as Node reads it (latin1, a character per byte):
 * its UTF-8 encoding, which is not the bytes the client sent. A rule of ours, not the broker's.
 */
async function mangled(value: string): Promise<string> {
  const sent = Buffer.from(value, "latin1");
  const written = Buffer.from(value, "utf8");
  return sent.equals(written) ? "accepted" : `amqplib would write ${written.toString("hex")} for the bytes ${sent.toString("hex")}`;
}

/** Publishes one raw message on a throwaway confirm channel: how it was refused, or "accepted". */
async function rawPublish(routingKey: string, body: Buffer, options: Options.Publish): Promise<string> {
  const ch = await admin.createConfirmChannel();
  let closedWith = "";
  ch.on("error", (err: Error) => (closedWith = err.message));
  const outcome = await new Promise<string>((resolve) => {
    try {
      ch.publish(EXCHANGE, routingKey, body, options, (err: unknown) => resolve(err ? "refused" : "accepted"));
    } catch (err) {
      resolve(`amqplib throws ${(err as Error).name}: ${(err as Error).message}`);
    }
  });
  await new Promise((r) => setTimeout(r, 50));
  await ch.close().catch(() => undefined);
  return closedWith ? `broker closes the channel: ${closedWith.replace(/^Channel closed by server: /, "")}` : outcome;
}

/** A deterministic shuffle (mulberry32), so a failing order can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function queuedIds(queue: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const m = await channel.get(queue, { noAck: true });
    if (m === false) return ids;
    ids.push(String(m.properties.messageId));
  }
}

test.before(async () => {
  if (noBroker) {
    if (process.env["CI"]) throw new Error("CI is set but RabbitMQ is not reachable at 127.0.0.1:5672");
    return;
  }
  admin = probe as ChannelModel;
  admin.on("error", () => undefined);
  // The broker reads max_message_size when a channel opens: set it before anything connects.
  savedMaxMessageSize = rabbitmqEval("application:get_env(rabbit, max_message_size).").replace(/^\{ok,(\d+)\}$/, "$1");
  rabbitmqEval(`application:set_env(rabbit, max_message_size, ${MAX_MESSAGE_BYTES}).`);
  gen = await generateAndImport("hostile-mix", readFileSync(CONFIG, "utf8"), CONFIG);
  channel = await admin.createChannel();
  // A short watchdog: a hostile publish that amqplib refused must not be counted as awaiting a confirm.
  publisher = gen.mod.createPublisher({ url: AMQP_URL, logger: logs, maxMessageBytes: MAX_MESSAGE_BYTES, confirmWatchdogMs: WATCHDOG_MS });
  await publisher.ready();
  await channel.assertQueue(CC_QUEUE, { durable: false, autoDelete: false });
  await channel.bindQueue(CC_QUEUE, EXCHANGE, CC_KEY);
  server = createServer({ maxHeaderSize: 256 * 1024 }, gen.mod.createRequestListener(publisher, { maxBodyBytes: 4 * MAX_MESSAGE_BYTES }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  await channel.purgeQueue(QUEUE);
});

test.after(async () => {
  if (noBroker) return;
  if (savedMaxMessageSize !== null && /^\d+$/.test(savedMaxMessageSize)) rabbitmqEval(`application:set_env(rabbit, max_message_size, ${savedMaxMessageSize}).`);
  server?.closeAllConnections();
  server?.close();
  await publisher?.close();
  await channel.deleteQueue(CC_QUEUE).catch(() => undefined);
  await channel.deleteQueue(QUEUE).catch(() => undefined);
  await channel.deleteExchange(EXCHANGE).catch(() => undefined);
  await admin.close().catch(() => undefined);
  assert.equal(unhandled, []);
});

const it = (name: string, fn: () => Promise<void>) =>
  test(name, async () => {
    if (!noBroker) await fn();
  });

it("controls: each hostile value, published raw, is refused by the broker or by amqplib", async () => {
  console.log("");
  for (const kind of KINDS) {
    const outcome = await kind.control(rawPublish);
    console.log(`  [control] ${kind.name}: ${outcome}`);
    assert.is.not(outcome, "accepted", `${kind.name}: the raw value was accepted, so the 4xx would guard nothing`);
  }
});

it(`${PER_KIND} hostile requests of each of ${KINDS.length} kinds mixed into ${VALID} valid ones: all valid 200, all hostile 4xx, no reconnect`, async () => {
  type Planned = { kind: Kind | null; id: string; req: HostileRequest };
  const planned: Planned[] = [];
  for (let i = 0; i < VALID; i++) planned.push({ kind: null, id: `valid-${i}`, req: { path: validPath(`valid-${i}`), body: Buffer.from(`{"n":${i}}`) } });
  for (const kind of KINDS) for (let i = 0; i < PER_KIND; i++) planned.push({ kind, id: `${kind.name}#${i}`, req: kind.request(i) });
  const order = shuffled(planned, 20261201);
  const answers = new Map<string, Answer>();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const item = order[next++] as Planned;
      answers.set(item.id, await send(item.req.path, item.req.body ?? Buffer.from("{}"), { "content-type": "application/json", ...item.req.headers }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const ms = performance.now() - started;

  const validAnswers = planned.filter((p) => p.kind === null).map((p) => answers.get(p.id)?.status);
  const queued = await queuedIds(QUEUE);
  const stats = publisher.stats().brokers[0];
  const lines: string[] = [];
  for (const kind of KINDS) {
    const statuses = planned.filter((p) => p.kind === kind).map((p) => answers.get(p.id)?.status);
    lines.push(`${kind.name}: ${statuses.filter((s) => s === kind.status).length}/${PER_KIND} × ${kind.status}`);
  }
  console.log(
    `\n  [hostile mix] ${order.length} requests in ${ms.toFixed(0)} ms: valid ${validAnswers.filter((s) => s === 200).length}/${VALID} × 200, ` +
      `messages queued ${queued.length}, connections opened ${stats?.connections}, dead ${stats?.deadConnections}\n    ${lines.join("\n    ")}`,
  );

  // Idle for longer than the watchdog: nothing may be left counted as awaiting a confirm.
  await new Promise((r) => setTimeout(r, WATCHDOG_MS * 2));
  assert.is(publisher.stats().brokers[0]?.deadConnections, 0, "the watchdog found no publish left waiting");
  assert.equal(
    validAnswers.filter((s) => s !== 200),
    [],
    "every valid request is answered 200",
  );
  for (const p of planned.filter((x) => x.kind !== null)) {
    const answer = answers.get(p.id) as Answer;
    const kind = p.kind as Kind;
    assert.is(answer.status, kind.status, `${p.id}: got ${answer.status} ${answer.body.slice(0, 160)}`);
    assert.type((JSON.parse(answer.body) as { error?: unknown }).error, "string", `${p.id}: a JSON error`);
  }
  assert.equal(
    queued.sort(),
    planned
      .filter((p) => p.kind === null)
      .map((p) => p.id)
      .sort(),
    "exactly the valid messages are queued",
  );
  assert.is(stats?.connections, 1, "the publisher never reconnected");
  assert.is(stats?.deadConnections, 0);
  assert.not.ok(
    logs.lines.some((l) => /channel error|connection to the broker closed|connection error/.test(l.message)),
    `no channel or connection was lost: ${logs.lines.map((l) => l.message).join(" | ")}`,
  );
});

it("a CC or BCC request header reroutes nothing: it travels as Cc/Bcc, which RabbitMQ does not read", async () => {
  for (const [i, name] of ["cc", "CC", "bcc", "BCC"].entries()) {
    const res = await send(validPath(`cc-${i}`), Buffer.from("{}"), { [name]: CC_KEY });
    assert.is(res.status, 200, `${name}: ${res.body}`);
  }
  const messages: Record<string, unknown>[] = [];
  for (;;) {
    const m = await channel.get(QUEUE, { noAck: true });
    if (m === false) break;
    messages.push(m.properties.headers as Record<string, unknown>);
  }
  assert.is(messages.length, 4);
  for (const headers of messages) {
    assert.not.ok("CC" in headers || "BCC" in headers, `no header named CC/BCC: ${Object.keys(headers).join(", ")}`);
    assert.ok("Cc" in headers || "Bcc" in headers, "the header itself is forwarded, canonical");
  }
  assert.is(await channel.get(CC_QUEUE, { noAck: true }), false, "nothing was routed to the CC key's queue");
});

it("header values travel byte for byte: UTF-8 beyond ASCII arrives as sent, in headers and Content-Type", async () => {
  const note = "Grüße ✓ 日本語 🙂";
  const type = "text/plain; charset=utf-8; note=Grüße";
  const res = await send(validPath("utf8-ok"), Buffer.from("{}"), { "x-note": wire(note), "content-type": wire(type), "x-ascii": "plain" });
  assert.is(res.status, 200, res.body);
  const m = await channel.get(QUEUE, { noAck: true });
  assert.ok(m, "the message is queued");
  if (!m) return;
  const headers = m.properties.headers as Record<string, unknown>;
  assert.equal(headers["X-Note"], [note]);
  assert.equal(headers["X-Ascii"], ["plain"]);
  assert.equal(headers["Content-Type"], [type]);
  assert.is(m.properties.contentType, type);
});

it('hop-by-hop headers are never forwarded, even with "*": Connection and what it names, Keep-Alive, TE, Trailer, Transfer-Encoding, Proxy-Connection, Upgrade', async () => {
  const res = await new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: validPath("hop"),
        method: "POST",
        agent: false,
        headers: {
          connection: "keep-alive, X-Hop-Secret",
          "keep-alive": "timeout=5",
          "x-hop-secret": "for the next hop only",
          te: "trailers",
          trailer: "X-Checksum",
          "proxy-connection": "keep-alive",
          upgrade: "h2c",
          "transfer-encoding": "chunked",
          "x-kept": "yes",
        },
      },
      (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.write("{");
    req.end("}");
  });
  assert.is(res.status, 200, res.body);
  const m = await channel.get(QUEUE, { noAck: true });
  assert.ok(m, "the message is queued");
  if (!m) return;
  const names = Object.keys(m.properties.headers as Record<string, unknown>);
  for (const hop of ["Connection", "Keep-Alive", "X-Hop-Secret", "Te", "Trailer", "Proxy-Connection", "Upgrade", "Transfer-Encoding"]) {
    assert.not.ok(names.includes(hop), `${hop} was forwarded: ${names.join(", ")}`);
  }
  assert.ok(names.includes("X-Kept"), "an end-to-end header beside them is forwarded");
  assert.is(m.content.toString(), "{}", "the chunked body arrives whole");
});

test.run();
