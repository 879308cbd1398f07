/**
 * The publisher: one link per broker, composed of the concerns in their own modules: the
 * connection with failover and backoff (connection.ts), the topology (topology.ts), publishing
 * with confirms and back-pressure (confirms.ts), dead-connection detection (watchdog.ts) and
 * request-reply's replies (replies.ts). Here: which publish takes which path, the channels of a
 * connection, the counts, and closing.
 */
import type { ChannelModel } from "amqplib";
import { DIRECT_REPLY_TO } from "./checks.js";
import { CONNECTION_LOST, Confirms, type Lane, messageLimitError, publishError, RETRY_AFTER_SECONDS, UNREACHABLE } from "./confirms.js";
import { brokerUrls, Connection } from "./connection.js";
import { closeModel, frameMaxOf, settlesWithin, socketOf } from "./socket.js";
import { errorText, redactUrl, stderrLogger } from "./log.js";
import { ReplyTable } from "./replies.js";
import { senderFor } from "./send.js";
import { RouteMeter } from "./stats.js";
import { declareTopology, type Refusals } from "./topology.js";
import type { BrokerInfo, BrokerStats, Outgoing, Publisher, PublisherOptions, PublishResult, RouteInfo } from "./types.js";
import { ConfirmWatchdog } from "./watchdog.js";

// Kept importable from here, where services and tests have found them.
export { backoffDelayMs, withHeartbeat } from "./connection.js";

const CLOSE_GRACE_MS = 5000;

type Settings = Required<Omit<PublisherOptions, "url">>;

/** One broker: one connection, its publishing channels (lanes), a channel for topology. */
class BrokerLink {
  /** The publishing channels of the current connection (none while disconnected); the first also takes replies. */
  private lanes: readonly Lane[] = [];
  /** The lane the next publish goes out on: they take turns. */
  private nextLane = 0;
  private blocked = false;
  private inFlight = 0;
  private frameMax = 131072;
  /** Routes whose exchange or queue the broker refused: they are never published to. */
  private refused: Refusals = new Map();
  private readonly idle = new Set<() => void>();
  private readonly connection: Connection;
  private readonly watchdog: ConfirmWatchdog;
  private readonly confirms: Confirms;
  private readonly replies = new ReplyTable();
  private readonly info: BrokerInfo;
  private readonly routes: readonly RouteInfo[];
  private readonly options: Settings;

  constructor(urls: readonly string[], info: BrokerInfo, routes: readonly RouteInfo[], options: Settings) {
    this.info = info;
    this.routes = routes;
    this.options = options;
    this.watchdog = new ConfirmWatchdog(options.confirmWatchdogMs, (reason) => {
      const model = this.connection.model;
      if (model) this.connection.markDead(model, reason);
    });
    this.confirms = new Confirms(this.watchdog, options.logger);
    this.connection = new Connection(urls, info, options, {
      setUp: (model) => this.setUp(model),
      lost: () => {
        this.watchdog.stop();
        this.lanes = [];
        this.blocked = false;
      },
      dead: () => this.watchdog.stop(),
    });
  }

  ready(): Promise<void> {
    return this.connection.ready();
  }

  stats(): BrokerStats {
    const connected = this.lanes.length > 0;
    return {
      name: this.info.urls.join(","),
      url: connected ? redactUrl(this.connection.url) : null,
      connected,
      blocked: this.blocked,
      inFlight: this.inFlight,
      connections: this.connection.connections,
      deadConnections: this.connection.deadConnections,
      drainWaits: this.confirms.drainWaits,
      awaitingReply: this.replies.size,
      lateReplies: this.replies.late,
    };
  }

