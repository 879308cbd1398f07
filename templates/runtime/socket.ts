/**
 * What the runtime does with an amqplib connection's socket, which amqplib does not expose:
 * reading its byte count (the watchdog), destroying it (a silent path, where a polite close would
 * wait for an answer that never comes), and coalescing its writes.
 */
import type { ChannelModel } from "amqplib";

/** Whether `promise` settles within `ms`; the timer never outlives the answer. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}

/** What the runtime uses of a connection's socket. */
export interface AmqpSocket {
  destroy(error?: Error): void;
  /** Bytes received so far. Every frame from the broker (a confirm, a heartbeat) moves it. */
  readonly bytesRead: number;
  write(...args: unknown[]): boolean;
  cork(): void;
  uncork(): void;
}

/**
 * The socket under an amqplib connection. amqplib does not type it, and closing the connection
 * politely cannot work on a silent path (the close handshake would wait for an answer): the
 * socket is destroyed instead.
 */
export function socketOf(model: ChannelModel): AmqpSocket | undefined {
  return (model.connection as unknown as { stream?: AmqpSocket }).stream;
}

/**
 * amqplib hands the socket one write per message. Gathered while the current callback runs
 * and sent at its end as one writev (cork, then uncork on the next tick), a burst of publishes
 * costs one system call and a few TCP segments instead of one each, with no wait added: unlike
 * Nagle's algorithm, nothing is held for the broker's acknowledgement.
 */
export function coalesceWrites(socket: AmqpSocket): void {
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
export function frameMaxOf(model: ChannelModel): number {
  const frameMax = (model.connection as unknown as { frameMax?: unknown }).frameMax;
  return typeof frameMax === "number" && frameMax > 0 ? frameMax : 131072;
}

/** Closes a connection politely, but never waits more than a second for the broker to agree. */
export async function closeModel(model: ChannelModel): Promise<void> {
  await settlesWithin(
    model.close().catch(() => undefined),
    1000,
  );
  socketOf(model)?.destroy();
}
