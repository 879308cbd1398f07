/**
 * Request-reply's bookkeeping: the replies awaited, by correlation id. Requests are published
 * with RabbitMQ's direct reply-to, so every reply comes back on the publishing connection's first
 * channel; each is handed to the request with its correlation id, or counted as late when no
 * request awaits it (answered 504 already, or not ours). A lost connection fails every request
 * awaiting a reply at once.
 */
import { randomUUID } from "node:crypto";
import type { Reply } from "./types.js";

/** What a reply consumer receives of a message (amqplib's, or null when the consumer is cancelled). */
export interface ReplyMessage {
  readonly content: Buffer;
  readonly properties: { readonly correlationId?: unknown; readonly contentType?: unknown };
}

/** A request awaiting its reply: its correlation id, and the reply (null: the connection was lost). */
export interface AwaitedReply {
  readonly correlationId: string;
  readonly reply: Promise<Reply | null>;
}

export class ReplyTable {
  private readonly waiting = new Map<string, (reply: Reply | null) => void>();
  /** Replies that came after their request had been answered, or for no request of ours. */
  late = 0;

  /** A fresh correlation id, awaited from now on: a reply may come before the publish's confirm. */
  expect(): AwaitedReply {
    const correlationId = randomUUID();
    const reply = new Promise<Reply | null>((resolve) => this.waiting.set(correlationId, resolve));
    return { correlationId, reply };
  }

  /** The request is answered, whatever the outcome: a reply that comes later finds no one. */
  forget(correlationId: string): void {
    this.waiting.delete(correlationId);
  }

  /** A message on the direct reply-to consumer. */
  receive(message: ReplyMessage | null): void {
    if (!message) return; // the consumer was cancelled: the channel is closing
    const id = message.properties.correlationId;
    const resolve = typeof id === "string" ? this.waiting.get(id) : undefined;
    if (!resolve) {
      this.late++;
      return;
    }
    const contentType = message.properties.contentType;
    resolve({ body: message.content, contentType: typeof contentType === "string" ? contentType : undefined });
  }

  /** The connection is gone: every awaited reply with it (503 at once, not at the timeout). */
  failAll(): void {
    for (const resolve of this.waiting.values()) resolve(null);
    this.waiting.clear();
  }

  /** Requests awaiting their reply. */
  get size(): number {
    return this.waiting.size;
  }
}
