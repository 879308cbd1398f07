/**
 * `npm run soak`: a bounded soak run of the generated `node:http` listener against the real
 * RabbitMQ, to catch leaks and slow decay that the short tests cannot see. Not part of `npm test`
 * (test/soak.test.ts runs it for a few seconds so that it cannot rot).
 *
 *   npm run soak                      # 2 minutes
 *   npm run soak -- --seconds 600     # or SOAK_SECONDS=600
 *
 * One process holds the service (generated from fixtures/e2e-soak/krakend.json, served on
 * 127.0.0.1), a closed-loop load of valid requests (SOAK_CONCURRENCY, default 20) and a trickle of
 * bad ones (400 priority / expiration out of range, bad percent-encoding, a header that is not
 * UTF-8; 404; 405; 413 declared and streamed; bodies aborted halfway), and a consumer of its own
 * that acks every message so the queue stays small, and checks that every 2xx id arrived.
 *
 * Heap used is taken after forced GC passes at the start (after the warm-up) and at the end, each
 * time with the load paused and every answer and message settled, so both figures see the same
 * state: an idle service with its keep-alive sockets open. The script's own bookkeeping is fixed
 * in size (counters, bitsets allocated up front, a native histogram), so heap growth is the
 * service's (and amqplib's) own.
 *
 * Exit code 0 only if: heap did not grow by more than HEAP_BOUND_RATIO *and* HEAP_BOUND_BYTES; no
 * 2xx was lost; every valid request was a 200; every bad request got its expected answer and
 * published nothing; no unhandled error; nothing left awaiting the broker. 1 otherwise, 2 when the
 * broker cannot be reached, 3 when the run did not finish within its hard deadline.
 */
import { readFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { Agent, createServer, request, type IncomingMessage, type OutgoingHttpHeaders, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect as tcpConnect } from "node:net";
import { dirname, join } from "node:path";
import { createHistogram } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";
import { generate } from "../generator/index.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CONFIG = "fixtures/e2e-soak/krakend.json";
const OUT = join(ROOT, ".tmp", "soak");
const AMQP_URL = process.env["AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672";
const QUEUE = "amqpgen.e2e.soak";
const EXCHANGE = "amqpgen.e2e.soak";

const MAX_BODY_BYTES = 64 * 1024;
/** Fail when heap used after GC grew by more than both of these. */
const HEAP_BOUND_RATIO = 1.2;
const HEAP_BOUND_BYTES = 5 * 1024 * 1024;
/** One bad request (of the kinds below, in turn) this often, one at a time. */
const BAD_EVERY_MS = 25;
/** Expiration of valid messages: long enough never to expire before the consumer takes them. */
const VALID_EXPIRATION_MS = "600000";
/** Bounds on single steps: a request, the settling before a heap figure, the final drain. */
const REQUEST_TIMEOUT_MS = 10_000;
const SETTLE_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

function usage(problem: string): never {
  console.error(`soak: ${problem}\nusage: npm run soak [-- --seconds N]   (or SOAK_SECONDS=N; SOAK_CONCURRENCY=C)`);
  process.exit(1);
}

function secondsOption(): number {
  const args = process.argv.slice(2);
  let raw: string | undefined = process.env["SOAK_SECONDS"];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--seconds") raw = args[++i];
    else if (arg.startsWith("--seconds=")) raw = arg.slice("--seconds=".length);
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: npm run soak [-- --seconds N]   (or SOAK_SECONDS=N; SOAK_CONCURRENCY=C)");
      process.exit(0);
    } else usage(`unknown argument ${arg}`);
  }
  const seconds = raw === undefined ? 120 : Number(raw);
  if (!Number.isFinite(seconds) || seconds < 4 || seconds > 24 * 3600) usage(`--seconds must be a number from 4 to 86400, got ${String(raw)}`);
  return seconds;
}

const SECONDS = secondsOption();
const CONCURRENCY = Number(process.env["SOAK_CONCURRENCY"] ?? 20);
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1 || CONCURRENCY > 1000) usage("SOAK_CONCURRENCY must be an integer from 1 to 1000");
/** Warm-up, inside the duration: about 5 s, less for a short run. */
const WARMUP_SECONDS = Math.min(5, Math.max(1, SECONDS / 4));

