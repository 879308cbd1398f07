// Helpers for the end-to-end tests: a RabbitMQ connection of the test's own, generated code
// written to .tmp/ and imported, HTTP requests, and exact message assertions.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { connect, type Channel, type ChannelModel, type GetMessage } from "amqplib";
import * as assert from "uvu/assert";
import { type Adapter, generate, type Diagnostic } from "../../generator/index.js";
import type { BrokerInfo, ListenerOptions, Publisher, PublisherOptions, RouteInfo } from "../../templates/runtime/types.js";
import { test } from "uvu";

export const AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The generated module, as the tests see it (structural: the files are generated at run time).
// ---------------------------------------------------------------------------------------------

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
}

export interface CollectingLogger {
  lines: LogLine[];
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function collectingLogger(): CollectingLogger {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message) => lines.push({ level: "info", message }),
    warn: (message) => lines.push({ level: "warn", message }),
    error: (message) => lines.push({ level: "error", message }),
  };
}

// The generated module's shapes are the runtime's own types (its source is in templates/runtime/).
export type GenRouteInfo = RouteInfo;
export type GenBrokerInfo = BrokerInfo;
export type GenPublisher = Publisher;
export type GenPublisherOptions = PublisherOptions;

/** What a generated index.ts exports, as the tests use it. */
export interface GeneratedModule {
  readonly routes: readonly RouteInfo[];
  readonly brokers: readonly BrokerInfo[];
  createPublisher(options?: PublisherOptions): Publisher;
  createRequestListener(publisher: Publisher, options?: ListenerOptions): RequestListener;
}

/** The generated runtime/publisher.ts. */
export type RuntimeModule = typeof import("../../templates/runtime/publisher.js");

export interface Generated {
  readonly dir: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly mod: GeneratedModule;
  readonly runtime: RuntimeModule;
}

/** generate() → a fresh .tmp/e2e-<name>/ → import its index.ts (tsx is the loader). */
export async function generateAndImport(name: string, text: string, file: string, adapters: readonly Adapter[] = []): Promise<Generated> {
  const result = await generate(text, { file, adapters });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || result.files.length === 0) {
    throw new Error(`generate(${file}) failed:\n${errors.map((d) => `${d.code} ${d.pointer}: ${d.message}`).join("\n")}`);
  }
  const dir = join(ROOT, ".tmp", `e2e-${name}`);
  rmSync(dir, { recursive: true, force: true });
  for (const f of result.files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  const mod = (await import(pathToFileURL(join(dir, "index.ts")).href)) as GeneratedModule;
  const runtime = (await import(pathToFileURL(join(dir, "runtime", "publisher.ts")).href)) as RuntimeModule;
  return { dir, diagnostics: result.diagnostics, mod, runtime };
}

/**
 * A generated module's `node:http` listener on the real broker (on loopback, a port of its own)
 * for the length of `fn`, which gets its port and its publisher; closed after, whatever `fn` does.
 */
export async function withListener<T>(generated: Generated, options: ListenerOptions, fn: (port: number, publisher: GenPublisher) => Promise<T>): Promise<T> {
  const publisher = generated.mod.createPublisher({ url: AMQP_URL, logger: collectingLogger() });
  await publisher.ready();
  const server = createServer(generated.mod.createRequestListener(publisher, options));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await fn((server.address() as AddressInfo).port, publisher);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await publisher.close();
  }
}

/** Queue and exchange names declared by a generated module's routes. */
export function topologyOf(mod: GeneratedModule): { queues: string[]; exchanges: string[] } {
  const queues = new Set<string>();
  const exchanges = new Set<string>();
  for (const r of mod.routes) {
    exchanges.add(r.exchange.name);
    if (r.queue) queues.add(r.queue.name);
  }
  return { queues: [...queues], exchanges: [...exchanges] };
}

// ---------------------------------------------------------------------------------------------
// The test's own broker connection
// ---------------------------------------------------------------------------------------------

