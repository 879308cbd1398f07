// Code generated from schema/krakend.schema.json and schema/amqp-producer.schema.json
// by `npm run gen:types`. DO NOT EDIT.

/**
 * A Go duration: decimal numbers, each with a unit (ns, us, µs, ms, s, m, h), such as `2s`, `1500ms` or `1m30s`.
 */
export type GoDuration = string;
/**
 * How KrakenD encodes the response to the client. After a successful publish KrakenD answers 200 with the body `null` for `json`, `[]` for `json-collection` and an empty body for `no-op` and `string`; amqp-gen's handlers answer the same.
 */
export type OutputEncoding = "json" | "json-collection" | "no-op" | "string" | "negotiate" | "xml" | "yaml";
/**
 * How long to wait for the reply, from the request received, as a Go duration; default the endpoint's `timeout`.
 */
export type GoDuration1 = string;

/**
 * The parts of a KrakenD `krakend.json` that amqp-gen reads. Every KrakenD namespace is allowed; amqp-gen reports what it does with each (the README's "Namespaces" table), and only the AMQP producer block is checked strictly.
 */
export interface KrakendConfig {
  /**
   * URL of the JSON Schema the file declares, such as `https://www.krakend.io/schema/v3.json`. Not read by amqp-gen.
   */
  $schema?: string;
  /**
   * Version of the configuration format: 3 is the format of KrakenD 2.x; 2 is KrakenD 1.x's, which amqp-gen still reads (with warning AG233: KrakenD 2.x refuses it), taking `headers_to_pass` for `input_headers`.
   */
  version: 2 | 3;
  /**
   * The service's name, as KrakenD reports it. amqp-gen makes it the title of asyncapi.json.
   */
  name?: string;
  /**
   * Default `host` list for backends that declare none.
   */
  host?: string[];
  /**
   * Default timeout of every endpoint, as a Go duration. KrakenD's default is 2s.
   */
  timeout?: GoDuration;
  /**
   * Default `output_encoding` of every endpoint.
   */
  output_encoding?: OutputEncoding;
  /**
   * Service-level component configuration, keyed by namespace. amqp-gen reports what it does with each namespace; a security control it does not enforce is an error unless `@amqp-gen.enforced_upstream` lists it.
   */
  extra_config?: {
    /**
     * amqp-gen's settings for the service's namespaces: which security controls something in front of the service enforces.
     */
    "@amqp-gen"?: AmqpGenAcknowledgements;
    /**
     * Bot detection for every route, enforced by the generated service.
     */
    "security/bot-detector"?: BotDetector;
    /**
     * Host checks, the HTTPS redirect and security headers, applied by the generated service to every request.
     */
    "security/http"?: HttpSecurity;
    /**
     * CORS, applied by the generated service to every request.
     */
    "security/cors"?: Cors;
    /**
     * KrakenD's HTTP router settings. amqp-gen reads `trusted_proxies` only; the rest has no effect on the generated service (note AG236).
     */
    router?: {
      /**
       * Proxies (addresses or CIDR ranges) whose X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Proto the generated service believes; the listener's `trustedProxies` option overrides them.
       */
      trusted_proxies?: string[];
      [k: string]: unknown | undefined;
    };
    [k: string]: unknown | undefined;
  };
  /**
   * The endpoints the gateway serves.
   */
  endpoints?: KrakendEndpoint[];
  [k: string]: unknown | undefined;
}
/**
 * amqp-gen's settings for this `extra_config` (a comment key for KrakenD, which skips keys starting with `@`).
 */
export interface AmqpGenAcknowledgements {
  /**
   * Security namespaces of this same `extra_config` that the generated service does not enforce and that something in front of it does (a gateway, a mesh). Without this acknowledgement such a namespace is an error (AG234); with it, a warning (AG235).
   */
  enforced_upstream?: string[];
}
/**
 * KrakenD's bot detector (`security/bot-detector`), enforced by the generated routes: a bot gets 403 with an empty body, before anything else of the request.
 */
