/**
 * One broker's connection: the connect loop over the `host` list (failover), KrakenD's backoff
 * strategies and `max_retries`, the heartbeat, and what to do when the connection closes or is
 * taken for dead. What a connection is used for (channels, topology, the watchdog) is the
 * caller's: `setUp` runs on each new connection, `lost` when it goes.
 */
import { connect, type ChannelModel } from "amqplib";
import { errorText, redactUrl } from "./log.js";
import { closeModel, coalesceWrites, settlesWithin, socketOf } from "./socket.js";
import type { BackoffStrategy, BrokerInfo, Logger, PublisherOptions } from "./types.js";

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

/** `url` with `?heartbeat=seconds` added, unless it names its own. */
export function withHeartbeat(url: string, seconds: number): string {
  const hash = url.indexOf("#");
  const base = hash === -1 ? url : url.slice(0, hash);
  if (/[?&]heartbeat=/.test(base)) return url;
  return `${base}${base.includes("?") ? "&" : "?"}heartbeat=${seconds}${hash === -1 ? "" : url.slice(hash)}`;
}

/** The URLs of broker `index`: the `url` option, else `AMQP_URL` (comma-separated), else the config's hosts. */
export function brokerUrls(option: PublisherOptions["url"], broker: BrokerInfo, index: number): readonly string[] {
  const url = typeof option === "function" ? option(broker, index) : option;
  if (typeof url === "string") return [url];
  if (url && url.length > 0) return url;
  const env = process.env["AMQP_URL"];
  // A list is comma-separated; split only before a scheme, since a password may contain a comma.
  if (env)
    return env
      .split(/,(?=\s*amqps?:\/\/)/)
      .map((u) => u.trim())
      .filter((u) => u.length > 0);
  return broker.urls;
}

export interface ConnectionSettings {
  readonly heartbeatSeconds: number;
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
}

export interface ConnectionHooks {
  /**
   * Prepares a new connection (topology, channels); throwing fails it, and the loop tries the
   * next URL. Resolves with what puts it in use, called once nothing can fail any more.
   */
  setUp(model: ChannelModel): Promise<() => void>;
  /** The connection in use is gone (closed, disposed): drop what was made on it. */
  lost(): void;
  /** The connection in use was taken for dead; its close follows. */
  dead(): void;
}

/** One broker's connection, kept open: reconnected on loss, over the URLs in turn, with backoff. */
export class Connection {
  /** The connection in use; null while there is none. */
  model: ChannelModel | null = null;
  /** Set when `max_retries` ran out: why. */
  failed: string | null = null;
  connections = 0;
  deadConnections = 0;
  private failedAt = 0;
  /** When the current connection opened: one that dies at once must not reconnect in a tight loop. */
  private openedAt = 0;
  /** Index in `urls` of the current connection, or of the one to try first. */
  private urlIndex = 0;
  private closing = false;
  /** True while a connect loop runs: a close seen meanwhile is that loop's to handle. */
  private connecting = false;
  /** The connect loop running now, if any: close() must not return while it may still open a socket. */
  private connectRun: Promise<void> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly firstConnect: Promise<void>;
  private resolveFirst!: () => void;
  private rejectFirst!: (err: Error) => void;
  private readonly urls: readonly string[];
  private readonly info: BrokerInfo;
  private readonly settings: ConnectionSettings;
  private readonly hooks: ConnectionHooks;

