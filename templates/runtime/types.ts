/**
 * The types every part of the generated code shares: what is known about a route and a broker
 * at generation time, what a route hands to the publisher, the publisher's interface and
 * results, and the HTTP answers. Generated route files and the generator itself import these.
 */
import type { Options } from "amqplib";
import type { IncomingMessage } from "node:http";
import type { BlockList } from "node:net";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type BackoffStrategy = "linear" | "linear-jitter" | "exponential" | "exponential-jitter" | "fallback";
export type OutputEncoding = "json" | "json-collection" | "no-op" | "string";

/** `topic` unless the config's `@amqp-gen` block says otherwise (KrakenD has only `topic`). */
export type ExchangeType = "topic" | "direct" | "fanout" | "headers";

/** Arguments of an exchange or queue declaration (`x-dead-letter-exchange`, `alternate-exchange`...). */
export type DeclareArguments = Readonly<Record<string, string | number | boolean>>;

export interface ExchangeSpec {
  readonly name: string;
  readonly type: ExchangeType;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  /** From `@amqp-gen.exchange_arguments`; absent: none. */
  readonly arguments?: DeclareArguments;
}

export interface QueueSpec {
  readonly name: string;
  readonly durable: boolean;
  /**
   * The literal key with `static_routing_key`, `#` otherwise (topic); `""` for fanout and
   * headers exchanges, which ignore it; null for a direct exchange and a key from a param: no
   * single binding matches every message, so the queue is not bound.
   */
  readonly bindingKey: string | null;
  /** From `@amqp-gen.queue_arguments`; absent: none. */
  readonly arguments?: DeclareArguments;
}

export type RoutingKeySpec =
  | { readonly kind: "static"; readonly value: string }
  | { readonly kind: "param"; readonly param: string }
  /** A literal `routing_key` without `static_routing_key`: KrakenD publishes with the empty key. */
  | { readonly kind: "empty" };

export interface ParamSpec {
  /** The name in the endpoint path, e.g. `route` for `{route}`. */
  readonly name: string;
  /** The name KrakenD gives it (first letter upper-cased), e.g. `Route`. */
  readonly key: string;
  /** Index of the path segment that holds it. */
  readonly segment: number;
}

/** Everything known about a route at generation time. */
export interface RouteInfo {
  readonly id: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly params: readonly ParamSpec[];
  /** Index into the broker list: routes with the same `host` list share a connection. */
  readonly broker: number;
  /** False (`@amqp-gen.declare`): nothing is declared or bound; the exchange must exist. */
  readonly declare: boolean;
  readonly exchange: ExchangeSpec;
  readonly queue: QueueSpec | null;
  readonly routingKey: RoutingKeySpec;
  readonly mandatory: boolean;
  /** Delivery mode 2 when the exchange is durable. */
  readonly persistent: boolean;
  readonly timeoutMs: number;
  readonly outputEncoding: OutputEncoding;
  /** Request headers copied into the message (canonical names), or `*` for all of them. */
  readonly inputHeaders: "*" | readonly string[];
  readonly hasBodySchema: boolean;
  /** Request-reply (`@amqp-gen.reply`): the answer is the reply message, waited for this long. Absent: publish only. */
  readonly reply?: { readonly timeoutMs: number };
}

/** The reply of a request-reply route, answered as it is: 200, its body and its content type. */
export interface Reply {
  readonly body: Buffer;
  /** The reply's `content_type`; absent: answered as `application/octet-stream`. */
  readonly contentType: string | undefined;
}

/**
 * amqplib's publish options: the AMQP properties of one message. A content type may be
 * undefined (amqplib skips it), so that a route's messages all have one shape, with or without.
 */
export type PublishOptions = Omit<Options.Publish, "contentType"> & { contentType?: string | undefined };

/** What a route hands to the publisher for one request. */
export interface Outgoing {
  readonly routingKey: string;
  readonly options: PublishOptions;
}

/** A request that cannot be published: answered with `status` and `{ "error": message }`. */
export class RequestError {
  readonly status: number;
  readonly message: string;
  // Fields declared apart, not as parameter properties: the runtime passes `erasableSyntaxOnly`,
  // which services' strictest tsconfigs turn on.
  constructor(status: number, message: string) {
    this.status = status;
    this.message = message;
  }
}