export async function probeBroker(url = AMQP_URL): Promise<ChannelModel | Error> {
  // scripts/test.mjs runs the files it lists as broker-free beside tests that stop the broker.
  if (process.env["AMQP_GEN_TEST_NO_BROKER"] === "1") {
    throw new Error("this test file connects to the broker: remove it from NO_BROKER in scripts/test.mjs");
  }
  try {
    const model = await connect(url, { timeout: 3000 });
    model.on("error", () => undefined);
    return model;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Deletes the queues of the committed showcase (generated/) that the examples/ service declares.
 * Tests that run it start from none: the queue holds only their messages, and a queue left by an
 * older showcase, declared with other arguments, cannot refuse the service's declaration (406).
 */
export async function dropShowcaseQueues(model: ChannelModel): Promise<void> {
  const { routes } = await import("../../generated/index.js");
  const broker = await TestBroker.open(model);
  await broker.remove([...new Set(routes.flatMap((r) => (r.queue ? [r.queue.name] : [])))], []);
}

/**
 * Takes every message of a queue that nothing publishes to any more and returns their ids: a
 * consumer, since one basic.get per message costs a round trip each (11 s for 10,000). The count
 * is the queue's when called; a consumer that stops short of it within `withinMs` returns what
 * it has, and the caller's assertion on lost messages says so.
 */
export async function takeAllIds(url: string, queue: string, withinMs = 30_000): Promise<Set<string>> {
  const model = await connect(url);
  try {
    const channel = await model.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    const ids = new Set<string>();
    let taken = 0;
    if (messageCount === 0) return ids;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, withinMs);
      void channel.consume(
        queue,
        (message) => {
          if (!message) return;
          ids.add(String(message.properties.messageId));
          if (++taken === messageCount) {
            clearTimeout(timer);
            resolve();
          }
        },
        { noAck: true },
      );
    });
    return ids;
  } finally {
    await model.close().catch(() => undefined);
  }
}

/** The AMQP reply code of a failed operation (404 NOT_FOUND, 406 PRECONDITION_FAILED...). */
function replyCode(err: unknown): number {
  const code = (err as { code?: unknown }).code;
  return typeof code === "number" ? code : -1;
}

export class TestBroker {
  private constructor(
    readonly model: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async open(model: ChannelModel): Promise<TestBroker> {
    const channel = await model.createChannel();
    channel.on("error", () => undefined);
    return new TestBroker(model, channel);
  }

  /**
   * Runs `fn` on a throwaway channel (a refusal closes the channel): null when it succeeds,
   * else the broker's reply code.
   */
  async attempt(fn: (channel: Channel) => Promise<unknown>): Promise<number | null> {
    const channel = await this.model.createChannel();
    channel.on("error", () => undefined);
    try {
      await fn(channel);
      await channel.close().catch(() => undefined);
      return null;
    } catch (err) {
      return replyCode(err);
    }
  }

  async exchangeExists(name: string): Promise<boolean> {
    const code = await this.attempt((ch) => ch.checkExchange(name));
    if (code !== null && code !== 404) throw new Error(`checkExchange(${name}) failed with ${code}`);
    return code === null;
  }

  async queueExists(name: string): Promise<boolean> {
    const code = await this.attempt((ch) => ch.checkQueue(name));
    if (code !== null && code !== 404) throw new Error(`checkQueue(${name}) failed with ${code}`);
    return code === null;
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  get(queue: string): Promise<GetMessage | false> {
    return this.channel.get(queue, { noAck: true });
  }

  publish(exchange: string, routingKey: string, body: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      void this.model.createConfirmChannel().then((ch) => {
        ch.on("error", () => undefined);
        ch.publish(exchange, routingKey, body, {}, (err: unknown) => {
          void ch.close().catch(() => undefined);
          if (err) reject(err instanceof Error ? err : new Error(String(err)));
          else resolve();
        });
      }, reject);
    });
  }

