/**
 * The publisher: one AMQP connection per broker with confirm channels for publishing (one unless
 * `publishChannels` says more) and a separate channel for topology, reconnection with KrakenD's
 * backoff strategies, a heartbeat and a confirm watchdog for connections that go silent, and
 * back-pressure.
 */
import { connect, type Channel, type ChannelModel, type ConfirmChannel } from "amqplib";
import { randomUUID } from "node:crypto";
import { DIRECT_REPLY_TO, SHORT_STRING_BYTES } from "./checks.js";
import { errorText, redactUrl, stderrLogger } from "./log.js";
import { senderFor, type Send } from "./send.js";
import { RouteMeter } from "./stats.js";
import type { BackoffStrategy, BrokerInfo, BrokerStats, Logger, Outgoing, Publisher, PublisherOptions, PublishResult, Reply, RouteInfo } from "./types.js";

const RETRY_AFTER_SECONDS = 1;
/** The answer while no connection is up: the same for every publish. */
const UNREACHABLE: PublishResult = { ok: false, status: 503, message: "the broker is unreachable", retryAfter: RETRY_AFTER_SECONDS };
const CLOSE_GRACE_MS = 5000;

const MAX_BACKOFF_MS = 60_000;

/** KrakenD's reconnect delays: linear n s, exponential 2^n s, jitter ±33 %, anything else 1 s. */
export function backoffDelayMs(strategy: BackoffStrategy, attempt: number, random: () => number = Math.random): number {
  const jitter = (ms: number) => ms * (1 + (random() * 2 - 1) / 3);
  const n = Math.min(attempt, 16);
  const delay = (): number => {
    switch (strategy) {
      case "linear":
        return n * 1000;
      case "linear-jitter":
        return jitter(n * 1000);
      case "exponential":
        return 2 ** n * 1000;
      case "exponential-jitter":
        return jitter(2 ** n * 1000);
      default:
        return 1000;
    }
  };
  // KrakenD's exponential strategy is unbounded (2^16 s is 18 h): a minute at most here.
  return Math.min(delay(), MAX_BACKOFF_MS);
}

/** Whether `promise` settles within `ms`; the timer never outlives the answer. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/**
 * amqplib throws synchronously from publish(): on a closed channel (retry later), or when a
 * property cannot be encoded (a client's headers too large for AMQP: not worth a retry).
 */
function publishError(err: unknown): Extract<PublishResult, { ok: false }> {
  if (err instanceof RangeError || err instanceof TypeError) {
    return { ok: false, status: 400, message: "the request's headers cannot be carried by an AMQP message" };
  }
  return { ok: false, status: 503, message: `publish failed: ${errorText(err)}`, retryAfter: RETRY_AFTER_SECONDS };
}

/**
 * The socket under an amqplib connection. amqplib does not type it, and closing the connection
 * politely cannot work on a silent path (the close handshake would wait for an answer): the
 * socket is destroyed instead.
 */
function socketOf(model: ChannelModel): AmqpSocket | undefined {
  return (model.connection as unknown as { stream?: AmqpSocket }).stream;
}

/** What the runtime uses of a connection's socket. */
interface AmqpSocket {
  destroy(error?: Error): void;
  /** Bytes received so far. Every frame from the broker (a confirm, a heartbeat) moves it. */
  readonly bytesRead: number;
  write(...args: unknown[]): boolean;
  cork(): void;
  uncork(): void;
}

/**
 * amqplib hands the socket one write per message. Gathered while the current callback runs
 * and sent at its end as one writev (cork, then uncork on the next tick), a burst of publishes
 * costs one system call and a few TCP segments instead of one each, with no wait added: unlike
 * Nagle's algorithm, nothing is held for the broker's acknowledgement.
 */
function coalesceWrites(socket: AmqpSocket): void {
  const write = socket.write;
  let corked = false;
  const flush = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = (...args: unknown[]): boolean => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(flush);
    }
    return write.apply(socket, args);
  };
}

/** The frame size the broker negotiated (RabbitMQ's default 128 KiB when amqplib does not say). */
function frameMaxOf(model: ChannelModel): number {
  const frameMax = (model.connection as unknown as { frameMax?: unknown }).frameMax;
  return typeof frameMax === "number" && frameMax > 0 ? frameMax : 131072;
}