export interface BotDetector {
  /**
   * User-Agents that are never bots (exact match; checked first).
   */
  allow?: string[];
  /**
   * User-Agents that are bots (exact match).
   */
  deny?: string[];
  /**
   * Regular expressions (Go RE2 syntax, as KrakenD reads them) matching bots' User-Agents; translated to JavaScript at generation, an error where they would not mean the same (AG245).
   */
  patterns?: string[];
  /**
   * Whether a request without a User-Agent is a bot.
   */
  empty_user_agent_is_bot?: boolean;
  /**
   * How many verdicts to remember, by User-Agent (default 0: none).
   */
  cache_size?: number;
  [k: string]: unknown | undefined;
}
/**
 * KrakenD's `security/http`, applied by the generated service to every request: allowed hosts (another Host is 400), the redirect to HTTPS (301) and the security headers.
 */
export interface HttpSecurity {
  /**
   * Hosts the service answers for; empty: any. Another Host is 400.
   */
  allowed_hosts?: string[];
  /**
   * `allowed_hosts` are regular expressions, matched against the whole Host.
   */
  allowed_hosts_are_regex?: boolean;
  /**
   * Headers that name the original Host (`X-Forwarded-Host`): read only from trusted proxies (the listener's `trustedProxies`).
   */
  host_proxy_headers?: string[];
  /**
   * Redirect plain HTTP requests to HTTPS (301).
   */
  ssl_redirect?: boolean;
  /**
   * The host of the HTTPS redirect; default: the request's.
   */
  ssl_host?: string;
  /**
   * Header values by which a trusted proxy says the request came over HTTPS, such as `{"X-Forwarded-Proto": "https"}`.
   */
  ssl_proxy_headers?: {
    [k: string]: string | undefined;
  };
  /**
   * Strict-Transport-Security's max-age; sent over HTTPS only, unless `force_sts_header`.
   */
  sts_seconds?: number;
  /**
   * Adds `includeSubDomains` to Strict-Transport-Security.
   */
  sts_include_subdomains?: boolean;
  /**
   * Sends Strict-Transport-Security over plain HTTP too (behind a proxy that terminates TLS).
   */
  force_sts_header?: boolean;
  /**
   * `X-Frame-Options: DENY`.
   */
  frame_deny?: boolean;
  /**
   * X-Frame-Options' value instead of DENY.
   */
  custom_frame_options_value?: string;
  /**
   * `X-Content-Type-Options: nosniff`.
   */
  content_type_nosniff?: boolean;
  /**
   * `X-XSS-Protection: 1; mode=block`.
   */
  browser_xss_filter?: boolean;
  /**
   * Content-Security-Policy's value.
   */
  content_security_policy?: string;
  /**
   * Referrer-Policy's value.
   */
  referrer_policy?: string;
  /**
   * KrakenD's development mode: the host, HTTPS and STS checks off (warning AG248).
   */
  is_development?: boolean;
  [k: string]: unknown | undefined;
}
/**
 * KrakenD's CORS (`security/cors`), applied by the generated service: preflights answered before routing, and the Access-Control headers on the answers to allowed origins.
 */
export interface Cors {
  /**
   * Allowed origins, exact or with one `*` (`https://*.example.com`); empty or `*`: any.
   */
  allow_origins?: string[];
  /**
   * Methods a page may use (default GET, POST, HEAD).
   */
  allow_methods?: string[];
  /**
   * Request headers a page may send (`*`: any).
   */
  allow_headers?: string[];
  /**
   * Response headers a page may read.
   */
  expose_headers?: string[];
  /**
   * Cookies and credentials allowed; not with any origin (error AG249: browsers refuse it).
   */
  allow_credentials?: boolean;
  /**
   * Answers Private Network Access preflights.
   */
  allow_private_network?: boolean;
  /**
   * How long a browser may keep a preflight's answer.
   */
  max_age?: GoDuration;
  /**
   * Route preflights like any request instead of answering them.
   */
  options_passthrough?: boolean;
  /**
   * A preflight's status (default 204).
   */
  options_success_status?: number;
  /**
   * KrakenD's CORS debug log; no effect here.
   */
  debug?: boolean;
  [k: string]: unknown | undefined;
}
/**
 * One endpoint of the gateway and the backends it calls.
 */