/** The answer of a route's authentication: go on (with the headers it adds to the message), or 401/403. */
export type AuthOutcome =
  /** `headers`: added to the message, replacing any of the same name (propagated JWT claims). */
  | { readonly ok: true; readonly headers: Readonly<Record<string, readonly string[]>> }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string; readonly headers: Readonly<Record<string, string>> };

/** An endpoint's `auth/validator` (KrakenD's JWT validation), as the generator read it: see jwt.ts. */
export interface JwtSettings {
  /** The one algorithm a token may be signed with (`alg` in its header must be exactly this). */
  readonly alg: string;
  /**
   * Where the keys come from: a JWKS URL, cached for `cacheSeconds` and fetched again for an
   * unknown key at most once per `cooldownSeconds`; or a JWKS file, read once at start (a path
   * relative to the service's working directory, as KrakenD reads it).
   */
  readonly keys: { readonly url: string; readonly cacheSeconds: number; readonly cooldownSeconds: number } | { readonly file: string };
  /** Every one of them must be in the token's `aud` (KrakenD's rule). */
  readonly audience: readonly string[];
  readonly issuer: string | null;
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds. */
  readonly leewaySeconds: number;
  /** The header the token is read from, lower-case. */
  readonly header: string;
  /** The cookie read when the header is absent: only when the config names one. */
  readonly cookie: string | null;
  /** Any one of `anyOf` in the claim at `path` (a list, or a space-separated string); 403 otherwise. */
  readonly roles: { readonly path: readonly string[]; readonly anyOf: readonly string[] } | null;
  /** Any (or, with `all`, every) one of `required` in the claim at `path`; 403 otherwise. */
  readonly scopes: { readonly path: readonly string[]; readonly required: readonly string[]; readonly all: boolean } | null;
  /** Claims copied into the message as headers: `[claim path, canonical header name]`. */
  readonly propagate: readonly (readonly [readonly string[], string])[];
  /** An array claim as one header value per element, instead of one value joined with commas. */
  readonly preserveArrays: boolean;
}

/** An endpoint's `qos/ratelimit/router` (KrakenD's token buckets), as the generator read it: see ratelimit.ts. */
export interface RateLimitSettings {
  /** The endpoint's bucket: tokens per second, and how many it holds when full; null: no endpoint limit. */
  readonly endpoint: { readonly perSecond: number; readonly capacity: number } | null;
  /** Each client's bucket, and what tells clients apart (a lower-case header, a path segment); null: no client limit. */
  readonly client: {
    readonly perSecond: number;
    readonly capacity: number;
    readonly by: { readonly kind: "ip" } | { readonly kind: "header"; readonly header: string } | { readonly kind: "param"; readonly segment: number };
  } | null;
}

/** A request a rate limit refuses: the client's bucket is empty (429) or the endpoint's (503). */
export interface LimitRefusal {
  readonly status: 429 | 503;
  readonly message: string;
  /** Whole seconds until a token is back. */
  readonly retryAfter: number;
}

/** The service's `security/cors`, as the generator read it: see cors.ts. */
export interface CorsSettings {
  /** Allowed origins, exact or with one `*` (`https://*.example.com`); an empty list or `*` allows every origin. */
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  /** Request headers a page may send (`*` allows every header). */
  readonly allowHeaders: readonly string[];
  /** Response headers a page may read. */
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  readonly allowPrivateNetwork: boolean;
  /** How long a browser may keep a preflight's answer (0: not said). */
  readonly maxAgeSeconds: number;
  /** A preflight's status (204 by default). */
  readonly optionsSuccessStatus: number;
  /** Preflights are routed like any request instead of answered. */
  readonly optionsPassthrough: boolean;
}

/** What CORS does to one request: answer a preflight, or add headers to the routed answer. */
export interface Cors {
  /** The preflight's answer; null when the request is not a preflight (or is passed through). */
  preflight(request: IncomingMessage): HttpAnswer | null;
  /** The headers of an actual request's answer. */
  headers(request: IncomingMessage): Readonly<Record<string, string>>;
}

/** The stages around every request of the service, each only when the config has it. */
export interface ServiceStages {
  readonly cors?: Cors | undefined;
  readonly http?: HttpSecurity | undefined;
}