/** `url` with `?heartbeat=seconds` added, unless it names its own. */
export function withHeartbeat(url: string, seconds: number): string {
  const hash = url.indexOf("#");
  const base = hash === -1 ? url : url.slice(0, hash);
  if (/[?&]heartbeat=/.test(base)) return url;
  return `${base}${base.includes("?") ? "&" : "?"}heartbeat=${seconds}${hash === -1 ? "" : url.slice(hash)}`;
}

/**
 * Bytes amqplib writes for a header table: per entry a name and a typed value (arrays of
 * strings here). A content header frame holds the table and at most ~1.6 KiB of other
 * properties, and it cannot be split across frames.
 */
function headerTableBytes(headers: Readonly<Record<string, unknown>>): number {
  let size = 4;
  for (const name of Object.keys(headers)) {
    size += 2 + Buffer.byteLength(name);
    const value = headers[name];
    if (Array.isArray(value)) {
      size += 4;
      for (const item of value) size += 5 + Buffer.byteLength(String(item));
    } else {
      size += 5 + Buffer.byteLength(String(value));
    }
  }
  return size;
}

/** Room in a content header frame for everything but the header table. */
const HEADER_FRAME_OVERHEAD = 8 + 14 + 6 * (1 + SHORT_STRING_BYTES) + 64;

/**
 * Confirms awaited on one connection: how many, and when the broker was last heard from while
 * they were (a confirm, or any bytes: a slow broker still sends heartbeats, a silent path nothing).
 */
interface ConfirmWatch {
  outstanding: number;
  progressAt: number;
  bytesRead: number;
}

/** A channel that publishes, and how to publish on it. */
interface Lane {
  readonly channel: ConfirmChannel | Channel;
  readonly send: Send;
}

/** A mandatory publish awaiting its confirm: a return for it comes first, on the same channel. */
interface Pending {
  readonly channel: ConfirmChannel | Channel;
  readonly exchange: string;
  readonly routingKey: string;
  readonly body: Buffer;
  returned: boolean;
}

/** One broker: one connection, its publishing channels (lanes), a channel for topology. */
class BrokerLink {
  private model: ChannelModel | null = null;
  /** The publishing channels of the current connection (none while disconnected); the first also takes replies. */
  private lanes: readonly Lane[] = [];
  /** The lane the next publish goes out on: they take turns. */
  private nextLane = 0;
  private blocked = false;
  private closing = false;
  private failed: string | null = null;
  private failedAt = 0;
  /** When the current connection opened: one that dies at once must not reconnect in a tight loop. */
  private openedAt = 0;
  private inFlight = 0;
  private drained: Promise<void> | null = null;
  /** The connect loop running now, if any: close() must not return while it may still open a socket. */
  private connectRun: Promise<void> | null = null;
  /** Index in `urls` of the current connection, or of the one to try first. */
  private urlIndex = 0;
  private frameMax = 131072;
  private watch: ConfirmWatch = { outstanding: 0, progressAt: 0, bytesRead: 0 };
  private watchdog: NodeJS.Timeout | null = null;
  private connections = 0;
  private deadConnections = 0;
  private drainWaits = 0;
  private readonly mandatoryPending: Pending[] = [];
  /** Replies awaited by request-reply routes, by correlation id: called with null when the connection is lost. */
  private readonly replies = new Map<string, (reply: Reply | null) => void>();
  /** Replies that came after their request had been answered (504), or for no request of ours. */
  private lateReplies = 0;
  /** Routes whose exchange or queue the broker refused: they are never published to. */
  private readonly refused = new Map<string, string>();
  private readonly firstConnect: Promise<void>;
  private resolveFirst!: () => void;
  private rejectFirst!: (err: Error) => void;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** True while a connect loop runs: a close seen meanwhile is that loop's to handle. */
  private connecting = false;
  private readonly idle = new Set<() => void>();

  private readonly urls: readonly string[];
  private readonly info: BrokerInfo;
  private readonly routes: readonly RouteInfo[];
  private readonly options: Required<Omit<PublisherOptions, "url">>;

  constructor(urls: readonly string[], info: BrokerInfo, routes: readonly RouteInfo[], options: Required<Omit<PublisherOptions, "url">>) {
    this.urls = urls;
    this.info = info;
    this.routes = routes;
    this.options = options;
    this.firstConnect = new Promise<void>((resolve, reject) => {
      this.resolveFirst = resolve;
      this.rejectFirst = reject;
    });
    this.firstConnect.catch(() => undefined); // observed by ready(); never an unhandled rejection
    this.connect(0);
  }

