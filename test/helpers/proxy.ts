/**
 * An in-process TCP proxy in front of the machine's RabbitMQ, for network faults that a broker
 * restart cannot show: a path that goes quiet (a dead NAT entry, a pulled cable) and a slow or
 * stalled link. Loopback only: it listens on 127.0.0.1 (ephemeral port) and forwards to
 * 127.0.0.1:<targetPort>.
 *
 * Modes, switchable at any time, for every connection (existing and new):
 * - `forward()`: bytes flow both ways (the default). Also heals a silent or paused path: what
 *   the kernel held meanwhile is delivered, as TCP would after a partition heals.
 * - `silent()`: nothing moves in either direction and nothing is closed: no FIN, no RST, no
 *   bytes. Both sockets of each connection stop being read (what the peers send piles up in
 *   their kernel buffers, as unacknowledged data does on a dead path); new connections are
 *   accepted but black-holed too (no upstream connection is made while silent).
 * - `pause()` / `resume()`: only the client→broker direction stops (the broker's answers still
 *   arrive), so the client's socket fills and its writes start to return false.
 * - `throttle(bytesPerSecond)`: the client→broker direction is paced to that rate.
 * `close()` destroys every socket and the listener.
 */
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from "node:net";

export type ProxyMode = "forward" | "silent" | "paused" | "throttled";

export interface ProxyStats {
  readonly mode: ProxyMode;
  /** Client connections accepted so far. */
  readonly accepted: number;
  /** Client connections accepted while silent (never connected upstream). */
  readonly blackHoled: number;
  /** Connections currently open (client side). */
  readonly open: number;
  /** Bytes forwarded client→broker and broker→client. */
  readonly bytesUp: number;
  readonly bytesDown: number;
}

export interface TcpProxy {
  readonly port: number;
  /** `amqp://guest:guest@127.0.0.1:<port>` (plus `query`, e.g. `?frameMax=4096`). */
  url(query?: string): string;
  readonly mode: ProxyMode;
  forward(): void;
  silent(): void;
  pause(): void;
  resume(): void;
  throttle(bytesPerSecond: number): void;
  stats(): ProxyStats;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Port of the broker on 127.0.0.1. Default 5672. */
  targetPort?: number;
  /** Credentials and vhost part of `url()`. Default `guest:guest@`, vhost `/`. */
  userInfo?: string;
  /** What the client reads of each chunk the broker sends on connection `index` (0: the first accepted). Default: the chunk. */
  rewriteDown?: (chunk: Buffer, index: number) => Buffer;
}

interface Link {
  /** The order in which the proxy accepted this connection, from 0. */
  readonly index: number;
  readonly client: Socket;
  upstream: Socket | null;
  /** Chunks read from one side that could not be written yet (a mode change between reads). */
  readonly heldUp: Buffer[];
  readonly heldDown: Buffer[];
  /** Pacing of the client→broker direction in throttled mode. */
  nextSendAt: number;
  paceTimer: NodeJS.Timeout | null;
  /** The upstream socket of this link refused more data: wait for its 'drain'. */
  upBlocked: boolean;
  downBlocked: boolean;
}

const LOOPBACK = "127.0.0.1";