/** The service's `security/http` (KrakenD's httpsecure), as the generator read it: see httpsecure.ts. */
export interface HttpSecuritySettings {
  /** Hosts the service answers for (an empty list allows every host); another Host is 400. */
  readonly allowedHosts: readonly string[];
  /** `allowedHosts` are regular expressions (matched whole). */
  readonly allowedHostsAreRegex: boolean;
  /** Headers a trusted proxy names the original Host in (`X-Forwarded-Host`). */
  readonly hostProxyHeaders: readonly string[];
  /** Redirect plain HTTP to HTTPS (301), to `sslHost` when set. */
  readonly sslRedirect: boolean;
  readonly sslHost: string;
  /** Header values by which a trusted proxy says the request came over HTTPS (`{ "X-Forwarded-Proto": "https" }`). */
  readonly sslProxyHeaders: Readonly<Record<string, string>>;
  /** Strict-Transport-Security's max-age (0: no header), sent over HTTPS only unless `forceStsHeader`. */
  readonly stsSeconds: number;
  readonly stsIncludeSubdomains: boolean;
  readonly forceStsHeader: boolean;
  /** X-Frame-Options' value (`DENY` for `frame_deny`, or the custom one); empty: none. */
  readonly frameOptions: string;
  readonly contentTypeNosniff: boolean;
  readonly browserXssFilter: boolean;
  readonly contentSecurityPolicy: string;
  readonly referrerPolicy: string;
  /** KrakenD's development mode: the host, HTTPS and STS checks off. */
  readonly isDevelopment: boolean;
}

/** What `security/http` does to one request: an answer of its own (400, 301), or the headers every answer gets. */
export interface HttpSecurity {
  /** Null to go on; else the answer (a Host not allowed, or the redirect to HTTPS). */
  check(request: IncomingMessage, proxies: BlockList | null): HttpAnswer | null;
  /** The response headers for this request (STS only over HTTPS, unless forced). */
  headers(request: IncomingMessage, proxies: BlockList | null): Readonly<Record<string, string>>;
}

/** A `security/bot-detector` (service or endpoint), as the generator read it: see botdetector.ts. */
export interface BotDetectorSettings {
  /** User-Agents that are never bots (exact; checked first). */
  readonly allow: readonly string[];
  /** User-Agents that are bots (exact). */
  readonly deny: readonly string[];
  /** Bot patterns: JavaScript regular expressions (source, flags), translated from Go's RE2 syntax. */
  readonly patterns: readonly (readonly [string, string])[];
  /** Whether a request without a User-Agent is a bot. */
  readonly emptyIsBot: boolean;
  /** Verdicts remembered (by User-Agent); 0: none. */
  readonly cacheSize: number;
}

export interface Route extends RouteInfo {
  /** Whether the request comes from a bot (`security/bot-detector`): 403 before anything else. Absent: no detector. */
  readonly isBot?: (request: IncomingMessage) => boolean;
  /** Checks the request's credentials before anything else of it is read (`auth/validator`). Absent: none. */
  readonly authenticate?: (request: IncomingMessage) => Promise<AuthOutcome>;
  /**
   * Takes a token from the route's rate limits (`qos/ratelimit/router`), after authentication;
   * `proxies`: the trusted proxies whose `X-Forwarded-For` names the client. Absent: no limit.
   */
  readonly limit?: (request: IncomingMessage, segments: readonly string[], proxies: BlockList | null) => LimitRefusal | null;
  /** Builds the message from the decoded path segments and the request. */
  readonly prepare: (segments: readonly string[], request: IncomingMessage) => Outgoing | RequestError;
  /** Checks a parsed JSON body against the endpoint's `validation/json-schema`. */
  readonly validateBody: ((body: unknown) => string | null) | null;
}