export interface KrakendEndpoint {
  /**
   * Path template of the endpoint, starting with `/`. Each `{param}` is a whole path segment; KrakenD passes it to the producer with its first character upper-cased (`{route}` is `Route`).
   */
  endpoint: string;
  /**
   * HTTP method the endpoint answers.
   */
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /**
   * Timeout of the whole request, as a Go duration; defaults to the root `timeout`. amqp-gen's handlers answer 504 when the broker's confirm does not arrive within it.
   */
  timeout?: GoDuration;
  /**
   * How the response to the client is encoded; defaults to the root `output_encoding`, else `json`.
   */
  output_encoding?: OutputEncoding;
  /**
   * Request headers forwarded to the backend (`"*"` forwards all; unset forwards only `Content-Type`). For the producer, each forwarded header becomes an AMQP header whose value is an array of strings.
   */
  input_headers?: string[];
  /**
   * KrakenD 1.x's name for `input_headers` (configuration version 2). amqp-gen reads it in a version 2 file; KrakenD 2.x ignores it.
   */
  headers_to_pass?: string[];
  /**
   * Query-string parameters forwarded to the backend. The AMQP producer never sees them: only path params are visible to it.
   */
  input_query_strings?: string[];
  /**
   * How many times KrakenD calls each backend concurrently for one request; with a producer, it publishes the message that many times (amqp-gen reports values above 1).
   */
  concurrent_calls?: number;
  /**
   * The backends the endpoint calls.
   */
  backend?: KrakendBackend[];
  /**
   * Endpoint-level component configuration, keyed by namespace. amqp-gen enforces `validation/json-schema`, `auth/validator` and `qos/ratelimit/router`, reports what it does with every other namespace, and refuses a security control it does not enforce unless `@amqp-gen.enforced_upstream` lists it.
   */
  extra_config?: {
    /**
     * JSON Schema the request body must satisfy. amqp-gen derives the body's TypeScript type from it and validates bodies before publishing (400 when invalid).
     */
    "validation/json-schema"?: {
      [k: string]: unknown | undefined;
    };
    /**
     * JWT validation, enforced by the generated route (see the README's Security section).
     */
    "auth/validator"?: JwtValidator;
    /**
     * The long spelling of `auth/validator`, which KrakenD still reads.
     */
    "github.com/devopsfaith/krakend-jose/validator"?: JwtValidator;
    /**
     * amqp-gen's settings for this endpoint's namespaces: which security controls something in front of the service enforces.
     */
    "@amqp-gen"?: AmqpGenAcknowledgements;
    /**
     * Rate limits, enforced by the generated route (see the README's Security section).
     */
    "qos/ratelimit/router"?: RateLimit;
    /**
     * Bot detection for this endpoint, enforced by the generated route (after the service's).
     */
    "security/bot-detector"?: BotDetector;
    [k: string]: unknown | undefined;
  };
  [k: string]: unknown | undefined;
}
/**
 * One backend of an endpoint; an AMQP producer when its `extra_config` has `backend/amqp/producer`.
 */
