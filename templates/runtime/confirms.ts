/**
 * Publishing on a connection's channels (lanes): writing a message, back-pressure (a full socket
 * makes later publishes wait for `drain`, within their deadline), publisher confirms with their
 * deadline, and mandatory publishes, whose return (an unroutable message) comes before their
 * confirm on the same channel. Also what the broker would refuse outright: a message over its
 * size limit, headers that do not fit in one frame.
 */
import type { Channel, ConfirmChannel } from "amqplib";
import { SHORT_STRING_BYTES } from "./checks.js";
import { errorText } from "./log.js";
import type { Send } from "./send.js";
import type { Logger, Outgoing, PublishResult, RouteInfo } from "./types.js";
import type { ConfirmWatchdog } from "./watchdog.js";

export const RETRY_AFTER_SECONDS = 1;

/** A refusal, as the publish answers it. */
export type Failure = Extract<PublishResult, { ok: false }>;

/** The answer while no connection is up: the same for every publish. */
export const UNREACHABLE: Failure = { ok: false, status: 503, message: "the broker is unreachable", retryAfter: RETRY_AFTER_SECONDS };
export const CONNECTION_LOST: Failure = { ok: false, status: 503, message: "the connection to the broker was lost", retryAfter: RETRY_AFTER_SECONDS };

/** A channel that publishes, and how to publish on it. */
export interface Lane {
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

/**
 * amqplib throws synchronously from publish(): on a closed channel (retry later), or when a
 * property cannot be encoded (a client's headers too large for AMQP: not worth a retry).
 */
export function publishError(err: unknown): Failure {
  if (err instanceof RangeError || err instanceof TypeError) {
    return { ok: false, status: 400, message: "the request's headers cannot be carried by an AMQP message" };
  }
  return { ok: false, status: 503, message: `publish failed: ${errorText(err)}`, retryAfter: RETRY_AFTER_SECONDS };
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

/** A message too large for the broker, which would close the channel or the connection over it. */
export function messageLimitError(outgoing: Outgoing, body: Buffer, maxMessageBytes: number, frameMax: number): Failure | null {
  if (body.length > maxMessageBytes) {
    return { ok: false, status: 413, message: `the body is larger than the broker's ${maxMessageBytes}-byte message limit` };
  }
  // amqplib's own 64 KiB limit on the header table (a RangeError, see publishError) is below
  // RabbitMQ's default frame; only a broker configured with smaller frames needs this count.
  const headers = outgoing.options.headers as Readonly<Record<string, unknown>> | undefined;
  if (headers && frameMax < 65536 + HEADER_FRAME_OVERHEAD && headerTableBytes(headers) > frameMax - HEADER_FRAME_OVERHEAD) {
    return { ok: false, status: 400, message: `the request's headers do not fit in one AMQP frame (the broker's frame_max is ${frameMax} bytes)` };
  }
  return null;
}

/** Publishes on lanes, with confirms and back-pressure, for one broker link. */
export class Confirms {
  /** Set while the socket's buffer is full: resolves on `drain` (or the channel's close). */
  drained: Promise<void> | null = null;
  drainWaits = 0;
  private readonly mandatoryPending: Pending[] = [];
  private readonly watchdog: ConfirmWatchdog;
  private readonly logger: Logger;

  constructor(watchdog: ConfirmWatchdog, logger: Logger) {
    this.watchdog = watchdog;
    this.logger = logger;
  }

  /**
   * Publishes and resolves with the broker's confirm (or a 504 at the deadline). `settled` is
   * called once, when the answer is known.
   */
  publishConfirmed(lane: Lane, route: RouteInfo, outgoing: Outgoing, body: Buffer, deadline: number, settled?: () => void): Promise<PublishResult> {
    return new Promise<PublishResult>((resolve) => {
      const pending: Pending | null = route.mandatory
        ? { channel: lane.channel, exchange: route.exchange.name, routingKey: outgoing.routingKey, body, returned: false }
        : null;
      if (pending) this.mandatoryPending.push(pending);
      let done = false;
      const finish = (result: PublishResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (pending) this.mandatoryPending.splice(this.mandatoryPending.indexOf(pending), 1);
        settled?.();
        resolve(result);
      };
      const timer = setTimeout(
        () => finish({ ok: false, status: 504, message: `the broker did not confirm within ${route.timeoutMs} ms` }),
        Math.max(0, deadline - Date.now()),
      );
      let watch: ReturnType<ConfirmWatchdog["sent"]> | null = null;
      const onConfirm = (err: unknown) => {
        if (watch) this.watchdog.confirmed(watch);
        if (err) {
          finish(/closed/i.test(errorText(err)) ? CONNECTION_LOST : { ok: false, status: 502, message: "the broker refused the message" });
        } else if (pending?.returned) {
          this.logger.warn(
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
        watch = this.watchdog.sent();
      } catch (err) {
        finish(publishError(err)); // never leave a pending entry behind for a return to match
      }
    });
  }

  /** Writes one message; on a closed channel this throws, as amqplib's publish does (a 503). */
  write(lane: Lane, route: RouteInfo, outgoing: Outgoing, body: Buffer, callback?: (err: unknown) => void): void {
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
  onReturn(channel: ConfirmChannel | Channel, exchange: string, routingKey: string, content: Buffer): void {
    const match = this.mandatoryPending.find(
      (p) => !p.returned && p.channel === channel && p.exchange === exchange && p.routingKey === routingKey && p.body.equals(content),
    );
    if (match) match.returned = true;
  }
}
