/**
 * Dead-connection detection. A network path that goes silent (no FIN, no RST) leaves the socket
 * open and every confirm pending until the heartbeat times out, a minute later with RabbitMQ's
 * default. The watchdog notices sooner: publishes awaiting confirms while nothing at all (no
 * confirm, no heartbeat, no byte) has come from the broker for `boundMs` mean a dead connection.
 * A slow broker still sends heartbeats; a blocked one (a memory alarm) holds confirms back on
 * purpose, and is left alone.
 */

/** Confirms awaited on one connection, and when the broker was last heard from while they were. */
export interface ConfirmWatch {
  outstanding: number;
  progressAt: number;
  bytesRead: number;
}

/** What the watchdog reads of a connection: its socket's byte count, and whether the broker blocks publishers. */
export interface WatchedConnection {
  bytesRead(): number | undefined;
  blocked(): boolean;
}

export class ConfirmWatchdog {
  private watch: ConfirmWatch = { outstanding: 0, progressAt: 0, bytesRead: 0 };
  private timer: NodeJS.Timeout | null = null;
  private watched: WatchedConnection | null = null;
  private readonly boundMs: number;
  private readonly onDead: (reason: string) => void;
  private readonly now: () => number;

  /** `onDead`: called once per connection taken for dead, with why. `now`: the clock (tests pass their own). */
  constructor(boundMs: number, onDead: (reason: string) => void, now: () => number = Date.now) {
    this.boundMs = boundMs;
    this.onDead = onDead;
    this.now = now;
  }

  /** A new connection: a fresh count, and (when `timer`) checks a few times per bound. */
  start(connection: WatchedConnection, timer = true): void {
    this.stop();
    this.watched = connection;
    this.watch = { outstanding: 0, progressAt: this.now(), bytesRead: connection.bytesRead() ?? 0 };
    if (this.boundMs <= 0 || !timer) return;
    this.timer = setInterval(() => this.check(), Math.max(50, Math.min(500, Math.floor(this.boundMs / 10))));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watched = null;
  }

  /**
   * A publish that awaits a confirm was written. Returns the count it belongs to: its confirm
   * goes to `confirmed` with it, so that one from a connection since replaced counts nowhere.
   */
  sent(): ConfirmWatch {
    const watch = this.watch;
    if (watch.outstanding++ === 0) watch.progressAt = this.now();
    return watch;
  }

  confirmed(watch: ConfirmWatch): void {
    watch.outstanding--;
    watch.progressAt = this.now();
  }

  /** The broker stopped blocking publishers: the confirms it held back were not lost. */
  unblocked(): void {
    this.watch.progressAt = this.now();
  }

  /** Publishes awaiting a confirm on the current connection. */
  get outstanding(): number {
    return this.watch.outstanding;
  }

  /** One look at the connection (the timer's; tests call it with their own clock). */
  check(): void {
    const connection = this.watched;
    if (!connection) return;
    const watch = this.watch;
    const bytesRead = connection.bytesRead() ?? watch.bytesRead;
    if (bytesRead !== watch.bytesRead) {
      watch.bytesRead = bytesRead;
      watch.progressAt = this.now();
    }
    const silentFor = this.now() - watch.progressAt;
    if (watch.outstanding > 0 && !connection.blocked() && silentFor > this.boundMs) {
      this.stop();
      this.onDead(`nothing from the broker for ${silentFor} ms with ${watch.outstanding} publishes awaiting a confirm`);
    }
  }
}