  ready(): Promise<void> {
    return this.firstConnect;
  }

  stats(): BrokerStats {
    const connected = this.lanes.length > 0;
    return {
      name: this.info.urls.join(","),
      url: connected ? redactUrl(this.urls[this.urlIndex] ?? "") : null,
      connected,
      blocked: this.blocked,
      inFlight: this.inFlight,
      connections: this.connections,
      deadConnections: this.deadConnections,
      drainWaits: this.drainWaits,
      awaitingReply: this.replies.size,
      lateReplies: this.lateReplies,
    };
  }

  availability(route: RouteInfo): PublishResult {
    if (this.closing) return { ok: false, status: 503, message: "the service is shutting down", retryAfter: RETRY_AFTER_SECONDS };
    if (this.failed) {
      // max_retries ran out. As KrakenD does, a request that finds the broker gone starts a new
      // round of attempts (at most one a second), so the service still heals by itself.
      if (!this.connecting && !this.reconnectTimer && Date.now() - this.failedAt > 1000) this.connect(0);
      return UNREACHABLE;
    }
    if (this.lanes.length === 0) return UNREACHABLE;
    if (this.blocked) return { ok: false, status: 503, message: "the broker is blocking publishers", retryAfter: RETRY_AFTER_SECONDS };
    const refusal = this.refused.get(route.id);
    if (refusal) return { ok: false, status: 503, message: refusal, retryAfter: RETRY_AFTER_SECONDS };
    if (this.inFlight >= this.options.maxInFlight) {
      return { ok: false, status: 503, message: "too many messages awaiting the broker", retryAfter: RETRY_AFTER_SECONDS };
    }
    return { ok: true };
  }

  publish(route: RouteInfo, outgoing: Outgoing, body: Buffer): Promise<PublishResult> {
    const available = this.availability(route);
    if (!available.ok) return Promise.resolve(available);
    const tooLarge = this.messageLimitError(outgoing, body);
    if (tooLarge) return Promise.resolve(tooLarge);
    this.inFlight++;
    // One deadline for the whole publish: waiting for room in the socket uses up the time left
    // for the confirm, so no request waits past its timeout.
    const deadline = Date.now() + route.timeoutMs;
    const lanes = this.lanes;
    if (this.drained || route.reply || !this.options.confirm || lanes.length === 0) return this.publishWaiting(route, outgoing, body, deadline);
    // The usual case, without an async function around it: the confirm's own promise, released when it settles.
    return this.publishConfirmed(this.takeTurn(lanes), route, outgoing, body, deadline, true);
  }

  /** A publish that may wait for room in the socket, for a reply, or for nothing (no confirms). */
  private async publishWaiting(route: RouteInfo, outgoing: Outgoing, body: Buffer, deadline: number): Promise<PublishResult> {
    try {
      if (this.drained) this.drainWaits++;
      // Every waiting publish wakes on one drain, and the first writes may fill the socket again:
      // wait again then, so that the buffer stays bounded. A drain that comes with no time left is
      // a 504 without publishing a message nobody awaits.
      while (this.drained) {
        if (!(await settlesWithin(this.drained, deadline - Date.now())) || Date.now() >= deadline) {
          return { ok: false, status: 504, message: `the broker did not accept the message within ${route.timeoutMs} ms` };
        }
      }
      const lanes = this.lanes;
      if (lanes.length === 0) return UNREACHABLE;
      // A request goes out on the first lane, the one that consumes the replies.
      if (route.reply) return await this.request(lanes[0] as Lane, route, route.reply.timeoutMs, outgoing, body, deadline);
      const lane = this.takeTurn(lanes);
      if (!this.options.confirm) {
        this.write(lane, route, outgoing, body);
        return { ok: true };
      }
      return await this.publishConfirmed(lane, route, outgoing, body, deadline, false);
    } catch (err) {
      return publishError(err);
    } finally {
      this.release();
    }
  }

  /** The lane whose turn it is to publish. */
  private takeTurn(lanes: readonly Lane[]): Lane {
    return lanes[this.nextLane++ % lanes.length] as Lane;
  }

