/**
 * Handing one message to amqplib. Its `publish` turns the options into the frame's fields anew
 * for every message, and makes the headers object the prototype of a fresh one, which V8
 * handles slowly and amqplib's encoder walks key by key through the prototype chain. Here the
 * fields are built in one shape, exactly as amqplib builds them, and handed to the channel's
 * `sendMessage` (and the confirm callback to `pushConfirmCallback`): the two calls amqplib's
 * own `publish` makes. A channel without them (another amqplib) gets `publish` as it is.
 */
import type { Channel, ConfirmChannel, Options } from "amqplib";
import type { PublishOptions } from "./types.js";

/**
 * A `basic.publish` method's fields and the message's properties in one object, as amqplib's
 * encoder reads both (their names do not overlap). Every property is always there, undefined
 * when unset: one shape for every message.
 */
export interface PublishFields {
  readonly exchange: string;
  readonly routingKey: string;
  readonly mandatory: boolean;
  readonly immediate: false;
  readonly ticket: undefined;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly headers: object;
  readonly deliveryMode: number | undefined;
  readonly priority: number | undefined;
  readonly correlationId: string | undefined;
  readonly replyTo: string | undefined;
  readonly expiration: string | undefined;
  readonly messageId: string | undefined;
  readonly timestamp: number | undefined;
  readonly type: string | undefined;
  readonly userId: string | undefined;
  readonly appId: string | undefined;
  readonly clusterId: undefined;
}

/** amqplib's delivery mode for the options: `persistent` first, then `deliveryMode` (a number, or truthy for 2). */
function deliveryModeOf(options: PublishOptions): number | undefined {
  if (options.persistent !== undefined) return options.persistent ? 2 : 1;
  if (typeof options.deliveryMode === "number") return options.deliveryMode;
  return options.deliveryMode ? 2 : undefined;
}

/** The fields amqplib's `publish` would send for these options (CC and BCC aside: see `senderFor`). */
export function publishFields(exchange: string, routingKey: string, mandatory: boolean, options: PublishOptions): PublishFields {
  return {
    exchange,
    routingKey,
    mandatory,
    immediate: false,
    ticket: undefined,
    contentType: options.contentType,
    contentEncoding: options.contentEncoding,
    // No headers still sends an empty table, as amqplib does.
    headers: (options.headers as object | undefined) ?? {},
    deliveryMode: deliveryModeOf(options),
    priority: options.priority,
    correlationId: options.correlationId,
    replyTo: options.replyTo,
    // amqplib sends `expiration` as a string; null is no expiration here (amqplib would throw on it).
    expiration: options.expiration === undefined || options.expiration === null ? undefined : String(options.expiration),
    messageId: options.messageId,
    timestamp: options.timestamp,
    type: options.type,
    userId: options.userId,
    appId: options.appId,
    clusterId: undefined,
  };
}

/** The two methods of amqplib's channels that its `publish` calls. */
interface ChannelInternals {
  sendMessage(fields: PublishFields, properties: PublishFields, content: Buffer): boolean;
  pushConfirmCallback(callback: ((err: unknown) => void) | false): void;
}

/**
 * Publishes one message; `onConfirm` on a confirm channel. Returns false when the socket's
 * buffer is full (wait for `drain`), as amqplib's `publish` does, and throws as it does.
 */
export type Send = (
  exchange: string,
  routingKey: string,
  body: Buffer,
  options: PublishOptions,
  mandatory: boolean,
  onConfirm?: (err: unknown) => void,
) => boolean;

/** How to publish on `channel` (a confirm channel when `confirm`). */
export function senderFor(channel: Channel | ConfirmChannel, confirm: boolean): Send {
  const internals = channel as unknown as Partial<ChannelInternals>;
  const direct = typeof internals.sendMessage === "function" && typeof internals.pushConfirmCallback === "function";
  const viaPublish: Send = (exchange, routingKey, body, options, mandatory, onConfirm) => {
    // amqplib skips the properties that are undefined, as it does those absent.
    const given = { ...options, mandatory } as Options.Publish;
    return confirm ? (channel as ConfirmChannel).publish(exchange, routingKey, body, given, onConfirm) : channel.publish(exchange, routingKey, body, given);
  };
  if (!direct) return viaPublish;
  const own = channel as unknown as ChannelInternals;
  return (exchange, routingKey, body, options, mandatory, onConfirm) => {
    // CC and BCC go into the headers, which amqplib copies for them: rare enough to leave to it.
    if (options.CC !== undefined || options.BCC !== undefined) return viaPublish(exchange, routingKey, body, options, mandatory, onConfirm);
    const fields = publishFields(exchange, routingKey, mandatory, options);
    // Looked up per call: amqplib replaces `sendMessage` on a closed channel with one that throws.
    const written = own.sendMessage(fields, fields, body);
    if (confirm) own.pushConfirmCallback(onConfirm ?? false);
    return written;
  };
}