// A hard deadline: whatever hangs, the run stops by itself.
const deadline = setTimeout(
  () => {
    console.error(`soak: did not finish within ${SECONDS + 90} s; giving up`);
    process.exit(3);
  },
  (SECONDS + 90) * 1000,
);
deadline.unref();

const unhandled: string[] = [];
process.on("unhandledRejection", (reason) => unhandled.push(`unhandledRejection: ${String(reason)}`));
process.on("uncaughtException", (err) => unhandled.push(`uncaughtException: ${err.stack ?? err.message}`));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

// ---------------------------------------------------------------------------------------------
// Forced GC
// ---------------------------------------------------------------------------------------------

function gcFunction(): () => void {
  if (typeof globalThis.gc === "function") {
    const gc = globalThis.gc;
    return () => void gc();
  }
  // Without --expose-gc: turn it on now and take gc from a fresh context.
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as unknown;
  if (typeof gc !== "function") throw new Error("cannot force a GC: run with node --expose-gc");
  console.log("soak: note: not started with --expose-gc; using v8.setFlagsFromString instead");
  return () => void (gc as () => unknown)();
}
const forceGc = gcFunction();

interface MemoryFigure {
  heapUsed: number;
  rss: number;
}

/** Heap used after several full GCs, with a turn of the event loop between them for finalizers. */
async function settledMemory(): Promise<MemoryFigure> {
  for (let i = 0; i < 6; i++) {
    forceGc();
    await sleep(20);
  }
  forceGc();
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss };
}

// ---------------------------------------------------------------------------------------------
// The generated module, as seen here (structural: it is generated at run time)
// ---------------------------------------------------------------------------------------------

interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
}

interface BrokerStats {
  readonly connected: boolean;
  readonly inFlight: number;
  readonly connections: number;
  readonly deadConnections: number;
  readonly drainWaits: number;
}

interface Publisher {
  ready(): Promise<void>;
  close(): Promise<void>;
  stats(): { readonly brokers: readonly BrokerStats[] };
}

interface GeneratedModule {
  createPublisher(options: { url: string; logger: { info(m: string): void; warn(m: string): void; error(m: string): void } }): Publisher;
  createRequestListener(publisher: Publisher, options?: { maxBodyBytes?: number }): RequestListener;
}

async function generateService(): Promise<GeneratedModule> {
  const result = await generate(readFileSync(join(ROOT, CONFIG), "utf8"), { file: CONFIG });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || result.files.length === 0) {
    throw new Error(`generate(${CONFIG}) failed:\n${errors.map((d) => `${d.code} ${d.pointer}: ${d.message}`).join("\n")}`);
  }
  rmSync(OUT, { recursive: true, force: true });
  for (const f of result.files) {
    const path = join(OUT, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  return (await import(pathToFileURL(join(OUT, "index.ts")).href)) as GeneratedModule;
}

// ---------------------------------------------------------------------------------------------
// Fixed-size bookkeeping
// ---------------------------------------------------------------------------------------------

/** A set of request numbers, as bits; sized up front so that it does not grow during the run. */
class BitSet {
  private bits: Uint8Array;
  constructor(capacity: number) {
    this.bits = new Uint8Array(Math.ceil(capacity / 8));
  }
  has(n: number): boolean {
    return ((this.bits[n >> 3] ?? 0) & (1 << (n & 7))) !== 0;
  }
  add(n: number): void {
    const byte = n >> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte] = (this.bits[byte] ?? 0) | (1 << (n & 7));
  }
}

/** Request number n: its priority (0-9), path and body (some hundred bytes to 2 KiB). */
const priorityOf = (n: number) => n % 10;
const validPath = (n: number) => `/soak/${VALID_EXPIRATION_MS}/${priorityOf(n)}/soak-${n}`;
const bodyOf = (n: number) => JSON.stringify({ id: `soak-${n}`, pad: "x".repeat((n * 37) % 2048) });