  /** A publish counted in `inFlight` is over. */
  private release(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.idle) wake();
  }

  /**
   * Request-reply: publishes with RabbitMQ's direct reply-to and a fresh correlation id, then
   * waits for the reply (counted in `inFlight` until then, so `maxInFlight` bounds both). The
   * reply may come before the confirm: it is awaited from before the publish.
   */
  private async request(lane: Lane, route: RouteInfo, replyTimeoutMs: number, outgoing: Outgoing, body: Buffer, deadline: number): Promise<PublishResult> {
    const correlationId = randomUUID();
    const replyDeadline = Date.now() + replyTimeoutMs;
    const replied = new Promise<Reply | null>((resolve) => this.replies.set(correlationId, resolve));
    const message: Outgoing = { routingKey: outgoing.routingKey, options: { ...outgoing.options, replyTo: DIRECT_REPLY_TO, correlationId } };
    try {
      if (this.options.confirm) {
        const confirmed = await this.publishConfirmed(lane, route, message, body, Math.min(deadline, replyDeadline), false);
        if (!confirmed.ok) return confirmed;
      } else {
        this.write(lane, route, message, body);
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, replyDeadline - Date.now()));
      });
      const reply = await Promise.race([replied, timedOut]);
      clearTimeout(timer);
      if (reply === "timeout") return { ok: false, status: 504, message: `no reply within ${replyTimeoutMs} ms` };
      if (reply === null) return { ok: false, status: 503, message: "the connection to the broker was lost", retryAfter: RETRY_AFTER_SECONDS };
      return { ok: true, reply };
    } finally {
      // Whatever the outcome, a reply that comes later finds no request: it is dropped.
      this.replies.delete(correlationId);
    }
  }

  /** A message on the direct reply-to consumer: the reply of the request with its correlation id. */
  private onReply(message: { content: Buffer; properties: { correlationId?: unknown; contentType?: unknown } } | null): void {
    if (!message) return; // the consumer was cancelled: the channel is closing
    const id = message.properties.correlationId;
    const waiting = typeof id === "string" ? this.replies.get(id) : undefined;
    if (!waiting) {
      this.lateReplies++;
      return;
    }
    const contentType = message.properties.contentType;
    waiting({ body: message.content, contentType: typeof contentType === "string" ? contentType : undefined });
  }

  /** The connection is gone: every awaited reply with it (503 at once, not at the timeout). */
  private failReplies(): void {
    for (const waiting of this.replies.values()) waiting(null);
    this.replies.clear();
  }

  /** A message too large for the broker, which would close the channel or the connection over it. */
  private messageLimitError(outgoing: Outgoing, body: Buffer): Extract<PublishResult, { ok: false }> | null {
    if (body.length > this.options.maxMessageBytes) {
      return { ok: false, status: 413, message: `the body is larger than the broker's ${this.options.maxMessageBytes}-byte message limit` };
    }
    // amqplib's own 64 KiB limit on the header table (a RangeError, see publishError) is below
    // RabbitMQ's default frame; only a broker configured with smaller frames needs this count.
    const headers = outgoing.options.headers as Readonly<Record<string, unknown>> | undefined;
    if (headers && this.frameMax < 65536 + HEADER_FRAME_OVERHEAD && headerTableBytes(headers) > this.frameMax - HEADER_FRAME_OVERHEAD) {
      return { ok: false, status: 400, message: `the request's headers do not fit in one AMQP frame (the broker's frame_max is ${this.frameMax} bytes)` };
    }
    return null;
  }

  /** Publishes and resolves with the broker's confirm (or a 504 at the deadline); `release`: ends the publish's count in `inFlight` then. */
  private publishConfirmed(lane: Lane, route: RouteInfo, outgoing: Outgoing, body: Buffer, deadline: number, release: boolean): Promise<PublishResult> {
    return new Promise<PublishResult>((resolve) => {
      const pending: Pending | null = route.mandatory
        ? { channel: lane.channel, exchange: route.exchange.name, routingKey: outgoing.routingKey, body, returned: false }
        : null;
      if (pending) this.mandatoryPending.push(pending);
      let settled = false;
      const finish = (result: PublishResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (pending) this.mandatoryPending.splice(this.mandatoryPending.indexOf(pending), 1);
        if (release) this.release();
        resolve(result);
      };
      const timer = setTimeout(
        () => finish({ ok: false, status: 504, message: `the broker did not confirm within ${route.timeoutMs} ms` }),
        Math.max(0, deadline - Date.now()),
      );
      const watch = this.watch;
      const onConfirm = (err: unknown) => {
        watch.outstanding--;
        watch.progressAt = Date.now();
        if (err) {
          const closed = /closed/i.test(errorText(err));
          finish(
            closed
              ? { ok: false, status: 503, message: "the connection to the broker was lost", retryAfter: RETRY_AFTER_SECONDS }
              : { ok: false, status: 502, message: "the broker refused the message" },
          );
        } else if (pending?.returned) {
          this.options.logger.warn(
            `route ${route.id}: message returned as unroutable by exchange "${route.exchange.name}" (routing key "${outgoing.routingKey}"): nothing is bound for it`,
          );
          finish({ ok: false, status: 502, message: "the message could not be routed to any queue" });
        } else {
          finish({ ok: true });
        }
      };
      try {
        this.write(lane, route, outgoing, body, onConfirm);
        // Counted once written: a publish amqplib refused to encode awaits no confirm.
        if (watch.outstanding++ === 0) watch.progressAt = Date.now();
      } catch (err) {
        finish(publishError(err)); // never leave a pending entry behind for a return to match
      }
    });
  }

  private write(lane: Lane, route: RouteInfo, outgoing: Outgoing, body: Buffer, callback?: (err: unknown) => void): void {
    // On a closed channel this throws, as amqplib's publish does: a 503.
    const ok = lane.send(route.exchange.name, outgoing.routingKey, body, outgoing.options, route.mandatory, callback);
    const { channel } = lane;
    if (!ok && !this.drained) {
      // The socket's buffer is full: later publishes wait for `drain` (bounded by their timeout).
      this.drained = new Promise<void>((resolve) => {
        const done = () => {
          channel.off("drain", done);
          channel.off("close", done);
          this.drained = null;
          resolve();
        };
        channel.on("drain", done);
        channel.on("close", done);
      });
    }
  }

  /** A returned message precedes its confirm on its channel: mark the oldest pending publish it matches there. */
  private onReturn(channel: ConfirmChannel | Channel, exchange: string, routingKey: string, content: Buffer): void {
    const match = this.mandatoryPending.find(
      (p) => !p.returned && p.channel === channel && p.exchange === exchange && p.routingKey === routingKey && p.body.equals(content),
    );
    if (match) match.returned = true;
  }

  /** Starts a connect loop; `close()` waits for the one running. */
  private connect(attempt: number): void {
    this.connectRun = this.connectLoop(attempt);
  }

  private async connectLoop(attempt: number): Promise<void> {
    this.reconnectTimer = null;
    if (this.closing) return;
    this.connecting = true;
    const first = this.urlIndex;
    for (let k = 0; k < this.urls.length; k++) {
      // From the URL in use last (or the one after a dead one) around the list.
      const index = (first + k) % this.urls.length;
      const url = this.urls[index] as string;
      try {
        this.urlIndex = index;
        await this.open(url);
        this.connecting = false;
        this.failed = null;
        this.resolveFirst();
        return;
      } catch (err) {
        this.options.logger.warn(`cannot connect to ${redactUrl(url)}: ${errorText(err)}`);
        await this.dispose();
        if (this.closing) {
          this.connecting = false;
          return;
        }
      }
    }
    this.connecting = false;
    const limit = this.info.maxRetries;
    if (limit > 0 && attempt + 1 >= limit) {
      this.failed = `gave up after ${attempt + 1} attempts`;
      this.failedAt = Date.now();
      this.options.logger.error(`broker ${this.urls.map(redactUrl).join(", ")}: ${this.failed} (max_retries ${limit})`);
      this.rejectFirst(new Error(`cannot connect to the broker: ${this.failed}`));
      return;
    }
    const delay = attempt === 0 ? 0 : backoffDelayMs(this.info.backoff, attempt);
    this.reconnectTimer = setTimeout(() => this.connect(attempt + 1), delay);
    this.reconnectTimer.unref();
  }

  private async open(url: string): Promise<void> {
    const target = this.options.heartbeatSeconds > 0 ? withHeartbeat(url, this.options.heartbeatSeconds) : url;
    const model = await connect(target, {
      timeout: this.options.connectTimeoutMs,
      // Without it, Nagle's algorithm holds a small publish until the broker acknowledges the
      // previous segment: tens of milliseconds on every request under load.
      noDelay: true,
      clientProperties: { connection_name: "amqp-gen publisher" },
    });
    if (this.closing) {
      await closeModel(model); // close() ran while we were connecting
      throw new Error("the publisher was closed");
    }
    this.model = model;
    this.blocked = false;
    this.openedAt = Date.now();
    this.frameMax = frameMaxOf(model);
    const socket = socketOf(model);
    this.watch = { outstanding: 0, progressAt: Date.now(), bytesRead: socket?.bytesRead ?? 0 };
    if (socket) coalesceWrites(socket);
    this.connections++;
    model.on("error", (err: unknown) => {
      const text = errorText(err);
      this.options.logger.warn(`connection error: ${text}`);
      // amqplib ends the connection itself; the next URL is the one to try.
      if (/heartbeat timeout/i.test(text)) this.markDead(model, "no heartbeat from the broker");
    });
    model.on("blocked", (reason: string) => {
      this.blocked = true;
      this.options.logger.warn(`broker blocked publishing: ${reason}`);
    });
    model.on("unblocked", () => {
      this.blocked = false;
      this.watch.progressAt = Date.now(); // confirms were held back, not lost
      this.options.logger.info("broker unblocked publishing");
    });
    // A close read in the same segment as the set-up's last answer is handled before the set-up
    // resumes, while onClosed still ignores it (connecting): noted here, it fails the set-up below.
    let closed = false;
    model.on("close", () => {
      closed = true;
      this.onClosed(model);
    });

    await this.declareTopology(model);
    const lanes: Lane[] = [];
    for (let i = 0; i < this.options.publishChannels; i++) lanes.push(await this.openLane(model));
    // Request-reply routes: replies come to the first channel, which must consume them before it publishes a request.
    if (this.routes.some((r) => r.reply)) await (lanes[0] as Lane).channel.consume(DIRECT_REPLY_TO, (message) => this.onReply(message), { noAck: true });
    if (this.closing) throw new Error("the publisher was closed");
    if (closed) throw new Error("the connection closed while it was being set up");
    this.lanes = lanes;
    this.startWatchdog(model);
    this.options.logger.info(`connected to ${redactUrl(url)}`);
  }

  /** One publishing channel on `model`: confirms on, returns matched, and a close that starts over. */
  private async openLane(model: ChannelModel): Promise<Lane> {
    const channel = this.options.confirm ? await model.createConfirmChannel() : await model.createChannel();
    const lane: Lane = { channel, send: senderFor(channel, this.options.confirm) };
    channel.on("error", (err: unknown) => this.options.logger.warn(`publish channel error: ${errorText(err)}`));
    channel.on("return", (msg: { fields: { exchange: string; routingKey: string }; content: Buffer }) =>
      this.onReturn(channel, msg.fields.exchange, msg.fields.routingKey, msg.content),
    );
    channel.on("close", () => {
      this.failReplies();
      if (this.lanes.includes(lane)) {
        this.lanes = [];
        // A channel closed by the broker while the connection lives: start over on a new connection.
        if (!this.closing) void closeModel(model);
      }
    });
    return lane;
  }

  /** Checks, a few times per bound, that the broker is still heard from while publishes await confirms. */
  private startWatchdog(model: ChannelModel): void {
    this.stopWatchdog();
    const bound = this.options.confirmWatchdogMs;
    if (!this.options.confirm || bound <= 0) return;
    const watch = this.watch;
    this.watchdog = setInterval(
      () => {
        if (this.model !== model || this.watch !== watch) {
          this.stopWatchdog();
          return;
        }
        const bytesRead = socketOf(model)?.bytesRead ?? watch.bytesRead;
        if (bytesRead !== watch.bytesRead) {
          watch.bytesRead = bytesRead;
          watch.progressAt = Date.now();
        }
        const silentFor = Date.now() - watch.progressAt;
        if (watch.outstanding > 0 && !this.blocked && silentFor > bound) {
          this.markDead(model, `nothing from the broker for ${silentFor} ms with ${watch.outstanding} publishes awaiting a confirm`);
        }
      },
      Math.max(50, Math.min(500, Math.floor(bound / 10))),
    );
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  /**
   * A connection that no longer answers: counted, its socket destroyed (which fails its pending
   * confirms at once, as 503s), and the next URL tried first.
   */
  private markDead(model: ChannelModel, reason: string): void {
    if (this.model !== model) return;
    this.deadConnections++;
    const url = this.urls[this.urlIndex] ?? "";
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    this.options.logger.warn(`connection to ${redactUrl(url)} taken for dead (${reason}); trying the next URL`);
    this.stopWatchdog();
    const socket = socketOf(model);
    // Without amqplib's socket (a version that hides it), close it the polite way.
    if (socket) socket.destroy(new Error(`connection taken for dead: ${reason}`));
    else void closeModel(model);
  }

  /** Exchanges, queues and bindings on their own channel: a refusal cannot kill the publish path. */
  private async declareTopology(model: ChannelModel): Promise<void> {
    this.refused.clear();
    let channel: Channel | null = null;
    const fresh = async (): Promise<Channel> => (channel ??= await openTopologyChannel(model, this.options.logger));
    const declared = new Set<string>();
    for (const route of this.routes) {
      const { exchange, queue } = route;
      const key = `${route.declare}\u0000${exchange.name}\u0000${queue?.name ?? ""}\u0000${queue?.bindingKey ?? ""}`;
      if (declared.has(key)) continue;
      if (!route.declare) {
        // A topology managed elsewhere: check that the exchange is there, create nothing.
        try {
          await (await fresh()).checkExchange(exchange.name);
        } catch (err) {
          channel = null;
          this.refuse(route, `exchange "${exchange.name}" does not exist (the route declares nothing)`, err);
          continue;
        }
        declared.add(key);
        continue;
      }
      try {
        const exchangeArgs = exchange.arguments ? { arguments: exchange.arguments } : {};
        await (await fresh()).assertExchange(exchange.name, exchange.type, { durable: exchange.durable, autoDelete: exchange.autoDelete, ...exchangeArgs });
      } catch (err) {
        this.refuse(route, `the broker refused to declare exchange "${exchange.name}"`, err);
        channel = null; // the broker closed it; the next declaration gets a fresh one
        continue;
      }
      if (queue && this.options.declareQueues) {
        // The route's own x-queue-type wins over the publisher's queueType.
        const args: Record<string, unknown> = { ...(this.options.queueType === "quorum" ? { "x-queue-type": "quorum" } : {}), ...queue.arguments };
        const replicated = args["x-queue-type"] === "quorum" || args["x-queue-type"] === "stream";
        try {
          // Quorum queues and streams are always durable.
          await (await fresh()).assertQueue(queue.name, { durable: replicated || queue.durable, ...(Object.keys(args).length > 0 ? { arguments: args } : {}) });
        } catch (err) {
          channel = null;
          // A queue that already exists with other arguments (a TTL, a max length, another type)
          // is still a fine destination: use it as it is, and say so.
          const exists = await (await fresh()).checkQueue(queue.name).then(
            () => true,
            () => false,
          );
          if (!exists) {
            channel = null;
            this.refuse(route, `the broker refused to declare queue "${queue.name}"`, err);
            continue;
          }
          this.options.logger.warn(
            `route ${route.method} ${route.path}: queue "${queue.name}" exists with other settings (${errorText(err)}); using it as it is`,
          );
        }
        try {
          if (queue.bindingKey !== null) await (await fresh()).bindQueue(queue.name, exchange.name, queue.bindingKey);
        } catch (err) {
          channel = null;
          this.refuse(route, `the broker refused to bind queue "${queue.name}" to exchange "${exchange.name}"`, err);
          continue;
        }
      }
      declared.add(key);
    }
    // Not awaited: amqplib never settles a channel's close() when the connection closes first, and
    // the connect loop would wait for it for good (no reconnect ever again). A close during set-up
    // fails the set-up at its next step instead.
    const last = channel as Channel | null;
    if (last) void last.close().catch(() => undefined);
  }

  /** A route whose topology the broker refused: logged once, answered 503 until the next connection. */
  private refuse(route: RouteInfo, what: string, err: unknown): void {
    this.options.logger.error(`route ${route.method} ${route.path}: ${what}: ${errorText(err)}`);
    this.refused.set(route.id, `${what.replace(/^the broker refused to /, "cannot ")}`);
  }

  private onClosed(model: ChannelModel): void {
    // amqplib only ends its socket: on a silent path that would linger for minutes.
    socketOf(model)?.destroy();
    if (this.model !== model || this.connecting) return;
    this.stopWatchdog();
    this.model = null;
    this.lanes = [];
    this.blocked = false;
    if (this.closing) return;
    this.options.logger.warn("connection to the broker closed; reconnecting");
    // Reconnect at once. A connection that died right after opening starts the backoff at its
    // first step, so that if this round fails too, the next one waits.
    this.connect(Date.now() - this.openedAt < 1000 ? 1 : 0);
  }

  private async dispose(): Promise<void> {
    const model = this.model;
    this.model = null;
    this.lanes = [];
    this.stopWatchdog();
    if (model) await closeModel(model);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_GRACE_MS);
        this.idle.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.rejectFirst(new Error("the publisher was closed"));
    // A connect under way ends within its timeout and, seeing `closing`, closes what it opened.
    if (this.connectRun) await settlesWithin(this.connectRun, this.options.connectTimeoutMs + 1000);
    await this.dispose();
  }
}

