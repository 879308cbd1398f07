/**
 * Decoding a consumed message against what the generator knows of its route: the headers the
 * producer writes, the AMQP properties it sets, and the body (validated with the producer's own
 * validator when the endpoint has a JSON Schema). A mismatch is a DecodeError that says which
 * part and how, never quoting the body.
 */
import type { ConsumeMessage } from "amqplib";
import { setHeader } from "./checks.js";

/** What a message of a route looks like, as the generator knows it. */
export interface MessageShape {
  /** Headers every message carries: arrays of strings. */
  readonly requiredHeaders: readonly string[];
  /** Headers a message may carry: arrays of strings. */
  readonly optionalHeaders: readonly string[];
  /**
   * Any other header: "forwarded" (`input_headers: ["*"]`: arrays of strings, or trace-context
   * strings) or "trace-context" (only plain strings, such as `traceparent` and `tracestate`).
   */
  readonly otherHeaders: "forwarded" | "trace-context";
  /** AMQP properties (amqplib's names) every message has, besides deliveryMode and timestamp. */
  readonly requiredProperties: readonly ("messageId" | "priority" | "expiration" | "replyTo" | "correlationId" | "contentType")[];
  /** The route's generated body validator (null, or "path: problem") when the endpoint validates its JSON body; null: the body is bytes. */
  readonly validateBody: ((value: unknown) => string | null) | null;
}

/** A message that is not what its route publishes: rejected, never requeued. */
export class DecodeError {
  readonly part: "body" | "headers" | "properties";
  /** `part: problem`, e.g. `headers: "X-Forwarded-For" is missing`. Never quotes the body. */
  readonly message: string;
  // Fields declared apart, not as parameter properties: the runtime passes `erasableSyntaxOnly`.
  constructor(part: "body" | "headers" | "properties", problem: string) {
    this.part = part;
    this.message = `${part}: ${problem}`;
  }

  toString(): string {
    return this.message;
  }
}

export interface DecodedMessage<Body, Headers> {
  /** The parsed (and validated) JSON when the route validates its body; else the content as it is. */
  readonly body: Body;
  readonly headers: Headers;
  readonly exchange: string;
  readonly routingKey: string;
  readonly redelivered: boolean;
  readonly messageId: string | undefined;
  readonly priority: number | undefined;
  readonly expiration: string | undefined;
  readonly replyTo: string | undefined;
  readonly correlationId: string | undefined;
  readonly contentType: string | undefined;
  /** Whole seconds, as the producer sets it. */
  readonly timestamp: number | undefined;
  readonly deliveryMode: number | undefined;
  /** The message as amqplib delivered it. */
  readonly message: ConsumeMessage;
}

const STRING_PROPERTIES = ["messageId", "expiration", "replyTo", "correlationId", "contentType"] as const;
const NUMBER_PROPERTIES = ["priority", "timestamp", "deliveryMode"] as const;

/** What a value is, for a problem's text (never the value itself: it may be anything the client sent). */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Buffer.isBuffer(value)) return "bytes";
  if (Array.isArray(value)) {
    const odd = value.find((item) => typeof item !== "string");
    return odd === undefined ? "an array of strings" : `an array holding ${kindOf(odd)}`;
  }
  return typeof value === "object" ? "a table" : `a ${typeof value}`;
}