export interface KrakendBackend {
  /**
   * Backend hosts; for a producer, AMQP URLs such as `amqp://user:pass@host:5672/vhost`. KrakenD only uses the first; amqp-gen tries each in turn, and never writes their credentials into generated code. Defaults to the root `host`.
   */
  host?: string[];
  /**
   * Path of the backend request. KrakenD's schema requires it on every backend, but the AMQP producer ignores it and the 2022 documentation's producer example omits it, so it is optional here.
   */
  url_pattern?: string;
  /**
   * When true, KrakenD uses `host` as written. KrakenD refuses an `amqp://` host unless this is true.
   */
  disable_host_sanitize?: boolean;
  /**
   * HTTP method of the backend request; the AMQP producer ignores it.
   */
  method?: string;
  /**
   * How KrakenD decodes an HTTP backend's response (`json`, `safejson`, `xml`, `rss`, `string`, `no-op`...); the AMQP producer ignores it.
   */
  encoding?: string;
  /**
   * Backend-level component configuration, keyed by namespace. amqp-gen reports what it does with every namespace beside the producer, and refuses a security control it does not enforce unless `@amqp-gen.enforced_upstream` lists it.
   */
  extra_config?: {
    /**
     * AMQP producer: each request to the endpoint publishes one message.
     */
    "backend/amqp/producer"?: AmqpProducerConfig;
    /**
     * Legacy namespace of the AMQP producer, still accepted by KrakenD at run time as an alias (KrakenD's schema rejects it); same content as `backend/amqp/producer`.
     */
    "github.com/devopsfaith/krakend-amqp/produce"?: AmqpProducerConfig;
    /**
     * AMQP consumer. When a backend has both a consumer and a producer, KrakenD attaches only the consumer (amqp-gen reports it).
     */
    "backend/amqp/consumer"?: {
      [k: string]: unknown | undefined;
    };
    /**
     * amqp-gen's settings for this backend's namespaces (the producer's own settings are in the producer block's `@amqp-gen`).
     */
    "@amqp-gen"?: AmqpGenAcknowledgements;
    [k: string]: unknown | undefined;
  };
  [k: string]: unknown | undefined;
}
/**
 * The `backend/amqp/producer` block of a KrakenD backend (also read under the legacy key `github.com/devopsfaith/krakend-amqp/produce`). Accepts both KrakenD schema generations: the 2022 one (which also required `durable`, `delete` and `no_wait` and had the consumer settings `prefetch_count`, `prefetch_size`, `no_local`) and the latest one (only `name`, `exchange`, `routing_key` required; reconnect and message-property keys). Descriptions state what KrakenD does at run time, which differs from KrakenD's own documentation in several places, and what amqp-gen's handlers do instead. Unknown keys are rejected, except comment keys starting with `@`, `$`, `_` or `#`, which KrakenD ignores.
 */
