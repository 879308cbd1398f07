// A second, real client reads every field: the generated handlers publish, and pika (Python,
// /usr/bin/python3, Debian's python3-pika) reads the queue and reports each property as it
// decoded it, Python type and value (test/helpers/pika_consume.py). amqplib reading back what
// amqplib wrote proves little about the wire; this checks the bytes another stack sees: header
// arrays of str with exact non-ASCII values, a repeated header, timestamp, priority,
// expiration, message id, reply-to, delivery mode, content type, binary body.
//
// Needs RabbitMQ at amqp://guest:guest@127.0.0.1:5672 and pika. Without either, outside CI,
// one SKIPPED line and every test is skipped; with CI set, every test fails instead.
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect as tcp, type AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  AMQP_URL,
  ROOT,
  TestBroker,
  brokerTests,
  collectingLogger,
  generateAndImport,
  probeBroker,
  rawRequest,
  sleep,
  TEST_TIMEOUT_MS,
  withTimeout,
  type GenPublisher,
  type Generated,
} from "./helpers/broker.js";

const CONFIG = "fixtures/e2e-pika/krakend.json";
const QUEUE = "amqpgen.e2e.pika";
const EXCHANGE = "amqpgen.e2e.pika";
const PYTHON = "/usr/bin/python3";
const SCRIPT = join(ROOT, "test", "helpers", "pika_consume.py");
const CLIENT_UA = "pika-test-client/1.0";

// ---------------------------------------------------------------------------------------------
// What pika_consume.py prints
// ---------------------------------------------------------------------------------------------

/** One value as pika decoded it: the Python type name, and the value in the field for that type. */
interface Py {
  readonly type: string;
  readonly value?: string | number | boolean;
  readonly hex?: string;
  readonly items?: readonly Py[];
  readonly entries?: readonly { readonly key: Py; readonly value: Py }[];
  readonly repr?: string;
}

const PROPERTIES = [
  "content_type",
  "content_encoding",
  "headers",
  "delivery_mode",
  "priority",
  "correlation_id",
  "reply_to",
  "expiration",
  "message_id",
  "timestamp",
  "type",
  "user_id",
  "app_id",
  "cluster_id",
] as const;
type Property = (typeof PROPERTIES)[number];

interface PikaMessage {
  readonly method: { readonly exchange: Py; readonly routing_key: Py; readonly redelivered: Py };
  readonly properties: Readonly<Record<Property, Py>>;
  readonly body: Py;
}

interface PikaRead {
  readonly python: string;
  readonly pika: string;
  readonly queue: string;
  /** A message was still in the queue after the last empty basic_get. */
  readonly left: boolean;
  readonly ms: number;
  readonly messages: readonly PikaMessage[];
}

/** pika_consume.py --check: the versions, or why pika cannot be used. */
function checkPika(): { python: string; pika: string } | Error {
  if (!existsSync(PYTHON)) return new Error(`${PYTHON} does not exist (install python3 and python3-pika)`);
  const res = spawnSync(PYTHON, [SCRIPT, "--check"], { encoding: "utf8", timeout: 10_000 });
  if (res.error) return new Error(`${PYTHON} ${SCRIPT} --check: ${res.error.message}`);
  if (res.status !== 0) {
    return new Error(`${PYTHON} cannot import pika (exit ${String(res.status)}): ${res.stderr.trim()} — install it with apt-get install python3-pika`);
  }
  return JSON.parse(res.stdout) as { python: string; pika: string };
}

/** Reads the queue with pika: until `expect` messages came and it is empty, or `waitS` seconds. */
function pikaRead(expect: number, waitS = 3): Promise<PikaRead> {
  const args = [SCRIPT, "--url", AMQP_URL, "--queue", QUEUE, "--expect", String(expect), "--wait-s", String(waitS)];
  return new Promise((resolve, reject) => {
    execFile(PYTHON, args, { encoding: "utf8", timeout: 10_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`pika_consume.py failed (${err.killed ? "killed after 10 s" : `exit ${String(err.code)}`}): ${stderr.trim()}`));
        return;
      }
      resolve(JSON.parse(stdout) as PikaRead);
    });
  });
}

