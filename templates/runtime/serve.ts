/**
 * Serving a request-reply route: each request consumed (consume.ts) and answered on its reply_to,
 * through the default exchange, with its correlation_id, before it is acked.
 */
import type { Channel, ConsumeMessage } from "amqplib";
import { DIRECT_REPLY_TO } from "./checks.js";
import { type ConsumeOptions, type Consumer, consume } from "./consume.js";
import { DecodeError } from "./decode.js";
import type { RouteInfo } from "./types.js";

/** The answer to a request of a request-reply route: the reply's body and content type. */
export interface ServeAnswer {
  readonly body: Buffer | string;
  /** Default: `application/octet-stream` for bytes, `text/plain; charset=utf-8` for a string. */
  readonly contentType?: string;
}

/** A decoded request with the two properties a reply needs. */
interface Addressed<M> {
  readonly request: M;
  readonly replyTo: string;
  readonly correlationId: string;
}

/**
 * Serves a request-reply route: like `consume`, and the handler's answer is sent to the
 * request's `replyTo` queue (through the default exchange) with its `correlationId`, before the
 * request is acked. A request without `replyTo` (a direct reply-to address) or `correlationId`
 * does not decode. A handler error rejects the request unless `requeue: true`.
 */
export function serve<M extends { readonly replyTo: string | undefined; readonly correlationId: string | undefined }>(
  channel: Channel,
  route: RouteInfo,
  decode: (message: ConsumeMessage) => M | DecodeError,
  handler: (message: M) => ServeAnswer | Promise<ServeAnswer>,
  options?: ConsumeOptions,
): Promise<Consumer> {
  const decodeRequest = (message: ConsumeMessage): Addressed<M> | DecodeError => {
    const request = decode(message);
    if (request instanceof DecodeError) return request;
    const { replyTo, correlationId } = request;
    if (replyTo === undefined || replyTo === "") return new DecodeError("properties", "replyTo is missing: a request needs a queue to reply to");
    // The producer asks with direct reply-to; another address is not its request, and answering
    // it would publish into a queue the sender chose.
    if (!replyTo.startsWith(`${DIRECT_REPLY_TO}.`)) return new DecodeError("properties", `replyTo is not a direct reply-to address (${DIRECT_REPLY_TO}.…)`);
    if (correlationId === undefined) return new DecodeError("properties", "correlationId is missing: a reply needs one to be matched");
    return { request, replyTo, correlationId };
  };
  const answer = async ({ request, replyTo, correlationId }: Addressed<M>): Promise<void> => {
    const reply = await handler(request);
    const isText = typeof reply.body === "string";
    const body = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
    const contentType = reply.contentType ?? (isText ? "text/plain; charset=utf-8" : "application/octet-stream");
    // false only means the socket's buffer is full: amqplib keeps the frame and writes it later.
    channel.sendToQueue(replyTo, body, { correlationId, contentType });
  };
  // A request whose handler failed is not requeued by default: its HTTP client stops waiting after
  // the route's reply timeout, and a retry would answer no one.
  return consume(channel, route, decodeRequest, answer, { ...options, requeue: options?.requeue ?? false });
}
