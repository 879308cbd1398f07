/**
 * The consuming side of a route's messages: consuming the route's queue with acks after the
 * handler (decode.ts decodes each message; serve.ts answers request-reply routes' requests).
 * Generated consumer files wrap these with typed names; a service that only consumes needs no
 * publisher.
 */
import type { Channel, ConsumeMessage } from "amqplib";
import { DecodeError } from "./decode.js";
import { errorText, stderrLogger } from "./log.js";
import { exchangeDeclaration, queueDeclaration } from "./topology.js";
import type { RouteInfo } from "./types.js";

export interface ConsumeOptions {
  /** The queue to consume: the route's own queue (`route.queue.name`) by default; required when the route has none. */
  readonly queue?: string;
  /**
   * true (default): declare the exchange (when `route.declare`), the queue (with the route's
   * queue settings and arguments) and its bindings, as the producer does. false: only check that
   * the queue exists, and declare nothing.
   */
  readonly declare?: boolean;
  /**
   * Binding keys, when declaring: by default the route's `queue.bindingKey` (for a route without
   * a queue, the key the producer would bind with). Required when that is null: a direct
   * exchange whose key comes from a path param, which no one key matches.
   */
  readonly bindingKeys?: readonly string[];
  /** Messages handled at a time (basic.qos prefetch, for this consumer). Default 10. */
  readonly prefetch?: number;
  /**
   * On a handler error: true (default) nack with requeue: the message comes back, again and
   * again until the handler is fixed; false: reject without requeue (to the queue's dead-letter
   * exchange, when it has one). A handler that throws a DecodeError rejects without requeue.
   */
  readonly requeue?: boolean;
  /**
   * Told of each message that does not decode (rejected, never requeued) and each handler
   * error. Default: one line on stderr, with the queue, the message id and the problem, never
   * the body.
   */
  readonly onError?: (error: DecodeError | Error, message: ConsumeMessage) => void;
}

export interface Consumer {
  readonly consumerTag: string;
  /** Stops deliveries, then waits for the handlers in flight to finish and their messages to be acked. */
  cancel(): Promise<void>;
}

const DEFAULT_PREFETCH = 10;

/** The key the producer binds a route's queue with (generator: bindingKeyFor), for a route with no queue of its own. */
function producerBindingKey(route: RouteInfo): string | null {
  if (route.queue) return route.queue.bindingKey;
  const { type } = route.exchange;
  if (type === "fanout" || type === "headers") return "";
  if (route.routingKey.kind === "static") return route.routingKey.value;
  return type === "topic" ? "#" : null;
}

/** The AMQP reply code of a refused operation (404 NOT_FOUND, 406 PRECONDITION_FAILED...). */
function replyCode(err: unknown): number | undefined {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === "number" ? code : undefined;
}

const CLOSED = "(the broker closed the channel: open a new one to try again)";

/** Runs one declaration; a refusal becomes an Error that says what was refused and how to fix it. */
async function declaring<T>(step: () => Promise<T>, explain: (code: number | undefined) => string): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw new Error(`${explain(replyCode(err))}: ${errorText(err)} ${CLOSED}`, { cause: err });
  }
}

