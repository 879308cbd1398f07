/**
 * The intermediate representation between krakend.json and the templates. Every KrakenD rule
 * (capitalisation, static vs param routing key, defaults, durations) is decided in the analyser;
 * the planner and the templates read only these types, never raw JSON. Read-only: the analyser
 * builds it complete, and nothing after it changes it.
 */
import type {
  BackoffStrategy,
  BotDetectorSettings,
  CorsSettings,
  DeclareArguments,
  ExchangeType,
  HttpMethod,
  HttpSecuritySettings,
  JwtSettings,
  OutputEncoding,
  RateLimitSettings,
} from "../../templates/runtime/types.js";

// The runtime's own types: what the IR says is what the generated code accepts.
export type { BackoffStrategy, DeclareArguments, ExchangeType, HttpMethod, OutputEncoding };

export type Segment = { readonly kind: "static"; readonly value: string } | { readonly kind: "param"; readonly name: string };

export interface ParamIR {
  /** As written in the endpoint: `route` for `{route}`. */
  readonly name: string;
  /** As KrakenD names it for the producer: `Route`. */
  readonly key: string;
  /** Index of the path segment (after the leading slash) that holds it. */
  readonly segment: number;
}

/** A request param copied into a message property. */
export interface ParamRef {
  /** The KrakenD key as written in the config, e.g. `Prio`. */
  readonly key: string;
  /** The path param it names. */
  readonly param: ParamIR;
}

export type RoutingKeyIR =
  | { readonly kind: "static"; readonly value: string }
  | { readonly kind: "param"; readonly ref: ParamRef }
  | { readonly kind: "empty"; readonly literal: string };

export interface BrokerIR {
  /** The `host` list with credentials removed: what the generated code may contain. */
  readonly urls: readonly string[];
  readonly maxRetries: number;
  readonly backoff: BackoffStrategy;
}

export interface RouteIR {
  readonly method: HttpMethod;
  /** The endpoint as written, e.g. `/produce/{a}/{route}`. */
  readonly path: string;
  readonly segments: readonly Segment[];
  readonly params: readonly ParamIR[];
  /** Pointer to the producer block, for comments and diagnostics. */
  readonly pointer: string;
  /** Namespace key used: the current one or the legacy alias. */
  readonly namespace: string;
  /** Index into `ProgramIR.brokers`, numbered in the order of the sorted routes. */
  readonly broker: number;
  /** The connection this producer asks for: its hosts, backoff and retries. */
  readonly connection: BrokerIR;
  /** False with `"@amqp-gen": { "declare": false }`: publish to what exists, declare nothing. */
  readonly declare: boolean;
  readonly exchange: {
    readonly name: string;
    readonly type: ExchangeType;
    readonly durable: boolean;
    readonly autoDelete: boolean;
    /** `@amqp-gen.exchange_arguments`, empty when none. */
    readonly arguments: DeclareArguments;
  };
  /** The queue `name` amqp-gen declares and binds (null when the name is empty). */
  readonly queue: {
    readonly name: string;
    readonly durable: boolean;
    /** null: not bound (a direct exchange with a routing key from a param). */
    readonly bindingKey: string | null;
    /** `@amqp-gen.queue_arguments`, empty when none. */
    readonly arguments: DeclareArguments;
  } | null;
  readonly routingKey: RoutingKeyIR;
  readonly mandatory: boolean;
  readonly persistent: boolean;
  readonly expiration: ParamRef | null;
  readonly replyTo: ParamRef | null;
  readonly messageId: ParamRef | null;
  readonly priority: ParamRef | null;
  /** Canonical header names, or `*`. */
  readonly inputHeaders: "*" | readonly string[];
  readonly timeoutMs: number;
  /** `@amqp-gen.reply`: the endpoint answers with the reply message, waited for this long. */
  readonly reply: { readonly timeoutMs: number } | null;
  readonly outputEncoding: OutputEncoding;
  /** The endpoint's `validation/json-schema`, when present. */
  readonly bodySchema: { readonly schema: unknown; readonly pointer: string } | null;
  /** The endpoint's `auth/validator`: tokens are checked before anything else. */
  readonly jwt: JwtSettings | null;
  /** The endpoint's `qos/ratelimit/router`: token buckets, checked after the token. */
  readonly rateLimit: RateLimitSettings | null;
  /** `security/bot-detector`s that apply: the service's, then the endpoint's; checked first. */
  readonly botDetectors: readonly { readonly from: "service" | "endpoint"; readonly settings: BotDetectorSettings }[];
}

export interface ProgramIR {
  /** The config file name as given (relative), for generated comments. */
  readonly source: string;
  /** The config's `name`, when it has one: the title of asyncapi.json. */
  readonly name: string | null;
  readonly brokers: readonly BrokerIR[];
  /** Sorted by path, then method. */
  readonly routes: readonly RouteIR[];
  /** The service's `security/http`: applied to every request. */
  readonly httpSecurity: HttpSecuritySettings | null;
  /** The service's `security/cors`: preflights answered before routing, headers on allowed origins' answers. */
  readonly cors: CorsSettings | null;
  /** `router.trusted_proxies`: the listener's default `trustedProxies`. */
  readonly trustedProxies: readonly string[];
}
