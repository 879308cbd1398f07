/**
 * The checks a generated route runs on the values a request controls, and the message headers
 * it builds. Each check returns the value or a RequestError: whatever RabbitMQ would refuse at
 * publish time (closing the channel, and failing every publish in flight on it) is a 400 for
 * this request alone.
 */
import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import { RequestError } from "./types.js";

/** AMQP short strings hold at most 255 bytes. */
export const SHORT_STRING_BYTES = 255;

/** AMQP short strings (routing key, reply-to, message id, expiration) hold at most 255 bytes. */
export function checkShortString(value: string, what: string): string | RequestError {
  if (Buffer.byteLength(value, "utf8") > SHORT_STRING_BYTES) {
    return new RequestError(400, `${what} is longer than ${SHORT_STRING_BYTES} bytes`);
  }
  return value;
}

/** Per-message TTL in milliseconds: a non-negative integer, as RabbitMQ requires. */
export function checkExpiration(value: string, what: string): string | RequestError {
  if (!/^[0-9]{1,10}$/.test(value) || Number(value) > 4294967295) {
    return new RequestError(400, `${what} must be a non-negative integer number of milliseconds`);
  }
  return value;
}

/** Message priority: an integer from 0 to 255 (KrakenD would wrap 300 to 44). */
export function checkPriority(value: string, what: string): number | RequestError {
  if (!/^[0-9]{1,3}$/.test(value) || Number(value) > 255) {
    return new RequestError(400, `${what} must be an integer from 0 to 255`);
  }
  return Number(value);
}

/**
 * RabbitMQ's direct reply-to pseudo-queue. A message whose reply-to is exactly this name makes
 * the broker close the publishing channel (406 "fast reply consumer does not exist") unless that
 * channel consumes from it, which the publisher's never does.
 */
export const DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

/** A reply-to address: a short string, and not the direct reply-to pseudo-queue itself. */
export function checkReplyTo(value: string, what: string): string | RequestError {
  if (value === DIRECT_REPLY_TO) {
    return new RequestError(400, `${what} may not be "${DIRECT_REPLY_TO}", which only the publishing connection itself can use`);
  }
  return checkShortString(value, what);
}

const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Go's http.CanonicalHeaderKey: `x-forwarded-for` → `X-Forwarded-For`; a name that is not a
 * header token is returned as it is.
 */