const CAPACITY = Math.ceil(SECONDS * 30_000);
const answered200 = new BitSet(CAPACITY);
const delivered = new BitSet(CAPACITY);

const stats = {
  validByStatus: new Map<number, number>(),
  /** 200s whose message has not been delivered (yet). */
  awaitingDelivery: 0,
  deliveredValid: 0,
  duplicates: 0,
  /** Delivered valid messages whose properties or body differ from what was sent. */
  mismatched: 0,
  /** Delivered messages that are no valid request's (a bad request published, or a stranger). */
  foreign: 0,
  firstForeign: [] as string[],
  badByKind: new Map<string, { sent: number; expected: number; unexpected: Map<string, number> }>(),
  firstUnexpected: [] as string[],
  firstValidFailures: [] as string[],
};

function countValid(status: number): void {
  stats.validByStatus.set(status, (stats.validByStatus.get(status) ?? 0) + 1);
}

const histogram = createHistogram();

// ---------------------------------------------------------------------------------------------
// Consumer: our own connection, acking everything, checking every 2xx arrives
// ---------------------------------------------------------------------------------------------

function onDelivery(channel: Channel, message: ConsumeMessage): void {
  const id = String(message.properties.messageId ?? "");
  const match = /^soak-(\d+)$/.exec(id);
  if (!match) {
    stats.foreign++;
    if (stats.firstForeign.length < 10) stats.firstForeign.push(id || `(no message id, ${message.content.length} bytes)`);
  } else {
    const n = Number(match[1]);
    if (delivered.has(n)) stats.duplicates++;
    else {
      delivered.add(n);
      stats.deliveredValid++;
      if (answered200.has(n)) stats.awaitingDelivery--;
      const p = message.properties;
      if (p.priority !== priorityOf(n) || p.expiration !== VALID_EXPIRATION_MS || p.deliveryMode !== 2 || message.content.toString("utf8") !== bodyOf(n)) {
        stats.mismatched++;
      }
    }
  }
  channel.ack(message);
}

// ---------------------------------------------------------------------------------------------
// Load: closed-loop valid requests, and a trickle of bad ones; both can be paused
// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  /** A transport error or timeout, when status is 0. */
  error?: string;
}

function post(
  port: number,
  path: string,
  method: string,
  headers: OutgoingHttpHeaders,
  body: string | Buffer | readonly Buffer[] | null,
  agent: Agent | false,
): Promise<Answer> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (answer: Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = request({ host: "127.0.0.1", port, path, method, agent, headers }, (res: IncomingMessage) => {
      res.resume();
      res.on("end", () => finish({ status: res.statusCode ?? 0 }));
      res.on("error", (err) => finish({ status: 0, error: err.message }));
    });
    const timer = setTimeout(() => {
      finish({ status: 0, error: `no answer within ${REQUEST_TIMEOUT_MS} ms` });
      req.destroy();
    }, REQUEST_TIMEOUT_MS);
    // A 413 may come (and the server close) before the whole body is written: that is fine.
    req.on("error", (err) => finish({ status: 0, error: err.message }));
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else if (typeof body === "string") {
      // As a Buffer: node:http glues a string body to the header block and encodes both as UTF-8,
      // which would turn a latin1 header byte such as "\xff" into valid UTF-8.
      req.end(Buffer.from(body, "utf8"));
    } else req.end(body ?? undefined);
  });
}

class Gate {
  private paused: Promise<void> | null = null;
  private release: (() => void) | null = null;
  /** Requests between `enter` and `leave`. */
  busy = 0;
  private idleWaiters: (() => void)[] = [];

