/**
 * Every publish is announced on the `node:diagnostics_channel` TracingChannel `amqp-gen:publish`
 * (start, end, asyncStart, asyncEnd, error), so that tracing can be added without a dependency:
 * the OpenTelemetry adapter subscribes to it. With nobody subscribed it costs one check.
 */
import { tracingChannel } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Outgoing, Publisher, PublishResult, RouteInfo } from "./types.js";

/** What subscribers get for one publish. `headers` is the message's: a subscriber may add to it at `start` (trace context). */
export interface PublishContext {
  readonly routeId: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly messageId: string | undefined;
  readonly request: IncomingMessage;
  readonly headers: Record<string, unknown>;
  /** Set when the publish failed (a 4xx or 5xx answer): an error whose `status` is the answer's. */
  error?: PublishError;
  /** Set when the broker has confirmed the message. */
  result?: PublishResult;
}

/** A publish that did not succeed, as the `error` event reports it: `status` is the answer's. */
export class PublishError extends Error {
  readonly status: number;
  readonly result: Extract<PublishResult, { ok: false }>;
  constructor(result: Extract<PublishResult, { ok: false }>) {
    super(result.message);
    this.name = "PublishError";
    this.status = result.status;
    this.result = result;
  }
}

export const PUBLISH_CHANNEL = "amqp-gen:publish";
// Both type arguments are the context: newer @types/node swapped their order (<Store, Context> became <Context, Store>).
const channel = tracingChannel<PublishContext, PublishContext>(PUBLISH_CHANNEL);

/** Whether anything listens (each sub-channel asked: `hasSubscribers` on the whole is Node 20.13+). */
function subscribed(): boolean {
  return (
    channel.start.hasSubscribers ||
    channel.end.hasSubscribers ||
    channel.asyncStart.hasSubscribers ||
    channel.asyncEnd.hasSubscribers ||
    channel.error.hasSubscribers
  );
}

/** Publishes, announced on the channel when anybody listens (not async: unheard, it adds no promise). */
export function tracedPublish(publisher: Publisher, route: RouteInfo, outgoing: Outgoing, body: Buffer, request: IncomingMessage): Promise<PublishResult> {
  if (!subscribed()) return publisher.publish(route, outgoing, body);
  return traced(publisher, route, outgoing, body, request);
}

async function traced(publisher: Publisher, route: RouteInfo, outgoing: Outgoing, body: Buffer, request: IncomingMessage): Promise<PublishResult> {
  const options = outgoing.options;
  options.headers ??= {};
  const context: PublishContext = {
    routeId: route.id,
    exchange: route.exchange.name,
    routingKey: outgoing.routingKey,
    messageId: options.messageId,
    request,
    headers: options.headers as Record<string, unknown>,
  };
  try {
    return await channel.tracePromise(async () => {
      const result = await publisher.publish(route, outgoing, body);
      if (!result.ok) throw new PublishError(result);
      return result;
    }, context);
  } catch (err) {
    // The failure was announced as `error`; the caller answers it as usual.
    if (err instanceof PublishError) return err.result;
    throw err;
  }
}