export function canonicalHeader(name: string): string {
  if (!HEADER_TOKEN.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** User-Agent of messages whose endpoint does not forward the client's (KrakenD's own, in KrakenD). */
export const USER_AGENT = "amqp-gen";

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one HTTP connection, not the message, and
 * are never forwarded. Nor is any header that the request's `Connection` names. The analyser
 * warns when `input_headers` lists one.
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = ["Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"];

/**
 * Lower-cased, as Node names request headers. Host is never forwarded either: Go keeps it out of
 * the header map (it is `request.Host`), so KrakenD never sends it; it travels as X-Forwarded-Host.
 */
const NOT_FORWARDED = new Set([...HOP_BY_HOP_HEADERS.map((name) => name.toLowerCase()), "host"]);

/** The header names a request's `Connection` header lists (lower-cased), or null for none or just keep-alive/close. */
function connectionTokens(request: IncomingMessage): Set<string> | null {
  const value = request.headers.connection;
  if (value === undefined || value === "keep-alive" || value === "close") return null;
  return new Set(value.split(",").map((token) => token.trim().toLowerCase()));
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * A header value as the client sent it. Node decodes header bytes as latin1 (one character per
 * byte) and amqplib encodes strings as UTF-8, so anything beyond ASCII would arrive mangled:
 * the bytes are taken back and read as the UTF-8 they are. Null when they are not UTF-8.
 */
export function headerText(value: string): string | null {
  if (!NON_ASCII.test(value)) return value;
  const bytes = Buffer.from(value, "latin1");
  return isUtf8(bytes) ? bytes.toString("utf8") : null;
}

function notUtf8(name: string): RequestError {
  return new RequestError(400, `header ${name} is not valid UTF-8; send its value as UTF-8 (or ASCII, percent-encoded)`);
}

/**
 * The request headers a route forwards, prepared once when its module loads: per request,
 * nothing is lower-cased or searched but the request's own header lines.
 */
export interface HeaderSelection {
  /** `input_headers: ["*"]`: every header but the hop-by-hop ones. */
  readonly all: boolean;
  /** The names listed (canonical, as the message carries them). */
  readonly names: readonly string[];
  /** The same names lower-cased, to match the request's header lines case-insensitively. */
  readonly lowerNames: readonly string[];
  /** The message header that holds the forwarded Content-Type, or null when it is not forwarded. */
  readonly contentTypeHeader: string | null;
}

export function headerSelection(inputHeaders: "*" | readonly string[]): HeaderSelection {
  if (inputHeaders === "*") return { all: true, names: [], lowerNames: [], contentTypeHeader: "Content-Type" };
  // Names that are never forwarded are dropped (the analyser drops them too; a list edited by hand may not).
  const names = inputHeaders.filter((name) => !NOT_FORWARDED.has(name.toLowerCase()));
  const lowerNames = names.map((name) => name.toLowerCase());
  const contentType = lowerNames.indexOf("content-type");
  return { all: false, names, lowerNames, contentTypeHeader: contentType === -1 ? null : (names[contentType] as string) };
}

/** Canonical names of header names met so far (a bounded cache: a hostile client may send any). */
const canonicalNames = new Map<string, string>();
const CANONICAL_CACHE_SIZE = 1000;

function cachedCanonicalHeader(lowerName: string): string {
  let name = canonicalNames.get(lowerName);
  if (name === undefined) {
    name = canonicalHeader(lowerName);
    if (canonicalNames.size < CANONICAL_CACHE_SIZE) canonicalNames.set(lowerName, name);
  }
  return name;
}

/** Adds one header; `__proto__` (a valid header name) as an own property, never as the object's prototype. */
export function setHeader<T>(headers: Record<string, T>, name: string, value: T): void {
  if (name === "__proto__") Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
  else headers[name] = value;
}

/**
 * AMQP headers for a request, as KrakenD builds them: each forwarded header becomes an array
 * of strings, plus X-Forwarded-For, X-Forwarded-Host, and User-Agent (or X-Forwarded-Via when
 * the client's User-Agent is forwarded). Values are passed byte for byte; hop-by-hop headers
 * never are. A value that is not UTF-8 is a 400.
 */
export function forwardHeaders(request: IncomingMessage, selection: HeaderSelection): Record<string, string[]> | RequestError {
  // A plain object (not a null-prototype one, which V8 keeps in slow dictionary mode): amqplib
  // reads it through a prototype chain and walks its keys for every message.
  const headers: Record<string, string[]> = {};
  const tokens = connectionTokens(request);
  if (selection.all) {
    const distinct = request.headersDistinct;
    for (const lowerName of Object.keys(distinct)) {
      if (NOT_FORWARDED.has(lowerName) || tokens?.has(lowerName)) continue;
      const name = cachedCanonicalHeader(lowerName);
      const texts = headerTexts(distinct[lowerName] as string[]);
      if (texts === null) return notUtf8(name);
      setHeader(headers, name, texts);
    }
  } else {
    // The request's raw lines, in the listed order: repeated lines are several values, as
    // KrakenD forwards them, and no object of every header is built for one or two names.
    const raw = request.rawHeaders;
    const { names, lowerNames } = selection;
    for (let k = 0; k < names.length; k++) {
      const lowerName = lowerNames[k] as string;
      if (tokens?.has(lowerName)) continue;
      let texts: string[] | null = null;
      for (let i = 0; i < raw.length; i += 2) {
        const line = raw[i] as string;
        if (line.length !== lowerName.length || (line !== lowerName && line.toLowerCase() !== lowerName)) continue;
        const text = headerText(raw[i + 1] as string);
        if (text === null) return notUtf8(names[k] as string);
        if (texts === null) texts = [text];
        else texts.push(text);
      }
      if (texts !== null) setHeader(headers, names[k] as string, texts);
    }
  }
  headers["X-Forwarded-For"] = [request.socket.remoteAddress ?? ""];
  const host = headerText(request.headers.host ?? "");
  if (host === null) return notUtf8("Host");
  headers["X-Forwarded-Host"] = [host];
  // As KrakenD: a forwarded client User-Agent stays, and ours goes in X-Forwarded-Via.
  if (headers["User-Agent"]) headers["X-Forwarded-Via"] = [USER_AGENT];
  else headers["User-Agent"] = [USER_AGENT];
  return headers;
}

/** Each value as the client sent it, or null when one is not UTF-8. */
function headerTexts(values: readonly string[]): string[] | null {
  const texts: string[] = [];
  for (const value of values) {
    const text = headerText(value);
    if (text === null) return null;
    texts.push(text);
  }
  return texts;
}

/**
 * The message's content type: the forwarded Content-Type (its first value, as Node and Go
 * read it), when the route forwards it. Read from the headers `forwardHeaders` built.
 */
export function messageContentType(headers: Readonly<Record<string, readonly string[]>>, selection: HeaderSelection): string | undefined | RequestError {
  const value = selection.contentTypeHeader === null ? undefined : headers[selection.contentTypeHeader]?.[0];
  return value === undefined ? undefined : checkShortString(value, "header Content-Type");
}

/** AMQP timestamps are whole seconds. */
export function timestampSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

// ---------------------------------------------------------------------------------------------
// Who sent a request: the peer, and the proxies whose forwarding headers are believed.

/** Trusted proxies as a BlockList, made once per options list (adapters pass the same list with every request). */
const proxyLists = new WeakMap<readonly string[], BlockList>();
export function proxyList(list: readonly string[] | undefined): BlockList | null {
  if (!list || list.length === 0) return null;
  let blocks = proxyLists.get(list);
  if (!blocks) {
    blocks = new BlockList();
    for (const entry of list) {
      const [address = "", bits] = entry.split("/");
      const family = isIP(address);
      if (family === 0) throw new TypeError(`trustedProxies: ${JSON.stringify(entry)} is not an IP address or a CIDR range`);
      const type = family === 6 ? "ipv6" : "ipv4";
      if (bits === undefined) blocks.addAddress(address, type);
      else blocks.addSubnet(address, Number(bits), type); // throws on a prefix out of range
    }
    proxyLists.set(list, blocks);
  }
  return blocks;
}

/** `::ffff:10.0.0.1` (an IPv4 address on an IPv6 socket) as `10.0.0.1`. */
export function plainAddress(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Whether `address` is one of the trusted proxies. */
export function isTrustedProxy(proxies: BlockList | null, address: string): boolean {
  const family = isIP(address);
  return proxies !== null && family !== 0 && proxies.check(address, family === 6 ? "ipv6" : "ipv4");
}

/** Whether the request comes straight from a trusted proxy, whose forwarding headers may be believed. */
export function fromTrustedProxy(request: IncomingMessage, proxies: BlockList | null): boolean {
  return isTrustedProxy(proxies, plainAddress(request.socket.remoteAddress ?? ""));
}

/** The first value of a request header (`name` lower-case); "" when it is absent. */
export function firstHeader(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}