  pause(): void {
    if (this.paused) return;
    this.paused = new Promise<void>((resolve) => (this.release = resolve));
  }
  resume(): void {
    this.release?.();
    this.paused = null;
    this.release = null;
  }
  async enter(): Promise<void> {
    while (this.paused) await this.paused;
    this.busy++;
  }
  leave(): void {
    this.busy--;
    if (this.busy === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
  /** Resolves once nothing is in flight (after pause(), nothing new starts). */
  idle(): Promise<void> {
    return this.busy === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

interface BadKind {
  readonly name: string;
  readonly expected: number | "no answer";
  send(port: number, i: number): Promise<Answer | "no answer">;
}

const json = { "content-type": "application/json" };
const bad = (n: number, kind: string) => `bad-${kind}-${n}`;

/** A raw socket that declares a body, sends half of it, then goes away. */
function abortedBody(port: number, i: number): Promise<Answer | "no answer"> {
  return new Promise((resolve) => {
    let answered = false;
    const socket = tcpConnect(port, "127.0.0.1", () => {
      const body = bodyOf(i);
      const half = body.slice(0, body.length >> 1);
      socket.write(
        `POST /soak/${VALID_EXPIRATION_MS}/1/${bad(i, "abort")} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${half}`,
      );
      setTimeout(() => socket.destroy(), 10);
    });
    socket.on("data", () => (answered = true));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(answered ? { status: -1, error: "the server answered a request whose body never came" } : "no answer"));
  });
}

const BAD_KINDS: readonly BadKind[] = [
  { name: "400 priority 256", expected: 400, send: (port, i) => post(port, `/soak/${VALID_EXPIRATION_MS}/256/${bad(i, "prio")}`, "POST", json, "{}", false) },
  { name: "400 expiration out of range", expected: 400, send: (port, i) => post(port, `/soak/99999999999/1/${bad(i, "exp")}`, "POST", json, "{}", false) },
  {
    name: "400 bad percent-encoding",
    expected: 400,
    send: (port, i) => post(port, `/soak/${VALID_EXPIRATION_MS}/1/${bad(i, "pct")}%E0%A4%A`, "POST", json, "{}", false),
  },
  // node:http writes header strings as latin1: "\xff" is the single byte 0xFF, not UTF-8.
  {
    name: "400 non-UTF-8 header byte",
    expected: 400,
    send: (port, i) => post(port, `/soak/${VALID_EXPIRATION_MS}/1/${bad(i, "hdr")}`, "POST", { ...json, "x-soak": "caf\xe9 \xff" }, "{}", false),
  },
  { name: "404 unknown path", expected: 404, send: (port, i) => post(port, `/nowhere/${bad(i, "404")}`, "POST", json, "{}", false) },
  { name: "405 wrong method", expected: 405, send: (port, i) => post(port, `/soak/${VALID_EXPIRATION_MS}/1/${bad(i, "405")}`, "GET", {}, null, false) },
  {
    name: "413 declared body over the limit",
    expected: 413,
    send: (port, i) => post(port, `/soak/${VALID_EXPIRATION_MS}/1/${bad(i, "413")}`, "POST", json, Buffer.alloc(MAX_BODY_BYTES + 1 + (i % 1000), 0x61), false),
  },
  {
    name: "413 streamed body over the limit",
    expected: 413,
    send: (port, i) =>
      post(
        port,
        `/soak/${VALID_EXPIRATION_MS}/1/${bad(i, "413s")}`,
        "POST",
        { ...json, "transfer-encoding": "chunked" },
        [Buffer.alloc(40 * 1024, 0x62), Buffer.alloc(40 * 1024, 0x63)],
        false,
      ),
  },
  { name: "aborted body (half sent, socket destroyed)", expected: "no answer", send: abortedBody },
];

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

interface Running {
  server: Server | null;
  publisher: Publisher | null;
  admin: ChannelModel | null;
  channel: Channel | null;
  agent: Agent | null;
}

const running: Running = { server: null, publisher: null, admin: null, channel: null, agent: null };

async function cleanUp(): Promise<void> {
  running.agent?.destroy();
  const server = running.server;
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  if (running.publisher) await running.publisher.close().catch(() => undefined);
  const admin = running.admin;
  if (admin) {
    // Throwaway channels: a refusal closes the channel it happens on.
    for (const step of [(ch: Channel) => ch.deleteQueue(QUEUE), (ch: Channel) => ch.deleteExchange(EXCHANGE)]) {
      const ch = await admin.createChannel().catch(() => null);
      if (!ch) continue;
      ch.on("error", () => undefined);
      await step(ch).catch(() => undefined);
      await ch.close().catch(() => undefined);
    }
    await admin.close().catch(() => undefined);
  }
  rmSync(OUT, { recursive: true, force: true });
  running.server = running.publisher = running.admin = running.channel = running.agent = null;
}

let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  console.error("soak: interrupted; cleaning up");
  void cleanUp().finally(() => process.exit(130));
});

async function main(): Promise<number> {
  // Broker first: without it there is nothing to soak.
  let admin: ChannelModel;
  try {
    admin = await connect(AMQP_URL, { timeout: 3000, clientProperties: { connection_name: "amqp-gen soak consumer" } });
  } catch (err) {
    console.error(`soak: no RabbitMQ at ${AMQP_URL.replace(/:[^:@/]*@/, ":***@")}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  admin.on("error", () => undefined);
  running.admin = admin;

  const mod = await generateService();
  const logs: LogLine[] = [];
  const logCounts = { info: 0, warn: 0, error: 0 };
  const log = (level: LogLine["level"]) => (message: string) => {
    logCounts[level]++;
    if (logs.length < 20) logs.push({ level, message });
  };
  const publisher = mod.createPublisher({ url: AMQP_URL, logger: { info: log("info"), warn: log("warn"), error: log("error") } });
  running.publisher = publisher;
  await publisher.ready(); // declares the exchange, the durable queue and its binding

  const channel = await admin.createChannel();
  channel.on("error", (err: unknown) => unhandled.push(`consumer channel error: ${String(err)}`));
  running.channel = channel;
  await channel.purgeQueue(QUEUE);
  await channel.prefetch(500);
  let consumerCancelled = false;
  await channel.consume(QUEUE, (message) => {
    if (message === null) consumerCancelled = true;
    else onDelivery(channel, message);
  });

  const server = createServer(mod.createRequestListener(publisher, { maxBodyBytes: MAX_BODY_BYTES }));
  running.server = server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  console.log(
    `soak: ${SECONDS} s (warm-up ${WARMUP_SECONDS} s) on 127.0.0.1:${port}, concurrency ${CONCURRENCY}, ` +
      `one bad request every ${BAD_EVERY_MS} ms, body limit ${MAX_BODY_BYTES} bytes, queue ${QUEUE}`,
  );

  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  running.agent = agent;
  const gate = new Gate();
  let stopped = false;
  let next = 0;
  let measuring = false;
  let measuredValid = 0;

  const worker = async () => {
    while (!stopped) {
      await gate.enter();
      if (stopped) {
        gate.leave();
        break;
      }
      const n = next++;
      const t = performance.now();
      const res = await post(port, validPath(n), "POST", { ...json, "x-soak": `worker run ${n % 97}` }, bodyOf(n), agent);
      const ms = performance.now() - t;
      countValid(res.status);
      if (res.status === 200) {
        answered200.add(n);
        if (!delivered.has(n)) stats.awaitingDelivery++;
      } else if (stats.firstValidFailures.length < 10) {
        stats.firstValidFailures.push(`soak-${n}: ${res.status}${res.error ? ` (${res.error})` : ""}`);
      }
      if (measuring) {
        measuredValid++;
        histogram.record(Math.max(1, Math.round(ms * 1000))); // microseconds
      }
      gate.leave();
      if (res.status !== 200) await sleep(20); // a failing service is not hammered in a tight loop
    }
  };

  let badSent = 0;
  const badLoop = async () => {
    while (!stopped) {
      await gate.enter();
      if (stopped) {
        gate.leave();
        break;
      }
      const i = badSent++;
      const kind = BAD_KINDS[i % BAD_KINDS.length] as BadKind;
      const res = await kind.send(port, i);
      const got = res === "no answer" ? "no answer" : res.status;
      let entry = stats.badByKind.get(kind.name);
      if (!entry) {
        entry = { sent: 0, expected: 0, unexpected: new Map() };
        stats.badByKind.set(kind.name, entry);
      }
      entry.sent++;
      if (got === kind.expected) entry.expected++;
      else {
        const key = res === "no answer" ? "no answer" : `${res.status}${res.error ? ` ${res.error}` : ""}`;
        entry.unexpected.set(key, (entry.unexpected.get(key) ?? 0) + 1);
        if (stats.firstUnexpected.length < 10) stats.firstUnexpected.push(`${kind.name} #${i}: got ${key}`);
      }
      gate.leave();
      await sleep(BAD_EVERY_MS);
    }
  };