// Pieces of the decoded values, each asserting the Python type first.

function render(p: Py): string {
  if (p.items) {
    const inner = [...new Set(p.items.map(render))];
    return `${p.type}[${inner.join(" | ")}]`;
  }
  if (p.entries) {
    const keys = [...new Set(p.entries.map((e) => render(e.key)))];
    const values = [...new Set(p.entries.map((e) => render(e.value)))];
    return `${p.type}[${keys.join(" | ")}, ${values.join(" | ")}]`;
  }
  return p.type;
}

function pyStr(p: Py, what: string): string {
  assert.is(p.type, "str", `${what}: pika decoded a str, got ${JSON.stringify(p)}`);
  assert.type(p.value, "string", what);
  return p.value as string;
}

function pyInt(p: Py, what: string): number {
  assert.is(p.type, "int", `${what}: pika decoded an int, got ${JSON.stringify(p)}`);
  assert.type(p.value, "number", what);
  return p.value as number;
}

function pyBytes(p: Py, what: string): Buffer {
  assert.is(p.type, "bytes", `${what}: pika decoded bytes, got ${JSON.stringify(p).slice(0, 200)}`);
  assert.type(p.hex, "string", what);
  return Buffer.from(p.hex as string, "hex");
}

function pyNone(p: Py, what: string): void {
  assert.is(p.type, "NoneType", `${what} is not set: got ${JSON.stringify(p)}`);
}

/** An AMQP array of long strings, as pika decodes it: a list of str (bytes if not UTF-8). */
function pyStrList(p: Py, what: string): string[] {
  assert.is(p.type, "list", `${what}: pika decoded a list, got ${JSON.stringify(p)}`);
  assert.ok(p.items, what);
  return (p.items ?? []).map((item, i) => pyStr(item, `${what}[${i}]`));
}

/** The headers table: a dict with str keys. */
function pyHeaders(p: Py): Map<string, Py> {
  assert.is(p.type, "dict", `headers: pika decoded a dict, got ${JSON.stringify(p)}`);
  const map = new Map<string, Py>();
  for (const { key, value } of p.entries ?? []) {
    const name = pyStr(key, "header name");
    assert.not.ok(map.has(name), `header ${name} appears once`);
    map.set(name, value);
  }
  return map;
}

// ---------------------------------------------------------------------------------------------
// The message pika must see
// ---------------------------------------------------------------------------------------------

