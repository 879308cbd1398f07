/**
 * Rate limits (KrakenD's `qos/ratelimit/router`): a token bucket for the endpoint and one per
 * client, both starting full; the client's is checked first (429), then the endpoint's (503),
 * each answer with `Retry-After`. Limits are per process, as KrakenD's are per node.
 *
 * The client is told apart by its address, a header or a path param. Its address is the socket's
 * peer: `X-Forwarded-For` is read only through proxies the service is told to trust, right to
 * left, so that a client cannot pick its own bucket (KrakenD takes the left-most entry, which the
 * client writes). Per-client buckets are bounded in number: a client cycling through keys cannot
 * grow the process past `MAX_CLIENTS` of them.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type BlockList, isIP } from "node:net";
import { GenerationCache } from "./cache.js";
import { firstHeader, isTrustedProxy, plainAddress } from "./checks.js";
import type { LimitRefusal, RateLimitSettings } from "./types.js";

/** Client keys longer than this are kept as a hash. */
const MAX_KEY_LENGTH = 64;

/** The most client buckets kept at once. Those not used for longest go first: they would be full again soon anyway. */
export const MAX_CLIENTS = 100_000;

/** One token bucket, refilled lazily when it is read. */
class Bucket {
  private readonly perMs: number;
  private readonly capacity: number;
  private tokens: number;
  private last: number;
  constructor(perMs: number, capacity: number, now: number) {
    this.perMs = perMs;
    this.capacity = capacity;
    this.tokens = capacity;
    this.last = now;
  }
  /** Takes a token: 0 when there was one, else the milliseconds until there is. */
  take(now: number): number {
    // (A clock read before the bucket was made never takes tokens back.)
    this.tokens = Math.min(this.capacity, this.tokens + Math.max(0, now - this.last) * this.perMs);
    this.last = Math.max(now, this.last);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return (1 - this.tokens) / this.perMs;
  }
}

/**
 * The client's address: the socket's peer, or, when the peer is a trusted proxy, the right-most
 * address in `X-Forwarded-For` that is not one (a client can write the left of that header, never
 * the right, which its proxies append).
 */
function clientAddress(request: IncomingMessage, proxies: BlockList | null): string {
  const peer = plainAddress(request.socket.remoteAddress ?? "");
  if (!isTrustedProxy(proxies, peer)) return peer;
  const header = request.headers["x-forwarded-for"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map((hop) => plainAddress(hop.trim()));
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? "";
    if (isIP(hop) === 0) break; // not an address: nothing left of it can be believed
    client = hop;
    if (!isTrustedProxy(proxies, hop)) break;
  }
  return client;
}

/** The check of one endpoint's `qos/ratelimit/router`: null to go on, or why the request is refused. */
export function createRateLimit(
  settings: RateLimitSettings,
): (request: IncomingMessage, segments: readonly string[], proxies: BlockList | null) => LimitRefusal | null {
  const start = performance.now();
  const endpoint = settings.endpoint ? new Bucket(settings.endpoint.perSecond / 1000, settings.endpoint.capacity, start) : null;
  const client = settings.client;
  // The buckets not used for longest go first (cache.ts): they would be full again soon anyway.
  const clients = client
    ? { buckets: new GenerationCache<Bucket>(MAX_CLIENTS), make: (now: number) => new Bucket(client.perSecond / 1000, client.capacity, now) }
    : null;

  // Which key tells the clients apart, chosen once. An absent one (undefined or "") is answered 429.
  const by = client?.by;
  const clientKey: (request: IncomingMessage, segments: readonly string[], proxies: BlockList | null) => string | undefined = !by
    ? () => undefined
    : by.kind === "ip"
      ? (request, _segments, proxies) => clientAddress(request, proxies)
      : by.kind === "param"
        ? (_request, segments) => segments[by.segment]
        : (request) => firstHeader(request, by.header);

  return (request, segments, proxies) => {
    const now = performance.now();
    if (clients) {
      const key = clientKey(request, segments, proxies);
      // KrakenD answers 429 to a request it cannot tell the client of.
      if (key === undefined || key === "") return { status: 429, message: "the request does not say which client it is from", retryAfter: 1 };
      // A long key (a header or a param the client writes) is kept as its hash: the memory bound holds whatever clients send.
      const stored = key.length > MAX_KEY_LENGTH ? createHash("sha256").update(key).digest("base64") : key;
      const wait = clients.buckets.get(stored, clients.make, now).take(now);
      if (wait > 0) return { status: 429, message: "too many requests from this client", retryAfter: Math.ceil(wait / 1000) };
    }
    if (endpoint) {
      const wait = endpoint.take(now);
      if (wait > 0) return { status: 503, message: "too many requests to this endpoint", retryAfter: Math.ceil(wait / 1000) };
    }
    return null;
  };
}
