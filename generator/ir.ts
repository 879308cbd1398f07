/**
 * The intermediate representation between krakend.json and the templates. Every KrakenD rule
 * (capitalisation, static vs param routing key, defaults, durations) is decided in the analyser;
 * the planner and the templates read only these types, never raw JSON.
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type BackoffStrategy = "linear" | "linear-jitter" | "exponential" | "exponential-jitter" | "fallback";
export type OutputEncoding = "json" | "json-collection" | "no-op" | "string";

export type Segment = { kind: "static"; value: string } | { kind: "param"; name: string };

export interface ParamIR {
  /** As written in the endpoint: `route` for `{route}`. */
  name: string;
  /** As KrakenD names it for the producer: `Route`. */
  key: string;
  /** Index of the path segment (after the leading slash) that holds it. */
  segment: number;
}

/** A request param copied into a message property. */
export interface ParamRef {
  /** The KrakenD key as written in the config, e.g. `Prio`. */
  key: string;
  /** The path param it names. */
  param: ParamIR;
}

export type RoutingKeyIR =
  | { kind: "static"; value: string }
  | { kind: "param"; ref: ParamRef }
  | { kind: "empty"; literal: string };

export interface BrokerIR {
  /** The `host` list with credentials removed: what the generated code may contain. */
  urls: string[];
  maxRetries: number;
  backoff: BackoffStrategy;
}

export interface RouteIR {
  method: HttpMethod;
  /** The endpoint as written, e.g. `/produce/{a}/{route}`. */
  path: string;
  segments: Segment[];
  params: ParamIR[];
  /** Pointer to the producer block, for comments and diagnostics. */
  pointer: string;
  /** Namespace key used: the current one or the legacy alias. */
  namespace: string;
  /** Index into `ProgramIR.brokers`, assigned once routes are sorted. */
  broker: number;
  /** The connection this producer asks for: its hosts, backoff and retries. */
  connection: BrokerIR;
  exchange: { name: string; durable: boolean; autoDelete: boolean };
  /** The queue `name` amqp-gen declares and binds (null when the name is empty). */
  queue: { name: string; durable: boolean; bindingKey: string } | null;
  routingKey: RoutingKeyIR;
  mandatory: boolean;
  persistent: boolean;
  expiration: ParamRef | null;
  replyTo: ParamRef | null;
  messageId: ParamRef | null;
  priority: ParamRef | null;
  /** Canonical header names, or `*`. */
  inputHeaders: "*" | string[];
  timeoutMs: number;
  outputEncoding: OutputEncoding;
  /** The endpoint's `validation/json-schema`, when present. */
  bodySchema: { schema: unknown; pointer: string } | null;
}

export interface ProgramIR {
  /** The config file name as given (relative), for generated comments. */
  source: string;
  brokers: BrokerIR[];
  /** Sorted by path, then method. */
  routes: RouteIR[];
}