/** The declarations the producer makes for the route, for the queue consumed (or the check that it exists). */
async function prepareQueue(channel: Channel, route: RouteInfo, queue: string, declare: boolean, bindingKeys: readonly string[]): Promise<void> {
  if (!declare) {
    await declaring(
      () => channel.checkQueue(queue),
      (code) =>
        code === 404
          ? `queue "${queue}" does not exist, and consume was told not to declare it (declare: false): declare it first, or consume with declare: true`
          : `the broker refused to check queue "${queue}"`,
    );
    return;
  }
  const { exchange } = route;
  if (route.declare) {
    await declaring(
      () => channel.assertExchange(exchange.name, exchange.type, exchangeDeclaration(exchange)),
      (code) =>
        code === 406
          ? `exchange "${exchange.name}" exists with other settings than the route's (${exchange.type}, durable ${exchange.durable}): delete it, or make the config match`
          : `the broker refused to declare exchange "${exchange.name}"`,
    );
  }
  // As the publisher declares it (topology.ts).
  const declaration = queueDeclaration(route.queue);
  await declaring(
    () => channel.assertQueue(queue, declaration),
    (code) =>
      code === 406
        ? `queue "${queue}" exists with other settings than the route's (durable ${declaration.durable}, arguments ${JSON.stringify(declaration.arguments ?? {})}; a publisher with queueType "quorum" declares it quorum): delete it, or consume it as it is with declare: false`
        : `the broker refused to declare queue "${queue}"`,
  );
  for (const key of bindingKeys) {
    await declaring(
      () => channel.bindQueue(queue, exchange.name, key),
      (code) =>
        code === 404
          ? `cannot bind queue "${queue}" to exchange "${exchange.name}", which does not exist${route.declare ? "" : " (the route declares nothing: the exchange must be declared elsewhere first)"}`
          : `the broker refused to bind queue "${queue}" to exchange "${exchange.name}" with key "${key}"`,
    );
  }
}