  availability(route: RouteInfo): PublishResult {
    if (this.connection.isClosing) return { ok: false, status: 503, message: "the service is shutting down", retryAfter: RETRY_AFTER_SECONDS };
    if (this.connection.failed) {
      this.connection.retryAfterGivingUp();
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
    const tooLarge = messageLimitError(outgoing, body, this.options.maxMessageBytes, this.frameMax);
    if (tooLarge) return Promise.resolve(tooLarge);
    this.inFlight++;
    // One deadline for the whole publish: waiting for room in the socket uses up the time left
    // for the confirm, so no request waits past its timeout.
    const deadline = Date.now() + route.timeoutMs;
    const lanes = this.lanes;
    if (this.confirms.drained || route.reply || !this.options.confirm || lanes.length === 0) return this.publishWaiting(route, outgoing, body, deadline);
    // The usual case, without an async function around it: the confirm's own promise, released when it settles.
    return this.confirms.publishConfirmed(this.takeTurn(lanes), route, outgoing, body, deadline, this.release);
  }

  /** A publish that may wait for room in the socket, for a reply, or for nothing (no confirms). */
  private async publishWaiting(route: RouteInfo, outgoing: Outgoing, body: Buffer, deadline: number): Promise<PublishResult> {
    try {
      if (this.confirms.drained) this.confirms.drainWaits++;
      // Every waiting publish wakes on one drain, and the first writes may fill the socket again:
      // wait again then, so that the buffer stays bounded. A drain that comes with no time left is
      // a 504 without publishing a message nobody awaits.
      while (this.confirms.drained) {
        if (!(await settlesWithin(this.confirms.drained, deadline - Date.now())) || Date.now() >= deadline) {
          return { ok: false, status: 504, message: `the broker did not accept the message within ${route.timeoutMs} ms` };
        }
      }
      const lanes = this.lanes;
      if (lanes.length === 0) return UNREACHABLE;
      // A request goes out on the first lane, the one that consumes the replies.
      if (route.reply) return await this.request(lanes[0] as Lane, route, route.reply.timeoutMs, outgoing, body, deadline);
      const lane = this.takeTurn(lanes);
      if (!this.options.confirm) {
        this.confirms.write(lane, route, outgoing, body);
        return { ok: true };
      }
      return await this.confirms.publishConfirmed(lane, route, outgoing, body, deadline);
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

  /** A publish counted in `inFlight` is over. A bound field: the confirm path takes it with no closure per publish. */
  private readonly release = (): void => {
    this.inFlight--;
    if (this.inFlight === 0) for (const wake of this.idle) wake();
  };

  /**
   * Request-reply: publishes with RabbitMQ's direct reply-to and a fresh correlation id, then
   * waits for the reply (counted in `inFlight` until then, so `maxInFlight` bounds both). The
   * reply may come before the confirm: it is awaited from before the publish.
   */
  private async request(lane: Lane, route: RouteInfo, replyTimeoutMs: number, outgoing: Outgoing, body: Buffer, deadline: number): Promise<PublishResult> {
    const { correlationId, reply: replied } = this.replies.expect();
    const replyDeadline = Date.now() + replyTimeoutMs;
    const message: Outgoing = { routingKey: outgoing.routingKey, options: { ...outgoing.options, replyTo: DIRECT_REPLY_TO, correlationId } };
    try {
      if (this.options.confirm) {
        const confirmed = await this.confirms.publishConfirmed(lane, route, message, body, Math.min(deadline, replyDeadline));
        if (!confirmed.ok) return confirmed;
      } else {
        this.confirms.write(lane, route, message, body);
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, replyDeadline - Date.now()));
      });
      const reply = await Promise.race([replied, timedOut]);
      clearTimeout(timer);
      if (reply === "timeout") return { ok: false, status: 504, message: `no reply within ${replyTimeoutMs} ms` };
      if (reply === null) return CONNECTION_LOST;
      return { ok: true, reply };
    } finally {
      this.replies.forget(correlationId);
    }
  }

  /** A new connection: the topology, the publishing channels, the reply consumer; in use once `activate` runs. */
  private async setUp(model: ChannelModel): Promise<() => void> {
    this.blocked = false;
    this.frameMax = frameMaxOf(model);
    model.on("blocked", (reason: string) => {
      this.blocked = true;
      this.options.logger.warn(`broker blocked publishing: ${reason}`);
    });
    model.on("unblocked", () => {
      this.blocked = false;
      this.watchdog.unblocked(); // confirms were held back, not lost
      this.options.logger.info("broker unblocked publishing");
    });
    this.refused = await declareTopology(model, this.routes, this.options);
    const lanes: Lane[] = [];
    for (let i = 0; i < this.options.publishChannels; i++) lanes.push(await this.openLane(model));
    // Request-reply routes: replies come to the first channel, which must consume them before it publishes a request.
    if (this.routes.some((r) => r.reply))
      await (lanes[0] as Lane).channel.consume(DIRECT_REPLY_TO, (message) => this.replies.receive(message), { noAck: true });
    return () => {
      this.lanes = lanes;
      if (this.options.confirm) this.watchdog.start({ bytesRead: () => socketOf(model)?.bytesRead, blocked: () => this.blocked });
    };
  }

  /** One publishing channel on `model`: confirms on, returns matched, and a close that starts over. */
  private async openLane(model: ChannelModel): Promise<Lane> {
    const channel = this.options.confirm ? await model.createConfirmChannel() : await model.createChannel();
    const lane: Lane = { channel, send: senderFor(channel, this.options.confirm) };
    channel.on("error", (err: unknown) => this.options.logger.warn(`publish channel error: ${errorText(err)}`));
    channel.on("return", (msg: { fields: { exchange: string; routingKey: string }; content: Buffer }) =>
      this.confirms.onReturn(channel, msg.fields.exchange, msg.fields.routingKey, msg.content),
    );
    channel.on("close", () => {
      this.replies.failAll();
      if (this.lanes.includes(lane)) {
        this.lanes = [];
        // A channel closed by the broker while the connection lives: start over on a new connection.
        if (!this.connection.isClosing) void closeModel(model);
      }
    });
    return lane;
  }

  /** Stops taking publishes, waits up to 5 s for those in flight, then closes the connection. */
  close(): Promise<void> {
    return this.connection.close(async () => {
      if (this.inFlight === 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_GRACE_MS);
        this.idle.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    });
  }
}

export function createPublisherFor(brokers: readonly BrokerInfo[], routes: readonly RouteInfo[], options: PublisherOptions = {}): Publisher {
  const settings: Settings = {
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
        brokerUrls(options.url, info, index),
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