export interface BrokerInfo {
  /** The config's `host` list with credentials removed. */
  readonly urls: readonly string[];
  readonly maxRetries: number;
  readonly backoff: BackoffStrategy;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface PublisherOptions {
  /**
   * Broker URL or failover list, for every broker; or a function giving each broker its own
   * (configs whose producers use different hosts). Default: `AMQP_URL` (comma-separated list),
   * then the config's `host` list with credentials removed.
   */
  url?: string | readonly string[] | ((broker: BrokerInfo, index: number) => string | readonly string[]);
  /** Declare and bind each route's queue (`name`), as KrakenD's docs promise. Default true. */
  declareQueues?: boolean;
  /**
   * Type of the queues declared: `classic` (default), or `quorum`, replicated across a cluster's
   * nodes so that it survives the loss of one (quorum queues are always durable).
   */
  queueType?: "classic" | "quorum";
  /** Connect timeout per broker URL (TCP and the AMQP handshake), in milliseconds. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * AMQP heartbeat proposed to the broker, in seconds (0: none). Default 10. A `heartbeat` in the
   * URL's query wins. amqplib drops a connection that has been silent for two intervals.
   */
  heartbeatSeconds?: number;
  /**
   * A connection with publishes awaiting confirms, on which no confirm has arrived for this long
   * (and which the broker has not said is blocked), is taken for dead: it is destroyed and the
   * next URL is tried. Catches a silent network path long before heartbeats do. Default 5000;
   * 0 turns it off. Only with `confirm` on.
   */
  confirmWatchdogMs?: number;
  /**
   * The largest message the broker accepts (RabbitMQ's `max_message_size`, 128 MiB by default):
   * a larger body is a 413 instead of a publish the broker would answer by closing the channel.
   */
  maxMessageBytes?: number;
  /**
   * Wait for the broker's confirm before answering 200. Default true. `false` is KrakenD's
   * fire-and-forget mode: a 200 then only means the message was written to the socket, and it
   * can be lost if the broker fails or nothing is bound.
   */
  confirm?: boolean;
  /** Publishes awaiting a confirm, per broker, beyond which requests get 503. Default 1000. */
  maxInFlight?: number;
  /**
   * Channels publishing on each connection, taking turns. Default 1. RabbitMQ runs each channel
   * as a process of its own, so more channels can spread its work over its cores (with no HTTP
   * in front, one client confirmed 9.9k persistent messages/s on 1 channel, 11.4k–12k on 2, on
   * a 2-core machine shared with the broker). Messages of requests in flight together may then
   * reach a queue in either order, as with KrakenD, which handles requests concurrently; a
   * request answered before the next is sent stays ahead of it.
   */
  publishChannels?: number;
  /** Where connection events go. Default: stderr. */
  logger?: Logger;
}

export type PublishResult =
  | { readonly ok: true; readonly reply?: Reply }
  | { readonly ok: false; readonly status: 400 | 413 | 502 | 503 | 504; readonly message: string; readonly retryAfter?: number };

/**
 * How a routed request ended, by its answer: `published` (2xx), `unauthorized` (401: no valid
 * credentials), `forbidden` (403: credentials without the rights), `rejected` (another 4xx:
 * refused before the broker), `refused` (502: the broker refused or returned it), `unavailable`
 * (503), `timeout` (504), `error` (500: a fault of the service), `aborted` (the client went away
 * first); and `limited`: refused by a rate limit (429 for a client, 503 for the endpoint).
 */
export type Outcome = "published" | "unauthorized" | "forbidden" | "limited" | "rejected" | "refused" | "unavailable" | "timeout" | "error" | "aborted";

/** A histogram's state: `buckets[i]` counts the observations ≤ `DURATION_BUCKETS_SECONDS[i]` (cumulative, as Prometheus has it). */
export interface DurationStats {
  readonly buckets: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/** One route's counters. */
export interface RouteStats {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  /** Requests answered, by outcome. */
  readonly outcomes: Readonly<Record<Outcome, number>>;
  /** Published messages: seconds from the request received to the broker's confirm. */
  readonly duration: DurationStats;
}

/** A snapshot of one broker link, for probes, metrics and tests. Plain numbers: no dependency. */
export interface BrokerStats {
  /** The broker's name in metrics: its config's `host` list, credentials removed (stable across failovers). */
  readonly name: string;
  /** The URL of the current connection, credentials redacted; null while disconnected. */
  readonly url: string | null;
  readonly connected: boolean;
  /** The broker has said it blocks publishers (a resource alarm). */
  readonly blocked: boolean;
  /** Publishes not yet answered: waiting for room in the socket or for their confirm, each until its timeout (a confirm may still come after a 504). `maxInFlight` bounds this. */
  readonly inFlight: number;
  /** Connections opened so far (the first one included). */
  readonly connections: number;
  /** Connections taken for dead: no confirm within `confirmWatchdogMs`, or missed heartbeats. */
  readonly deadConnections: number;
  /** Publishes that found the socket full and waited for it to drain (back-pressure). */
  readonly drainWaits: number;
  /** Requests of request-reply routes waiting for their reply now. */
  readonly awaitingReply: number;
  /** Replies that came after their request was answered (a 504), or match no request: dropped. */
  readonly lateReplies: number;
}

export interface PublisherStats {
  readonly brokers: readonly BrokerStats[];
  /** Every route's answers by outcome and its publish durations, in the order of `routes`. */
  readonly routes: readonly RouteStats[];
}

export interface Publisher {
  /** Resolves once every broker has been connected to once (or rejects on close). */
  ready(): Promise<void>;
  /** Publishes one message for a route and waits for the broker's confirm. Never throws. */
  publish(route: RouteInfo, outgoing: Outgoing, body: Buffer): Promise<PublishResult>;
  /** Whether a publish for this route would be attempted now (503 otherwise). */
  availability(route: RouteInfo): PublishResult;
  /** Stops accepting, waits (bounded) for outstanding confirms, closes connections. */
  close(): Promise<void>;
  /** Counters and states of every broker link and every route. */
  stats(): PublisherStats;
  /**
   * Counts the answer to a routed request (`status` null: the client went away first), with the
   * time it was received (`performance.now()`). The HTTP handler calls it; metrics read it back.
   */
  recordAnswer(route: RouteInfo, status: number | null, receivedAt: number, limited?: boolean): void;
}

/** A node of the dispatch tree built at generation time: static segments first, then a param. */
export interface DispatchNode {
  readonly static?: ReadonlyMap<string, DispatchNode>;
  readonly param?: DispatchNode;
  /** Route index per method, for paths that end here. */
  readonly routes?: Readonly<Partial<Record<HttpMethod, number>>>;
}

/** Where the probes answer `GET` (and `HEAD`), below the mount point; `false` turns one off. */
export interface ProbeOptions {
  /** Liveness: 200 with KrakenD's body shape while the process serves, whatever the broker. Default `/__health`. */
  health?: string | false | undefined;
  /** Readiness: 200 while every broker is connected and not blocked, else 503 (each broker's state in the body). Default `/__ready`. */
  ready?: string | false | undefined;
}

export interface ListenerOptions {
  /** Largest request body accepted, in bytes; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number | undefined;
  /**
   * Proxies in front of the service (addresses or CIDR ranges, such as `10.0.0.0/8`) whose
   * `X-Forwarded-For` tells the client's address to rate limits by client address. Default none:
   * the socket's peer is the client, and `X-Forwarded-For` is not believed.
   */
  trustedProxies?: readonly string[] | undefined;
  /** The liveness and readiness probes' paths. */
  probes?: ProbeOptions | undefined;
}

export interface AnswerOptions extends ListenerOptions {
  /**
   * The request target to route, not percent-decoded, relative to where the routes are mounted
   * (a query string is ignored). Default: `request.url`.
   */
  path?: string | undefined;
  /**
   * The body, when a framework has already read it (Express's `express.raw()`, Hono's
   * `c.req.arrayBuffer()`). Default: it is read from `request`, which must not have been read yet.
   */
  body?: Buffer | undefined;
}

/**
 * What to answer to one request, independent of any HTTP framework. A 404 always means that no
 * route has this path (adapters may hand such requests on); every other status is final.
 */
export interface HttpAnswer {
  readonly status: number;
  /** Always Content-Type and Content-Length; X-Krakend-Completed, Retry-After, Allow, Connection when they apply. */
  readonly headers: Readonly<Record<string, string>>;
  /** Text (JSON), or the bytes of a reply. */
  readonly body: string | Buffer;
  /** Refused by a rate limit: counted as `limited`, whatever the status. */
  readonly limited?: true;
}

/** The route of a request and its path segments. */
export interface RouteMatch {
  readonly route: Route;
  /** The path's segments, percent-decoded. */
  readonly segments: readonly string[];
}