/** A message's name in a log line: its id (quoted: a request may have chosen it), or its delivery tag. */
function messageName(message: ConsumeMessage): string {
  const id: unknown = message.properties.messageId;
  return typeof id === "string" ? `message ${JSON.stringify(id)}` : `message #${message.fields.deliveryTag}`;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** What consume() makes of its options: checked before anything reaches the broker. */
interface ConsumeSettings {
  readonly queue: string;
  readonly declare: boolean;
  readonly bindingKeys: readonly string[];
  readonly prefetch: number;
  readonly requeue: boolean;
  readonly report: (error: DecodeError | Error, message: ConsumeMessage) => void;
}

/** The options, completed from the route; a TypeError for what cannot work. */
function consumeSettings(route: RouteInfo, options: ConsumeOptions): ConsumeSettings {
  const where = `route ${route.method} ${route.path}`;
  const queue = options.queue ?? route.queue?.name;
  if (queue === undefined || queue === "") throw new TypeError(`${where} has no queue of its own: pass options.queue`);
  const declare = options.declare ?? true;
  const defaultKey = producerBindingKey(route);
  const bindingKeys = options.bindingKeys ?? (defaultKey === null ? null : [defaultKey]);
  if (declare && bindingKeys === null) {
    throw new TypeError(
      `${where}: its ${route.exchange.type} exchange routes by a key from the path, which no one binding matches: pass options.bindingKeys (or declare: false)`,
    );
  }
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  if (!Number.isInteger(prefetch) || prefetch < 1 || prefetch > 65535) throw new TypeError(`prefetch must be an integer from 1 to 65535, not ${prefetch}`);
  const requeue = options.requeue ?? true;
  const report =
    options.onError ??
    ((error: DecodeError | Error, message: ConsumeMessage) => {
      const name = messageName(message);
      if (error instanceof DecodeError) stderrLogger.error(`queue "${queue}": ${name} rejected, not requeued: ${error.message}`);
      else stderrLogger.error(`queue "${queue}": the handler failed on ${name} (${requeue ? "requeued" : "rejected, not requeued"}): ${errorText(error)}`);
    });
  return { queue, declare, bindingKeys: bindingKeys ?? [], prefetch, requeue, report };
}

/** The messages of one consumer: each decoded, handled and settled; those in flight counted. */
class Deliveries<M> {
  private inFlight = 0;
  private idle: (() => void)[] = [];
  private readonly channel: Channel;
  private readonly decode: (message: ConsumeMessage) => M | DecodeError;
  private readonly handler: (message: M) => unknown;
  private readonly settings: ConsumeSettings;

  constructor(channel: Channel, decode: (message: ConsumeMessage) => M | DecodeError, handler: (message: M) => unknown, settings: ConsumeSettings) {
    this.channel = channel;
    this.decode = decode;
    this.handler = handler;
    this.settings = settings;
  }

  /** amqplib's consumer callback. */
  readonly onMessage = (message: ConsumeMessage | null): void => {
    // null: the broker cancelled the consumer (its queue was deleted); nothing more comes.
    if (message === null) return;
    this.inFlight++;
    void this.handle(message).finally(() => {
      if (--this.inFlight > 0) return;
      const waiting = this.idle;
      this.idle = [];
      for (const resolve of waiting) resolve();
    });
  };

  /** Resolves once no message is being handled. */
  settled(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private async handle(message: ConsumeMessage): Promise<void> {
    let decoded: M | DecodeError;
    try {
      decoded = this.decode(message);
    } catch (err) {
      // A decoder that throws would throw again: not requeued.
      this.settle(message, "reject", asError(err));
      return;
    }
    if (decoded instanceof DecodeError) {
      this.settle(message, "reject", decoded);
      return;
    }
    try {
      await this.handler(decoded);
    } catch (err) {
      if (err instanceof DecodeError) this.settle(message, "reject", err);
      else this.settle(message, this.settings.requeue ? "requeue" : "reject", asError(err));
      return;
    }
    this.settle(message, "ack", null);
  }

  /** Acks or nacks; on a channel closed meanwhile, nothing: the broker redelivers its unacked messages. */
  private settle(message: ConsumeMessage, outcome: "ack" | "requeue" | "reject", error: DecodeError | Error | null): void {
    try {
      if (outcome === "ack") this.channel.ack(message);
      else this.channel.nack(message, false, outcome === "requeue");
    } catch {
      // amqplib throws IllegalOperationError once the channel is closed.
    }
    if (error === null) return;
    try {
      this.settings.report(error, message);
    } catch {
      // A throwing onError must not escape into amqplib's delivery loop.
    }
  }
}

/** Declares (or checks) the queue, sets the prefetch and starts consuming; the consumer's tag. */
async function startConsumer(
  channel: Channel,
  route: RouteInfo,
  settings: ConsumeSettings,
  onMessage: (message: ConsumeMessage | null) => void,
): Promise<string> {
  const { queue, prefetch } = settings;
  // A refusal closes the channel, and amqplib emits `error` on it besides rejecting: without a
  // listener that would be thrown (and take the connection down) instead of the explained rejection.
  const ignore = (): void => undefined;
  channel.on("error", ignore);
  try {
    await prepareQueue(channel, route, queue, settings.declare, settings.bindingKeys);
    // Issued together: prefetch applies to the channel's next consumer, which must be this one.
    const started = Promise.all([channel.prefetch(prefetch, false), channel.consume(queue, onMessage, { noAck: false })]);
    const [, ok] = await declaring(
      () => started,
      (code) =>
        code === 403
          ? `the broker refused to let this channel consume queue "${queue}" (another connection consumes it exclusively, or it is exclusive to one)`
          : `the broker refused to consume queue "${queue}"`,
    );
    return ok.consumerTag;
  } finally {
    channel.off("error", ignore);
  }
}

/**
 * Consumes a route's queue: declares it (see ConsumeOptions), then hands each message that
 * decodes to `handler`, up to `prefetch` at a time, and acks it once the handler's promise
 * resolves. A message that does not decode is rejected without requeue (dead-lettered when the
 * queue has a dead-letter exchange); a handler error nacks it (see `requeue`). Rejects with a
 * TypeError on bad options before touching the broker, and with an Error that says what to fix
 * when the broker refuses a declaration (which closes the channel).
 */
export async function consume<M>(
  channel: Channel,
  route: RouteInfo,
  decode: (message: ConsumeMessage) => M | DecodeError,
  handler: (message: M) => unknown,
  options: ConsumeOptions = {},
): Promise<Consumer> {
  const settings = consumeSettings(route, options);
  const deliveries = new Deliveries(channel, decode, handler, settings);
  const consumerTag = await startConsumer(channel, route, settings, deliveries.onMessage);
  let cancelled: Promise<void> | null = null;
  return {
    consumerTag,
    cancel(): Promise<void> {
      cancelled ??= (async () => {
        // Fails only on a closed channel (or one the broker cancelled): the consumer is gone then.
        await channel.cancel(consumerTag).catch(() => undefined);
        await deliveries.settled();
      })();
      return cancelled;
    },
  };
}