  /** Pause both loads, wait for every answer, then for every 2xx's message. */
  const quiesce = async (): Promise<void> => {
    gate.pause();
    await gate.idle();
    const until = Date.now() + SETTLE_TIMEOUT_MS;
    while (stats.awaitingDelivery > 0 && Date.now() < until) await sleep(20);
    await sleep(200); // anything a bad request might have published has time to show up
  };

  const loops = [...Array.from({ length: CONCURRENCY }, worker), badLoop()];
  const started = performance.now();

  // Warm-up, then the first heap figure.
  await sleep(WARMUP_SECONDS * 1000);
  await quiesce();
  const start = await settledMemory();
  const afterWarmup = { valid: next, bad: badSent };
  console.log(`soak: after warm-up (${afterWarmup.valid} valid, ${afterWarmup.bad} bad requests): heap used ${mb(start.heapUsed)}, rss ${mb(start.rss)}`);
  gate.resume();
  histogram.reset();
  measuring = true;
  const measureStart = performance.now();

  // The soak proper, with a progress line every 30 s.
  const endAt = started + SECONDS * 1000;
  let nextProgress = measureStart + 30_000;
  while (performance.now() < endAt && !interrupted && !consumerCancelled) {
    await sleep(Math.min(250, Math.max(0, endAt - performance.now())));
    if (performance.now() >= nextProgress) {
      nextProgress += 30_000;
      const usage = process.memoryUsage();
      console.log(
        `soak: ${((performance.now() - started) / 1000).toFixed(0)} s: ${next} valid, ${badSent} bad requests; ` +
          `heap used ${mb(usage.heapUsed)} (no forced GC), rss ${mb(usage.rss)}`,
      );
    }
  }
  await quiesce();
  measuring = false;
  const measuredSeconds = (performance.now() - measureStart) / 1000;
  const end = await settledMemory();
  const brokerStats = publisher.stats().brokers[0];
  const openConnections = await new Promise<number>((resolve) => server.getConnections((_err, count) => resolve(count)));