  /**
   * The one message a 2xx promised: in the queue right away (no polling: the answer came after
   * the broker's confirm), and alone.
   */
  async takeOnly(queue: string): Promise<GetMessage> {
    const message = await this.get(queue);
    if (!message) {
      for (let i = 0; i < 20; i++) {
        await sleep(50);
        if (await this.get(queue)) throw new Error(`queue ${queue}: the message arrived only after the HTTP 2xx`);
      }
      throw new Error(`queue ${queue}: no message`);
    }
    const extra = await this.get(queue);
    if (extra) throw new Error(`queue ${queue}: a second message: ${extra.content.toString("utf8")}`);
    return message;
  }

  /** Nothing was published to the queue (waits a little, in case a publish trails the answer). */
  async expectEmpty(queue: string, waitMs = 100): Promise<void> {
    if (waitMs > 0) await sleep(waitMs);
    const message = await this.get(queue);
    if (message) {
      throw new Error(`queue ${queue}: unexpected message (routing key "${message.fields.routingKey}"): ${message.content.toString("utf8")}`);
    }
  }

  async purge(queues: readonly string[]): Promise<void> {
    for (const q of queues) await this.channel.purgeQueue(q);
  }

  async remove(queues: readonly string[], exchanges: readonly string[]): Promise<void> {
    for (const q of queues) await this.attempt((ch) => ch.deleteQueue(q));
    for (const x of exchanges) await this.attempt((ch) => ch.deleteExchange(x));
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.model.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A request through node:http, for what fetch cannot send: repeated header lines, exact
 * header sets, a chunked body without Content-Length.
 */
export function rawRequest(port: number, method: string, path: string, headers: OutgoingHttpHeaders, body?: Buffer | readonly Buffer[]): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else {
      req.end(body as Buffer | undefined);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Message assertions
// ---------------------------------------------------------------------------------------------

export interface ExpectedMessage {
  exchange: string;
  routingKey: string;
  body: Buffer;
  contentType?: string;
  persistent: boolean;
  priority?: number;
  expiration?: string;
  replyTo?: string;
  messageId?: string;
  /** Forwarded headers besides X-Forwarded-For, X-Forwarded-Host and User-Agent (checked here). */
  headers: Record<string, string[]>;
  /** Host header of the request (X-Forwarded-Host). */
  host: string;
  /** The client's User-Agent, which must not be forwarded (KrakenD sends its own). */
  clientUserAgent?: string;
}

/** Canonical MIME header key, as Go's http.CanonicalHeaderKey. */
export function canonical(name: string): string {
  return name
    .toLowerCase()
    .split("-")
    .map((w) => (w ? (w[0] ?? "").toUpperCase() + w.slice(1) : w))
    .join("-");
}

export function assertTimestamp(timestamp: unknown): void {
  assert.type(timestamp, "number", "timestamp is set");
  const ts = timestamp as number;
  assert.ok(Number.isInteger(ts), `timestamp ${ts} is whole seconds`);
  const now = Date.now() / 1000;
  assert.ok(Math.abs(now - ts) <= 5, `timestamp ${ts} is within 5 s of now (${Math.floor(now)})`);
}

export function assertForwardedHeaders(headers: Record<string, unknown> | undefined, host: string): void {
  assert.ok(headers, "the message has headers");
  const h = headers as Record<string, unknown>;
  assert.equal(h["X-Forwarded-For"], ["127.0.0.1"], "X-Forwarded-For is the client address");
  assert.equal(h["X-Forwarded-Host"], [host], "X-Forwarded-Host is the request's Host");
  const ua = h["User-Agent"];
  assert.ok(Array.isArray(ua) && ua.length === 1 && typeof ua[0] === "string" && ua[0].length > 0, `User-Agent is one string: ${JSON.stringify(ua)}`);
  for (const [name, value] of Object.entries(h)) {
    assert.ok(Array.isArray(value) && value.every((v) => typeof v === "string"), `header ${name} is an array of strings: ${JSON.stringify(value)}`);
    assert.is(name, canonical(name), `header name ${name} is canonical`);
  }
}

export function assertMessage(message: GetMessage, expected: ExpectedMessage): void {
  const { fields, properties: p, content } = message;
  assert.ok(
    content.equals(expected.body),
    `body bytes: got ${content.length} bytes ${content.toString("hex").slice(0, 80)}, expected ${expected.body.length} bytes ${expected.body.toString("hex").slice(0, 80)}`,
  );
  assert.is(fields.exchange, expected.exchange, "fields.exchange");
  assert.is(fields.routingKey, expected.routingKey, "fields.routingKey");
  assert.is(p.contentType, expected.contentType, "contentType");
  if (expected.persistent) assert.is(p.deliveryMode, 2, "deliveryMode 2 (persistent) on a durable exchange");
  else assert.ok(p.deliveryMode === undefined || p.deliveryMode === 1, `deliveryMode absent or 1 on a transient exchange, got ${String(p.deliveryMode)}`);
  assert.is(p.priority, expected.priority, "priority");
  assert.is(p.expiration, expected.expiration, "expiration");
  assert.is(p.replyTo, expected.replyTo, "replyTo");
  assert.is(p.messageId, expected.messageId, "messageId");
  assertTimestamp(p.timestamp);
  for (const unset of ["contentEncoding", "correlationId", "type", "userId", "appId", "clusterId"] as const) {
    assert.is(p[unset], undefined, `${unset} is not set`);
  }
  assertForwardedHeaders(p.headers, expected.host);
  const headers = { ...(p.headers as Record<string, unknown>) };
  if (expected.clientUserAgent !== undefined) {
    assert.is.not((headers["User-Agent"] as string[])[0], expected.clientUserAgent, "the client's User-Agent is not forwarded");
  }
  delete headers["X-Forwarded-For"];
  delete headers["X-Forwarded-Host"];
  delete headers["User-Agent"];
  assert.equal(headers, expected.headers, "forwarded headers");
}

/** A hung publish or ready() fails the test instead of hanging the run. */
export const TEST_TIMEOUT_MS = 15_000;

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The usual start of a broker test file: probe the broker (one SKIPPED line naming `what` when
 * there is none, unless CI is set), open the test's own connection, close it after the file.
 * Returns the `it` of brokerTests and a getter for the connection (throws before it is open).
 */
export async function brokerSuite(what: string): Promise<{ it: (name: string, fn: () => Promise<void>) => void; broker: () => TestBroker }> {
  // The probe's connection is the test's own when the broker answers.
  const probe = await probeBroker();
  const noBroker = probe instanceof Error;
  const skipAll = noBroker && !process.env["CI"];
  if (skipAll) console.log(`SKIPPED: no RabbitMQ at 127.0.0.1:5672; ${what} not run`);
  let opened: TestBroker | null = null;
  let setupError: Error | null = null;
  try {
    if (!noBroker) opened = await TestBroker.open(probe);
    else if (!skipAll) throw new Error("CI is set but RabbitMQ is not reachable");
  } catch (err) {
    setupError = err instanceof Error ? err : new Error(String(err));
  }
  test.after(async () => {
    await opened?.close();
  });
  const broker = (): TestBroker => {
    if (!opened) throw new Error("no broker connection");
    return opened;
  };
  return { it: brokerTests(skipAll, () => setupError), broker };
}

/**
 * Registers broker tests: skipped without a broker (outside CI), failing if the set-up failed,
 * each bounded by TEST_TIMEOUT_MS. `first` runs before the bound starts (a wait for the broker's
 * turn, say).
 */
export function brokerTests(
  skipAll: boolean,
  setupError: () => Error | null,
  first: () => Promise<void> = async () => {},
): (name: string, fn: () => Promise<void>) => void {
  return (name, fn) => {
    if (skipAll) {
      test.skip(name, fn);
      return;
    }
    test(name, async () => {
      const error = setupError();
      if (error) throw error;
      await first();
      await withTimeout(fn(), TEST_TIMEOUT_MS, `test "${name}"`);
    });
  };
}