export interface AmqpProducerConfig {
  /**
   * Name of the queue. KrakenD itself only uses it in error messages and declares no queue, although its documentation says it does. amqp-gen declares a queue with this name, with the exchange's `durable` flag, and binds it to the exchange: with the literal `routing_key` when `static_routing_key` is true, with `#` otherwise. An amqp-gen option turns this off for KrakenD's exchange-only behaviour.
   */
  name: string;
  /**
   * Name of the exchange every message is published to. It is declared as a `topic` exchange (the type is hard-coded, so an existing exchange of another type makes the declaration fail) with `durable`, `delete` (auto-delete) and `no_wait`. Must not be empty: the broker refuses to declare the default exchange `""`, so the producer could never publish.
   */
  exchange: string;
  /**
   * By default, the NAME of the endpoint path param whose value is the routing key. KrakenD upper-cases the first character of param names, so the endpoint's `{route}` is `Route` here; the lookup is exact, so `route` never matches. With `static_routing_key: true` it is the literal routing key instead. A literal such as `#` without `static_routing_key` names no param, so KrakenD publishes with the empty routing key (amqp-gen reports it at generation time).
   */
  routing_key: string;
  /**
   * When true, `routing_key` is used as the literal routing key of every message; when false, it is the name of a path param (see `routing_key`). Since KrakenD CE 2.5.
   */
  static_routing_key?: boolean;
  /**
   * Durability of the exchange (KrakenD describes it as a queue setting; it is not). amqp-gen also declares its queue with this durability and, when true, publishes persistent messages (delivery mode 2); KrakenD never sets a delivery mode, so its messages are transient even on a durable exchange. KrakenD's run-time default is false (the 2022 schema claimed true).
   */
  durable?: boolean;
  /**
   * Auto-delete flag of the exchange: the broker deletes the exchange when its last binding is removed. KrakenD describes it as a queue setting; it is not.
   */
  delete?: boolean;
  /**
   * Passed by KrakenD as the exchange's `internal` flag, not as queue exclusivity as its documentation says. Clients can not publish to an internal exchange, so `true` makes every publish fail (403 ACCESS_REFUSED). amqp-gen never declares the exchange internal and reports `true` at generation time.
   */
  exclusive?: boolean;
  /**
   * No-wait flag of KrakenD's exchange declaration: the declaration is sent without waiting for the broker's answer, so a failed declaration only shows up later as a closed channel. It has nothing to do with deliveries or consumers, whatever KrakenD's 2022 documentation says.
   */
  no_wait?: boolean;
  /**
   * Publish `mandatory` flag: the broker returns a message that no queue receives instead of dropping it. KrakenD sets the flag but never listens for returned messages, so they are lost anyway; amqp-gen reports a returned message as a failure (502).
   */
  mandatory?: boolean;
  /**
   * Publish `immediate` flag. RabbitMQ 3.0 and later do not implement it and close the whole connection (error 540 NOT_IMPLEMENTED) on a publish that sets it; KrakenD sends it anyway. amqp-gen never sends it and reports `true` at generation time.
   */
  immediate?: boolean;
  /**
   * Name of the endpoint path param (first character upper-cased: `{ttl}` is `Ttl`) whose value becomes the message's `expiration` (per-message TTL, in milliseconds). Unset, or the param absent: no expiration. KrakenD copies the value unchecked and a non-numeric one makes the broker close the channel after the client already got 200; amqp-gen answers 400 unless it is a non-negative integer.
   */
  exp_key?: string;
  /**
   * Name of the endpoint path param (first character upper-cased: `{reply_to}` is `Reply_to`) whose value becomes the message's `reply-to` property. Unset, or the param absent: empty.
   */
  reply_to_key?: string;
  /**
   * Name of the endpoint path param (first character upper-cased: `{id}` is `Id`) whose value becomes the message's `message-id` property. Unset, or the param absent: empty.
   */
  msg_id_key?: string;
  /**
   * Name of the endpoint path param (first character upper-cased: `{prio}` is `Prio`) whose value, parsed as an integer, becomes the message's `priority`. KrakenD sets no priority when the value does not parse and wraps values out of range (300 becomes 44, -1 becomes 255); amqp-gen answers 400 unless it is an integer from 0 to 255.
   */
  priority_key?: string;
  /**
   * How many reconnect attempts to make, waiting as `backoff_strategy` says between them; `0` or less (the default) means unlimited. KrakenD only starts reconnecting when a request finds the connection closed (that request fails); amqp-gen reconnects as soon as the connection closes, trying every `host` in turn.
   */
  max_retries?: number;
  /**
   * Wait before the n-th reconnect attempt: `linear` n seconds, `exponential` 2^n seconds, `linear-jitter` and `exponential-jitter` the same ±33 % at random, `fallback` a constant 1 second. KrakenD treats any unknown value, and an unset one, as `fallback`.
   */
  backoff_strategy?: "linear" | "linear-jitter" | "exponential" | "exponential-jitter" | "fallback";
  /**
   * Consumer setting (basic.qos prefetch count) from KrakenD's 2022 schema; the producer ignores it. Accepted so that 2022 configurations validate; amqp-gen reports it as ignored.
   */
  prefetch_count?: number;
  /**
   * Consumer setting (basic.qos prefetch size, in bytes) from KrakenD's 2022 schema; the producer ignores it. Accepted so that 2022 configurations validate; amqp-gen reports it as ignored.
   */
  prefetch_size?: number;
  /**
   * Consumer setting (no-local flag of basic.consume) from KrakenD's 2022 schema; the producer ignores it. Accepted so that 2022 configurations validate; amqp-gen reports it as ignored.
   */
  no_local?: boolean;
  /**
   * amqp-gen's own settings for this producer: what KrakenD's producer cannot do. KrakenD ignores keys starting with `@`, so the same krakend.json still runs on KrakenD, which then declares a topic exchange with no arguments as before.
   */
  "@amqp-gen"?: {
    /**
     * Type of the exchange declared: `topic` (KrakenD's only type: bindings match routing-key patterns), `direct` (exact routing key), `fanout` (every bound queue, routing key ignored) or `headers` (message headers, routing key ignored). An existing exchange of another type makes the declaration fail, so every route naming the exchange must agree.
     */
    exchange_type?: "topic" | "direct" | "fanout" | "headers";
    /**
     * Arguments of the exchange declaration. The broker compares them with those of an existing exchange of the same name and refuses a declaration that differs.
     */
    exchange_arguments?: {
      /**
       * Exchange that receives the messages this exchange cannot route to any queue (instead of dropping them, or returning them to a `mandatory` publish).
       */
      "alternate-exchange"?: string;
      [k: string]: string | number | boolean | undefined;
    };
    /**
     * Arguments of the declaration of the queue `name`. The broker refuses a declaration whose arguments differ from an existing queue's of the same name (406 PRECONDITION_FAILED), so every route declaring the queue must agree.
     */
    queue_arguments?: {
      /**
       * Exchange that receives the queue's rejected and expired messages (dead-lettering).
       */
      "x-dead-letter-exchange"?: string;
      /**
       * Routing key dead-lettered messages are published with; default their own.
       */
      "x-dead-letter-routing-key"?: string;
      /**
       * Makes the queue a priority queue with priorities 0 to this value. Without it RabbitMQ ignores the `priority` that `priority_key` sets. At most 255; RabbitMQ advises 10 or less.
       */
      "x-max-priority"?: number;
      /**
       * How long a message may stay in the queue, in milliseconds.
       */
      "x-message-ttl"?: number;
      /**
       * The queue is deleted after being unused this long, in milliseconds.
       */
      "x-expires"?: number;
      /**
       * Most messages the queue holds; see `x-overflow` for what happens beyond.
       */
      "x-max-length"?: number;
      /**
       * Most bytes of message bodies the queue holds; see `x-overflow`.
       */
      "x-max-length-bytes"?: number;
      /**
       * What a full queue does: drop its oldest message (`drop-head`, default), or refuse the new one (`reject-publish`: the publish is nacked, answered 502; `reject-publish-dlx`: also dead-lettered).
       */
      "x-overflow"?: "drop-head" | "reject-publish" | "reject-publish-dlx";
      /**
       * `classic`, `quorum` (replicated, always durable) or `stream`. Overrides the publisher's `queueType` option for this queue.
       */
      "x-queue-type"?: "classic" | "quorum" | "stream";
      /**
       * Only one consumer receives from the queue at a time; the others take over if it goes.
       */
      "x-single-active-consumer"?: boolean;
      [k: string]:
        | string
        | number
        | boolean
        | "drop-head"
        | "reject-publish"
        | "reject-publish-dlx"
        | "classic"
        | "quorum"
        | "stream"
        | undefined;
    };
    /**
     * `false`: declare nothing, publish to an exchange that already exists (a topology managed elsewhere, or a user without configure permission). A missing exchange answers 503 for its routes only, is logged with its name, and is never created.
     */
    declare?: boolean;
    /**
     * Makes the endpoint request-reply: the message is published with RabbitMQ's direct reply-to (`amq.rabbitmq.reply-to`) and a unique `correlation_id`, and the HTTP answer is the reply: 200, its body and its `content_type`. No reply within the timeout: 504. The responder replies to the message's `reply_to` with the same `correlation_id`.
     */
    reply?: {
      timeout?: GoDuration1;
    };
  };
  /**
   * This interface was referenced by `AmqpProducerConfig`'s JSON-Schema definition
   * via the `patternProperty` "^[@$_#]".
   */
  [k: string]: unknown | undefined;
}
/**
 * KrakenD's JWT validation (`auth/validator`), enforced by the generated route before anything else of the request: 401 with `WWW-Authenticate: Bearer` for a missing, malformed, expired, badly signed or mis-addressed token, 403 for roles and scopes. Tokens are verified with `jose`; generated code that has one needs `npm install jose`.
 */