  constructor(urls: readonly string[], info: BrokerInfo, settings: ConnectionSettings, hooks: ConnectionHooks) {
    this.urls = urls;
    this.info = info;
    this.settings = settings;
    this.hooks = hooks;
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

  /** The URL in use (or to be tried next). */
  get url(): string {
    return this.urls[this.urlIndex] ?? "";
  }

  /**
   * After `max_retries` ran out: as KrakenD does, a request that finds the broker gone starts a
   * new round of attempts (at most one a second), so the service still heals by itself.
   */
  retryAfterGivingUp(): void {
    if (this.failed && !this.connecting && !this.reconnectTimer && Date.now() - this.failedAt > 1000) this.connect(0);
  }

  /**
   * A connection that no longer answers: counted, its socket destroyed (which fails its pending
   * confirms at once, as 503s), and the next URL tried first.
   */
  markDead(model: ChannelModel, reason: string): void {
    if (this.model !== model) return;
    this.deadConnections++;
    const url = this.url;
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    this.settings.logger.warn(`connection to ${redactUrl(url)} taken for dead (${reason}); trying the next URL`);
    this.hooks.dead();
    const socket = socketOf(model);
    // Without amqplib's socket (a version that hides it), close it the polite way.
    if (socket) socket.destroy(new Error(`connection taken for dead: ${reason}`));
    else void closeModel(model);
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
        this.settings.logger.warn(`cannot connect to ${redactUrl(url)}: ${errorText(err)}`);
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
      this.settings.logger.error(`broker ${this.urls.map(redactUrl).join(", ")}: ${this.failed} (max_retries ${limit})`);
      this.rejectFirst(new Error(`cannot connect to the broker: ${this.failed}`));
      return;
    }
    const delay = attempt === 0 ? 0 : backoffDelayMs(this.info.backoff, attempt);
    this.reconnectTimer = setTimeout(() => this.connect(attempt + 1), delay);
    this.reconnectTimer.unref();
  }

  private async open(url: string): Promise<void> {
    const { heartbeatSeconds, connectTimeoutMs, logger } = this.settings;
    const model = await connect(heartbeatSeconds > 0 ? withHeartbeat(url, heartbeatSeconds) : url, {
      timeout: connectTimeoutMs,
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
    this.openedAt = Date.now();
    const socket = socketOf(model);
    if (socket) coalesceWrites(socket);
    this.connections++;
    model.on("error", (err: unknown) => {
      const text = errorText(err);
      logger.warn(`connection error: ${text}`);
      // amqplib ends the connection itself; the next URL is the one to try.
      if (/heartbeat timeout/i.test(text)) this.markDead(model, "no heartbeat from the broker");
    });
    // A close read in the same segment as the set-up's last answer is handled before the set-up
    // resumes, while onClosed still ignores it (connecting): noted here, it fails the set-up below.
    let closed = false;
    model.on("close", () => {
      closed = true;
      this.onClosed(model);
    });
    const activate = await this.hooks.setUp(model);
    if (this.closing) throw new Error("the publisher was closed");
    if (closed) throw new Error("the connection closed while it was being set up");
    activate();
    logger.info(`connected to ${redactUrl(url)}`);
  }

  private onClosed(model: ChannelModel): void {
    // amqplib only ends its socket: on a silent path that would linger for minutes.
    socketOf(model)?.destroy();
    if (this.model !== model || this.connecting) return;
    this.model = null;
    this.hooks.lost();
    if (this.closing) return;
    this.settings.logger.warn("connection to the broker closed; reconnecting");
    // Reconnect at once. A connection that died right after opening starts the backoff at its
    // first step, so that if this round fails too, the next one waits.
    this.connect(Date.now() - this.openedAt < 1000 ? 1 : 0);
  }

  private async dispose(): Promise<void> {
    const model = this.model;
    this.model = null;
    this.hooks.lost();
    if (model) await closeModel(model);
  }

  /** Stops reconnecting; `drain` resolves when what is in flight may be cut. Then closes. */
  async close(drain: () => Promise<void>): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await drain();
    this.rejectFirst(new Error("the publisher was closed"));
    // A connect under way ends within its timeout and, seeing `closing`, closes what it opened.
    if (this.connectRun) await settlesWithin(this.connectRun, this.settings.connectTimeoutMs + 1000);
    await this.dispose();
  }

  get isClosing(): boolean {
    return this.closing;
  }
}