interface Expected {
  readonly routingKey: string;
  readonly body: Buffer;
  readonly contentType: string | null;
  readonly priority: number;
  readonly expiration: string;
  readonly replyTo: string;
  readonly messageId: string;
  /** Every header of the message, the three the gateway adds included. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
}

const NOT_SET: readonly Property[] = ["content_encoding", "correlation_id", "type", "user_id", "app_id", "cluster_id"];

/** Checks each field by its decoded type and value; returns how many values were compared. */
function assertPikaMessage(m: PikaMessage, e: Expected): number {
  let checked = 0;
  const what = `message ${e.messageId}`;
  const p = m.properties;
  assert.is(pyStr(m.method.exchange, `${what} exchange`), EXCHANGE);
  assert.is(pyStr(m.method.routing_key, `${what} routing key`), e.routingKey);
  assert.is(m.method.redelivered.type, "bool");
  assert.is(m.method.redelivered.value, false, `${what}: not redelivered`);
  checked += 3;

  const body = pyBytes(m.body, `${what} body`);
  assert.ok(body.equals(e.body), `${what} body bytes: got ${body.toString("hex").slice(0, 80)}…, expected ${e.body.toString("hex").slice(0, 80)}…`);
  if (e.contentType === null) pyNone(p.content_type, `${what} content_type`);
  else assert.is(pyStr(p.content_type, `${what} content_type`), e.contentType, `${what} content_type byte for byte`);
  assert.is(pyInt(p.delivery_mode, `${what} delivery_mode`), 2, `${what}: persistent (durable exchange)`);
  assert.is(pyInt(p.priority, `${what} priority`), e.priority);
  assert.is(pyStr(p.expiration, `${what} expiration`), e.expiration);
  assert.is(pyStr(p.reply_to, `${what} reply_to`), e.replyTo);
  assert.is(pyStr(p.message_id, `${what} message_id`), e.messageId);
  const ts = pyInt(p.timestamp, `${what} timestamp`);
  const now = Date.now() / 1000;
  assert.ok(Math.abs(now - ts) <= 5, `${what} timestamp ${ts} within 5 s of now (${Math.floor(now)})`);
  checked += 8;
  for (const name of NOT_SET) {
    pyNone(p[name], `${what} ${name}`);
    checked++;
  }

  const headers = pyHeaders(p.headers);
  assert.equal([...headers.keys()].sort(), Object.keys(e.headers).sort(), `${what}: exactly these headers`);
  for (const [name, values] of Object.entries(e.headers)) {
    const got = headers.get(name);
    assert.ok(got, `${what} header ${name}`);
    assert.equal(pyStrList(got as Py, `${what} header ${name}`), [...values], `${what} header ${name}: list of str, exact values`);
    checked += 1 + values.length;
  }
  return checked;
}

// ---------------------------------------------------------------------------------------------
// Requests: node:http with UTF-8 bytes as a latin1 string, or a raw TCP socket
// ---------------------------------------------------------------------------------------------

/** The UTF-8 bytes of `text` as a latin1 string: node:http writes header strings as latin1, so these bytes go on the wire. */
const wire = (text: string) => Buffer.from(text, "utf8").toString("latin1");

/** One request written byte for byte on a TCP socket (`Connection: close`); the status and body of the answer. */
function socketRequest(port: number, requestLine: string, headerLines: readonly (string | Buffer)[], body: Buffer): Promise<{ status: number; body: string }> {
  const crlf = Buffer.from("\r\n");
  const head: Buffer[] = [Buffer.from(requestLine), crlf];
  for (const line of [`Host: 127.0.0.1:${port}`, ...headerLines, `Content-Length: ${body.length}`, "Connection: close"]) {
    head.push(typeof line === "string" ? Buffer.from(line, "utf8") : line, crlf);
  }
  head.push(crlf, body);
  return new Promise((resolve, reject) => {
    const socket = tcp({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error("no answer within 5 s")));
    socket.on("connect", () => socket.write(Buffer.concat(head)));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(text);
      const split = text.indexOf("\r\n\r\n");
      if (!status || split < 0) reject(new Error(`not an HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      else resolve({ status: Number(status[1]), body: Buffer.from(text.slice(split + 4), "latin1").toString("utf8") });
    });
  });
}

function assertErrorBody(res: { status: number; body: string }, status: number, what: string): void {
  assert.is(res.status, status, `${what}: status ${status} (body ${res.body})`);
  const error = (JSON.parse(res.body) as { error?: unknown }).error;
  assert.type(error, "string", `${what}: a JSON { "error": string }: ${res.body}`);
}

// ---------------------------------------------------------------------------------------------
// Set-up
// ---------------------------------------------------------------------------------------------

const ci = Boolean(process.env["CI"]);
const probe = await probeBroker();
const pikaCheck = checkPika();
const missing = [
  probe instanceof Error ? `no RabbitMQ at 127.0.0.1:5672 (${probe.message})` : null,
  pikaCheck instanceof Error ? pikaCheck.message : null,
].filter((m): m is string => m !== null);
const skipAll = missing.length > 0 && !ci;
let setupError: Error | null = null;
let broker: TestBroker | undefined;
let gen: Generated;
let publisher: GenPublisher | undefined;
let server: Server | undefined;
let port = 0;
const logger = collectingLogger();

if (missing.length > 0) {
  if (skipAll) console.log(`SKIPPED: ${missing.join("; ")}; pika tests not run`);
  else setupError = new Error(`CI is set, so the pika tests may not be skipped: ${missing.join("; ")}`);
} else if (!(probe instanceof Error)) {
  try {
    broker = await TestBroker.open(probe);
    gen = await generateAndImport("pika", readFileSync(join(ROOT, CONFIG), "utf8"), CONFIG);
    // AG230 is expected: the fixture sets priorities on a plain queue, as KrakenD's users do, so
    // that messages keep the order the test reads them in (a priority queue would reorder them).
    const errors = gen.diagnostics.filter((d) => d.severity !== "info" && d.code !== "AG230");
    if (errors.length > 0) throw new Error(`${CONFIG}: unexpected diagnostics ${errors.map((d) => d.code).join(", ")}`);
    // Leftovers of an aborted run could have other flags: start from nothing.
    await broker.remove([QUEUE], [EXCHANGE]);
    publisher = gen.mod.createPublisher({ url: AMQP_URL, logger });
    await withTimeout(publisher.ready(), TEST_TIMEOUT_MS, "publisher.ready()");
    server = createServer(gen.mod.createRequestListener(publisher));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
}

const t = brokerTests(skipAll, () => setupError);

test.before.each(async () => {
  if (broker && !setupError) await broker.purge([QUEUE]);
});

test.after(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  }
  if (publisher) await publisher.close().catch(() => undefined);
  if (broker) {
    await broker.remove([QUEUE], [EXCHANGE]);
    await broker.close();
  } else if (!(probe instanceof Error)) {
    await probe.close().catch(() => undefined);
  }
});

const gatewayHeaders = () => ({ "X-Forwarded-For": ["127.0.0.1"], "X-Forwarded-Host": [`127.0.0.1:${port}`], "User-Agent": ["amqp-gen"] });

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

t("pika decodes every field: UTF-8 header values as list of str, a repeated header, int timestamp and priority, binary body", async () => {
  // 1. node:http, UTF-8 bytes as latin1 strings; X-Multi on two header lines; every byte value in the body.
  const binary = Buffer.alloc(300);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 13 + 5) % 256;
  binary.set([0x00, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80], 0); // never valid UTF-8
  const first = await rawRequest(
    port,
    "POST",
    "/pika/60000/replies.pika/msg-utf8/7/pika.utf8",
    {
      "Content-Type": "application/octet-stream",
      "X-Note": wire("Grüße ✓"),
      "X-Multi": [wire("eins ①"), "two, three"],
      "X-Request-Id": "req-pika-1",
      "X-Other": wire("not forwarded ✗"),
      "User-Agent": CLIENT_UA,
      "Content-Length": String(binary.length),
    },
    binary,
  );
  assert.is(first.status, 200, `first request: ${first.body}`);
  assert.is(first.body, "null");

  // 2. A raw socket: the exact bytes; a non-ASCII Content-Type; the repeated header in two cases
  //    of its name; a 4-byte character; percent-encoded UTF-8 in reply-to and message id.
  const text = Buffer.from("héllo wörld ✓\n", "utf8");
  const second = await socketRequest(
    port,
    "POST /pika/86400000/r%C3%A9ply.q/id-%E2%9C%93/0/pika.raw HTTP/1.1",
    ['Content-Type: text/plain; charset=utf-8; title="Grüße ✓"', "X-Multi: α", "x-multi: β, γ", "X-Note: 日本語 🎌", "X-Request-Id: req-pika-2"],
    text,
  );
  assert.is(second.status, 200, `second request: ${second.body}`);

  // 3. No Content-Type, an empty body, priority 255, no forwarded header at all. (Expirations stay
  //    long: RabbitMQ drops a message whose TTL runs out before basic_get, and 0 expires at once.)
  const third = await rawRequest(port, "POST", "/pika/30000/r/m-empty/255/pika.empty", { "Content-Length": "0" });
  assert.is(third.status, 200, `third request: ${third.body}`);

  const read = await pikaRead(3);
  assert.is(read.messages.length, 3, `pika read ${read.messages.length} messages`);
  assert.not.ok(read.left, "nothing else in the queue");
  const [m1, m2, m3] = read.messages as [PikaMessage, PikaMessage, PikaMessage];
  let checked = 0;
  checked += assertPikaMessage(m1, {
    routingKey: "pika.utf8",
    body: binary,
    contentType: "application/octet-stream",
    priority: 7,
    expiration: "60000",
    replyTo: "replies.pika",
    messageId: "msg-utf8",
    headers: {
      "Content-Type": ["application/octet-stream"],
      "X-Note": ["Grüße ✓"],
      "X-Multi": ["eins ①", "two, three"],
      "X-Request-Id": ["req-pika-1"],
      ...gatewayHeaders(),
    },
  });
  checked += assertPikaMessage(m2, {
    routingKey: "pika.raw",
    body: text,
    contentType: 'text/plain; charset=utf-8; title="Grüße ✓"',
    priority: 0,
    expiration: "86400000",
    replyTo: "réply.q",
    messageId: "id-✓",
    headers: {
      "Content-Type": ['text/plain; charset=utf-8; title="Grüße ✓"'],
      "X-Multi": ["α", "β, γ"],
      "X-Note": ["日本語 🎌"],
      "X-Request-Id": ["req-pika-2"],
      ...gatewayHeaders(),
    },
  });
  checked += assertPikaMessage(m3, {
    routingKey: "pika.empty",
    body: Buffer.alloc(0),
    contentType: null,
    priority: 255,
    expiration: "30000",
    replyTo: "r",
    messageId: "m-empty",
    headers: gatewayHeaders(),
  });
  // The shape as Python sees it, once: headers is dict[str, list[str]].
  assert.is(render(m1.properties.headers), "dict[str, list[str]]");
  console.log(
    `\n  [pika ${read.pika}, Python ${read.python}] ${read.messages.length} messages, ${checked} values checked by type and value; ` +
      `headers ${render(m1.properties.headers)}, timestamp ${render(m1.properties.timestamp)}; consumer read them in ${read.ms} ms`,
  );
});

t("a forwarded header value that is not UTF-8: 400, and pika finds nothing published", async () => {
  const path = (id: string) => `/pika/60000/replies.pika/${id}/5/pika.bad`;
  const latin1Cases: [string, Record<string, string | string[]>][] = [
    ["X-Note 0xFF", { "X-Note": "\xff" }],
    ["X-Note latin-1 text", { "X-Note": "Gr\xfc\xdfe" }],
    ["second X-Multi line", { "X-Multi": ["ok", "\xc3\x28"] }],
    ["Content-Type", { "Content-Type": "text/plain; title=\xfe" }],
  ];
  for (const [i, [what, headers]] of latin1Cases.entries()) {
    const res = await rawRequest(port, "POST", path(`bad-${i}`), { ...headers, "Content-Length": "1" }, Buffer.from("x"));
    assertErrorBody(res, 400, what);
  }
  // Exact bytes: an overlong "/" (C0 AF), a UTF-16 surrogate (ED A0 80), a truncated sequence.
  for (const [i, bytes] of [
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0x61, 0xe2, 0x9c],
  ].entries()) {
    const line = Buffer.concat([Buffer.from("X-Note: "), Buffer.from(bytes)]);
    const res = await socketRequest(port, `POST ${path(`bad-raw-${i}`)} HTTP/1.1`, [line], Buffer.from("x"));
    assertErrorBody(res, 400, `raw bytes ${Buffer.from(bytes).toString("hex")}`);
  }
  await sleep(100); // in case a publish trailed an answer
  const empty = await pikaRead(0, 0);
  assert.equal(
    empty.messages.map((m) => m.properties.message_id.value),
    [],
    "nothing published for a request that got a 400",
  );
  // The publisher is unharmed: the next request is published, alone.
  const after = await rawRequest(port, "POST", path("after-bad"), { "X-Note": wire("fine ✓"), "Content-Length": "1" }, Buffer.from("y"));
  assert.is(after.status, 200, after.body);
  const read = await pikaRead(1);
  assert.is(read.messages.length, 1);
  const only = read.messages[0] as PikaMessage;
  assert.is(pyStr(only.properties.message_id, "message_id"), "after-bad");
  assert.equal(pyStrList(pyHeaders(only.properties.headers).get("X-Note") ?? { type: "missing" }, "X-Note"), ["fine ✓"]);
  assert.not.ok(
    logger.lines.some((l) => l.level === "error"),
    JSON.stringify(logger.lines),
  );
});

test.run();