export async function startProxy(options: ProxyOptions = {}): Promise<TcpProxy> {
  const targetPort = options.targetPort ?? 5672;
  const userInfo = options.userInfo ?? "guest:guest@";
  const links = new Set<Link>();
  let mode: ProxyMode = "forward";
  let rate = 0;
  let accepted = 0;
  let blackHoled = 0;
  let bytesUp = 0;
  let bytesDown = 0;
  let closed = false;

  const upFlows = () => mode === "forward" || mode === "throttled";
  const downFlows = () => mode !== "silent";

  /** Writes what may be written now in the client→broker direction, and reads on if it may. */
  const pumpUp = (link: Link): void => {
    const up = link.upstream;
    if (!up || up.destroyed || up.connecting) {
      link.client.pause();
      return;
    }
    while (upFlows() && !link.upBlocked && link.heldUp.length > 0) {
      if (mode === "throttled") {
        const now = performance.now();
        if (link.nextSendAt > now) {
          schedulePace(link, link.nextSendAt - now);
          link.client.pause();
          return;
        }
      }
      const chunk = link.heldUp.shift() as Buffer;
      bytesUp += chunk.length;
      if (mode === "throttled") link.nextSendAt = Math.max(link.nextSendAt, performance.now()) + (chunk.length / rate) * 1000;
      if (!up.write(chunk)) link.upBlocked = true;
    }
    if (upFlows() && !link.upBlocked && link.heldUp.length === 0) {
      if (mode === "throttled" && link.nextSendAt > performance.now()) {
        schedulePace(link, link.nextSendAt - performance.now());
        link.client.pause();
      } else {
        link.client.resume();
      }
    } else {
      link.client.pause();
    }
  };

  const schedulePace = (link: Link, ms: number): void => {
    if (link.paceTimer) return;
    link.paceTimer = setTimeout(
      () => {
        link.paceTimer = null;
        pumpUp(link);
      },
      Math.max(1, Math.ceil(ms)),
    );
  };

  const pumpDown = (link: Link): void => {
    const up = link.upstream;
    if (!up) return;
    while (downFlows() && !link.downBlocked && link.heldDown.length > 0) {
      const chunk = link.heldDown.shift() as Buffer;
      bytesDown += chunk.length;
      if (!link.client.write(chunk)) link.downBlocked = true;
    }
    if (downFlows() && !link.downBlocked && link.heldDown.length === 0) {
      if (!up.connecting) up.resume();
    } else {
      up.pause();
    }
  };

  const destroyLink = (link: Link): void => {
    if (link.paceTimer) clearTimeout(link.paceTimer);
    link.paceTimer = null;
    link.client.destroy();
    link.upstream?.destroy();
    links.delete(link);
  };

  const connectUpstream = (link: Link): void => {
    const up = tcpConnect({ host: LOOPBACK, port: targetPort });
    link.upstream = up;
    up.pause();
    up.on("connect", () => {
      pumpUp(link);
      pumpDown(link);
    });
    up.on("data", (chunk: Buffer) => {
      link.heldDown.push(options.rewriteDown ? options.rewriteDown(chunk, link.index) : chunk);
      pumpDown(link);
    });
    up.on("drain", () => {
      link.upBlocked = false;
      pumpUp(link);
    });
    up.on("error", () => undefined);
    // The broker closed: pass it on, unless the path is silent (then nobody would hear it).
    up.on("close", () => {
      if (mode !== "silent") destroyLink(link);
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    if (closed) {
      client.destroy();
      return;
    }
    const link: Link = {
      index: accepted++,
      client,
      upstream: null,
      heldUp: [],
      heldDown: [],
      nextSendAt: 0,
      paceTimer: null,
      upBlocked: false,
      downBlocked: false,
    };
    links.add(link);
    client.on("error", () => undefined);
    client.on("data", (chunk: Buffer) => {
      link.heldUp.push(chunk);
      pumpUp(link);
    });
    client.on("drain", () => {
      link.downBlocked = false;
      pumpDown(link);
    });
    // The client went away: a silent path does not tell the broker (it finds out by heartbeat).
    client.on("close", () => {
      if (mode !== "silent") destroyLink(link);
    });
    if (mode === "silent") {
      blackHoled++; // accepted, then nothing: the client's handshake waits for an answer
      return;
    }
    connectUpstream(link);
  });
  server.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const apply = (next: ProxyMode): void => {
    mode = next;
    for (const link of links) {
      if (link.client.destroyed || link.upstream?.destroyed) {
        // One side closed while silent: the other hears of it once the path is back.
        if (mode !== "silent") destroyLink(link);
        continue;
      }
      if (next !== "silent" && link.upstream === null) connectUpstream(link); // a black-holed one
      if (next === "silent") {
        link.client.pause();
        link.upstream?.pause();
        continue;
      }
      if (next !== "throttled") link.nextSendAt = 0;
      pumpUp(link);
      pumpDown(link);
    }
  };

  return {
    port,
    url: (query = "") => `amqp://${userInfo}${LOOPBACK}:${port}${query}`,
    get mode() {
      return mode;
    },
    forward: () => apply("forward"),
    silent: () => apply("silent"),
    pause: () => apply("paused"),
    resume: () => apply("forward"),
    throttle(bytesPerSecond: number) {
      if (!(bytesPerSecond > 0)) throw new RangeError(`throttle(${bytesPerSecond}): the rate must be positive`);
      rate = bytesPerSecond;
      apply("throttled");
    },
    stats: () => ({ mode, accepted, blackHoled, open: links.size, bytesUp, bytesDown }),
    async close() {
      closed = true;
      for (const link of [...links]) destroyLink(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