export interface JwtValidator {
  /**
   * The one algorithm tokens are signed with; the token header's `alg` must be exactly this (never `none`). Public-key algorithms only: RS256/384/512, PS256/384/512, ES256/384/512, EdDSA.
   */
  alg?: string;
  /**
   * URL of the JSON Web Key Set. https:// (certificates always checked); http:// only with `disable_jwk_security`. Cached, and fetched again for an unknown key at most once per `failed_jwk_key_cooldown`.
   */
  jwk_url?: string;
  /**
   * A JWKS file read once at start, relative to the service's working directory; preferred over `jwk_url` when both are set.
   */
  jwk_local_path?: string;
  /**
   * Allows an http:// `jwk_url` (development only). Unlike KrakenD, it never turns off the certificate check of an https:// URL.
   */
  disable_jwk_security?: boolean;
  /**
   * Every one of these must be in the token's `aud` (KrakenD's rule: all of them, not any).
   */
  audience?: string[];
  /**
   * The token's `iss` must be exactly this.
   */
  issuer?: string;
  /**
   * Clock skew allowed for `exp`, `nbf` and `iat`, as a Go duration; default and minimum 1s.
   */
  leeway?: GoDuration;
  /**
   * The claim holding the roles (a list, or a space-separated string). Default `roles`.
   */
  roles_key?: string;
  /**
   * Reads a dotted `roles_key` (`realm_access.roles`) as a path, except a claim name starting with `http`.
   */
  roles_key_is_nested?: boolean;
  /**
   * The token must hold at least one of these roles, else 403.
   */
  roles?: string[];
  /**
   * The claim holding the scopes; a dotted name is a path. Required with `scopes`.
   */
  scopes_key?: string;
  /**
   * Scopes required, else 403: any of them, or all with `scopes_matcher: all`.
   */
  scopes?: string[];
  /**
   * `any` (default) or `all` of `scopes`.
   */
  scopes_matcher?: "any" | "all";
  /**
   * The header the token is read from (default `Authorization`); a `Bearer ` prefix is taken off.
   */
  auth_header_name?: string;
  /**
   * A cookie read for the token when the header is absent. Unlike KrakenD, no cookie is read unless this is set.
   */
  cookie_key?: string;
  /**
   * Keep the fetched keys (`cache_duration`). With `false`, amqp-gen still keeps them 60 s rather than fetching on every request.
   */
  cache?: boolean;
  /**
   * How long fetched keys are kept, in seconds (default 900).
   */
  cache_duration?: number;
  /**
   * The least time between two fetches of the key set for an unknown key, or after a failed fetch (default 30s, minimum 1s).
   */
  failed_jwk_key_cooldown?: GoDuration;
  /**
   * `[claim, header]` pairs: each claim is written into the message as that header, replacing any the client sent. The header must be in `input_headers`.
   */
  propagate_claims?: string[][];
  /**
   * An array claim as one header value per element instead of one value joined with commas.
   */
  propagate_claims_preserve_array?: boolean;
  /**
   * How keys are found: only `kid` is carried out.
   */
  key_identify_strategy?: string;
  [k: string]: unknown | undefined;
}
/**
 * KrakenD's endpoint rate limits (`qos/ratelimit/router`), enforced by the generated route after the JWT check: token buckets for the endpoint (503 when empty) and for each client (429), starting full, with `Retry-After`. Per process, as KrakenD's are per node.
 */
export interface RateLimit {
  /**
   * Requests per `every` the whole endpoint accepts.
   */
  max_rate?: number;
  /**
   * The endpoint bucket's size (the burst). Default: the rate per second, at least 1.
   */
  capacity?: number;
  /**
   * Requests per `every` each client may send.
   */
  client_max_rate?: number;
  /**
   * Each client bucket's size. Default: the client rate per second; 1 when `max_rate` is not set (KrakenD's rule, warning AG244).
   */
  client_capacity?: number;
  /**
   * How clients are told apart: `ip` (the socket's peer, or `X-Forwarded-For` through trusted proxies), `header` or `param` (with `key`).
   */
  strategy?: string;
  /**
   * The header (`header`) or the path param as written in the endpoint (`param`) that names the client.
   */
  key?: string;
  /**
   * The period the rates are counted over (default 1s; below 1s it is 1s).
   */
  every?: GoDuration;
  [k: string]: unknown | undefined;
}