function isStrings(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

/**
 * The message's headers by name. amqplib decodes a table into a plain object with `fields[key] =
 * value`, so a header named `__proto__` whose value is an array or table becomes the object's
 * prototype instead of a key: it is taken back from there (a string one is lost in amqplib).
 */
function headerEntries(raw: unknown): Map<string, unknown> {
  const entries = new Map<string, unknown>();
  if (typeof raw !== "object" || raw === null) return entries;
  const table = raw as Readonly<Record<string, unknown>>;
  for (const name of Object.keys(table)) entries.set(name, table[name]);
  const proto: unknown = Object.getPrototypeOf(table);
  if (proto !== Object.prototype && proto !== null && !entries.has("__proto__")) entries.set("__proto__", proto);
  return entries;
}

/** The named headers of each shape, looked up once per shape rather than per message. */
const namedHeaders = new WeakMap<MessageShape, ReadonlySet<string>>();

/**
 * Checks a message against its route's shape: the properties, the headers (arrays of strings,
 * as the producer writes them), then the body. Headers named `x-…` in lower case that the route
 * does not name are the broker's (`x-death`, `x-delivery-count` on a quorum queue's
 * redeliveries...): left out of `headers` and unchecked; `message` still has them.
 */
export function decodeMessage(
  message: ConsumeMessage,
  shape: MessageShape,
): DecodedMessage<unknown, Readonly<Record<string, readonly string[] | string>>> | DecodeError {
  const p = message.properties;
  for (const name of shape.requiredProperties) {
    const value: unknown = p[name];
    if (value === undefined || value === null) return new DecodeError("properties", `${name} is missing`);
  }
  for (const name of STRING_PROPERTIES) {
    const value: unknown = p[name];
    if (value !== undefined && typeof value !== "string") return new DecodeError("properties", `${name} must be a string (got ${kindOf(value)})`);
  }
  for (const name of NUMBER_PROPERTIES) {
    const value: unknown = p[name];
    if (value !== undefined && typeof value !== "number") return new DecodeError("properties", `${name} must be a number (got ${kindOf(value)})`);
  }

  const entries = headerEntries(p.headers);
  // A plain object, as checks.ts builds them (a null-prototype one surprises code that calls its methods).
  const headers: Record<string, readonly string[] | string> = {};
  for (const name of shape.requiredHeaders) {
    const value = entries.get(name);
    if (value === undefined) return new DecodeError("headers", `${JSON.stringify(name)} is missing`);
    if (!isStrings(value)) return new DecodeError("headers", `${JSON.stringify(name)} must be an array of strings (got ${kindOf(value)})`);
    setHeader(headers, name, value);
  }
  for (const name of shape.optionalHeaders) {
    const value = entries.get(name);
    if (value === undefined) continue;
    if (!isStrings(value)) return new DecodeError("headers", `${JSON.stringify(name)} must be an array of strings (got ${kindOf(value)})`);
    setHeader(headers, name, value);
  }
  let named = namedHeaders.get(shape);
  if (named === undefined) {
    named = new Set([...shape.requiredHeaders, ...shape.optionalHeaders]);
    namedHeaders.set(shape, named);
  }
  for (const [name, value] of entries) {
    if (named.has(name) || name.startsWith("x-")) continue;
    if (typeof value === "string" || (shape.otherHeaders === "forwarded" && isStrings(value))) {
      setHeader(headers, name, value);
    } else if (shape.otherHeaders === "forwarded") {
      return new DecodeError("headers", `${JSON.stringify(name)} must be an array of strings or a string (got ${kindOf(value)})`);
    } else {
      return new DecodeError("headers", `${JSON.stringify(name)} is not a header of this route, and not a trace-context string (got ${kindOf(value)})`);
    }
  }

  let body: unknown = message.content;
  if (shape.validateBody) {
    try {
      // As the HTTP side parses it before publishing.
      body = JSON.parse(message.content.toString("utf8"));
    } catch {
      // JSON.parse's own text quotes the body: only its size is said.
      return new DecodeError("body", `not JSON (${message.content.length} bytes)`);
    }
    let problem: string | null;
    try {
      problem = shape.validateBody(body);
    } catch {
      problem = "nested too deeply to validate"; // a stack overflow, as on the HTTP side
    }
    if (problem !== null) return new DecodeError("body", problem);
  }

  return {
    body,
    headers,
    exchange: message.fields.exchange,
    routingKey: message.fields.routingKey,
    redelivered: message.fields.redelivered,
    messageId: p.messageId,
    priority: p.priority,
    expiration: p.expiration,
    replyTo: p.replyTo,
    correlationId: p.correlationId,
    contentType: p.contentType,
    timestamp: p.timestamp,
    deliveryMode: p.deliveryMode,
    message,
  };
}