/** Closes a connection politely, but never waits more than a second for the broker to agree. */
async function closeModel(model: ChannelModel): Promise<void> {
  await settlesWithin(
    model.close().catch(() => undefined),
    1000,
  );
  socketOf(model)?.destroy();
}

async function openTopologyChannel(model: ChannelModel, logger: Logger): Promise<Channel> {
  const channel = await model.createChannel();
  channel.on("error", (err: unknown) => logger.warn(`topology channel error: ${errorText(err)}`));
  return channel;
}

function urlList(option: PublisherOptions["url"], broker: BrokerInfo, index: number): readonly string[] {
  const url = typeof option === "function" ? option(broker, index) : option;
  const fallback = broker.urls;
  if (typeof url === "string") return [url];
  if (url && url.length > 0) return url;
  const env = process.env["AMQP_URL"];
  // A list is comma-separated; split only before a scheme, since a password may contain a comma.
  if (env)
    return env
      .split(/,(?=\s*amqps?:\/\/)/)
      .map((u) => u.trim())
      .filter((u) => u.length > 0);
  return fallback;
}

export function createPublisherFor(brokers: readonly BrokerInfo[], routes: readonly RouteInfo[], options: PublisherOptions = {}): Publisher {
  const settings = {
    declareQueues: options.declareQueues ?? true,
    queueType: options.queueType ?? "classic",
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    heartbeatSeconds: options.heartbeatSeconds ?? 10,
    confirmWatchdogMs: options.confirmWatchdogMs ?? 5000,
    maxMessageBytes: options.maxMessageBytes ?? 128 * 1024 * 1024,
    confirm: options.confirm ?? true,
    maxInFlight: options.maxInFlight ?? 1000,
    publishChannels: options.publishChannels ?? 1,
    logger: options.logger ?? stderrLogger,
  };
  if (!Number.isInteger(settings.publishChannels) || settings.publishChannels < 1) {
    throw new RangeError(`publishChannels must be a whole number of at least 1, not ${settings.publishChannels}`);
  }
  const links = brokers.map(
    (info, index) =>
      new BrokerLink(
        urlList(options.url, info, index),
        info,
        routes.filter((r) => r.broker === index),
        settings,
      ),
  );
  const linkOf = (route: RouteInfo): BrokerLink => {
    const link = links[route.broker];
    if (!link) throw new Error(`route ${route.id} names an unknown broker`);
    return link;
  };
  // Requests' outcomes are counted per route, beside the brokers' counters, for stats().
  const meters = new Map(routes.map((route) => [route.id, new RouteMeter(route)]));
  return {
    ready: () => Promise.all(links.map((l) => l.ready())).then(() => undefined),
    availability: (route) => linkOf(route).availability(route),
    publish: (route, outgoing, body) => linkOf(route).publish(route, outgoing, body),
    close: () => Promise.all(links.map((l) => l.close())).then(() => undefined),
    stats: () => ({ brokers: links.map((l) => l.stats()), routes: [...meters.values()].map((m) => m.snapshot()) }),
    recordAnswer: (route, status, receivedAt, limited) => meters.get(route.id)?.record(status, receivedAt, limited),
  };
}