  stopped = true;
  gate.resume();
  await Promise.all(loops);

  // ------------------------------------------------------------------------------------------
  // Figures and verdict
  // ------------------------------------------------------------------------------------------
  const grewBy = end.heapUsed - start.heapUsed;
  const ratio = end.heapUsed / start.heapUsed;
  const heapFailed = ratio > HEAP_BOUND_RATIO && grewBy > HEAP_BOUND_BYTES;
  const validTotal = [...stats.validByStatus.values()].reduce((a, b) => a + b, 0);
  const valid200 = stats.validByStatus.get(200) ?? 0;
  const lost = stats.awaitingDelivery;
  const badUnexpected = [...stats.badByKind.values()].reduce((a, e) => a + (e.sent - e.expected), 0);
  const byStatus = Object.fromEntries([...stats.validByStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, c]) => [String(s), c]));
  const ms = (us: number) => `${(us / 1000).toFixed(2)} ms`;

  console.log("\nsoak summary");
  console.log(
    `  duration: ${((performance.now() - started) / 1000).toFixed(1)} s, measured ${measuredSeconds.toFixed(1)} s after a ${WARMUP_SECONDS} s warm-up`,
  );
  console.log(
    `  heap used after GC: start ${mb(start.heapUsed)}, end ${mb(end.heapUsed)}, end/start ${ratio.toFixed(3)} (${grewBy >= 0 ? "+" : ""}${mb(grewBy)}; ` +
      `bound: fail if > ${HEAP_BOUND_RATIO.toFixed(2)} and > +${mb(HEAP_BOUND_BYTES)})`,
  );
  console.log(`  rss: start ${mb(start.rss)}, end ${mb(end.rss)}`);
  console.log(`  valid requests: ${validTotal}, by status ${JSON.stringify(byStatus)}`);
  console.log(`  bad requests: ${badSent}, answered as expected ${badSent - badUnexpected}`);
  for (const [name, e] of stats.badByKind) {
    const wrong = [...e.unexpected.entries()].map(([k, c]) => `${k} ×${c}`).join(", ");
    console.log(`    ${name}: ${e.sent} sent, ${e.expected} as expected${wrong ? `, unexpected: ${wrong}` : ""}`);
  }
  console.log(`  throughput: ${(measuredValid / measuredSeconds).toFixed(0)} valid req/s (measured phase, ${measuredValid} requests)`);
  console.log(`  latency (valid, measured phase): p50 ${ms(histogram.percentile(50))}, p99 ${ms(histogram.percentile(99))}, max ${ms(histogram.max)}`);
  console.log(
    `  messages: ${stats.deliveredValid} valid delivered and acked, 2xx lost ${lost}, duplicates ${stats.duplicates}, ` +
      `wrong properties or body ${stats.mismatched}, from bad requests or strangers ${stats.foreign}`,
  );
  console.log(
    `  publisher: ${brokerStats ? `connections ${brokerStats.connections}, dead ${brokerStats.deadConnections}, in flight at end ${brokerStats.inFlight}, drain waits ${brokerStats.drainWaits}` : "no stats"}; ` +
      `log lines info ${logCounts.info}, warn ${logCounts.warn}, error ${logCounts.error}; server connections open at end ${openConnections}`,
  );

  const failures: string[] = [];
  if (heapFailed) failures.push(`heap grew from ${mb(start.heapUsed)} to ${mb(end.heapUsed)} (×${ratio.toFixed(3)}, +${mb(grewBy)})`);
  if (lost > 0) failures.push(`${lost} acknowledged (2xx) messages never arrived`);
  if (valid200 !== validTotal) failures.push(`${validTotal - valid200} valid requests were not 200: ${stats.firstValidFailures.join("; ")}`);
  if (validTotal === 0) failures.push("no valid request was answered");
  if (badUnexpected > 0) failures.push(`${badUnexpected} bad requests got an unexpected answer: ${stats.firstUnexpected.join("; ")}`);
  if (stats.badByKind.size < BAD_KINDS.length) failures.push(`only ${stats.badByKind.size} of ${BAD_KINDS.length} kinds of bad request were sent`);
  if (stats.foreign > 0) failures.push(`${stats.foreign} messages were not a valid request's (bad requests published?): ${stats.firstForeign.join(", ")}`);
  if (stats.duplicates > 0) failures.push(`${stats.duplicates} messages were delivered twice`);
  if (stats.mismatched > 0) failures.push(`${stats.mismatched} messages differ from what was sent`);
  if (brokerStats && brokerStats.inFlight !== 0) failures.push(`${brokerStats.inFlight} publishes still in flight after the load stopped`);
  if (consumerCancelled) failures.push("the broker cancelled the consumer");
  if (interrupted) failures.push("interrupted");
  if (logCounts.error > 0)
    failures.push(
      `the publisher logged errors: ${logs
        .filter((l) => l.level === "error")
        .map((l) => l.message)
        .join("; ")}`,
    );
  if (unhandled.length > 0) failures.push(`unhandled: ${unhandled.slice(0, 5).join("; ")}`);
  if (logCounts.warn > 0)
    console.log(
      `  publisher warnings: ${logs
        .filter((l) => l.level === "warn")
        .map((l) => l.message)
        .join(" | ")}`,
    );

  if (failures.length === 0) console.log("  result: PASS");
  else {
    console.log("  result: FAIL");
    for (const f of failures) console.log(`    - ${f}`);
  }
  return failures.length === 0 ? 0 : 1;
}

let code: number;
try {
  code = await main();
} catch (err) {
  console.error(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  code = 1;
}
await cleanUp();
clearTimeout(deadline);
process.exit(code);
