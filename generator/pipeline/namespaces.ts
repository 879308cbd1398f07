/**
 * What the generated service does with each KrakenD `extra_config` namespace: the one table the
 * analyser reads (rule "every namespace has a decision") and the README's "Namespaces" section
 * is generated from (`npm run gen:readme`).
 *
 * KrakenD runs these components around a producer before the backend is called. A service that
 * replaces the endpoint must carry each one over, or say plainly that it does not:
 * - enforced: the generated code does it, with KrakenD's answers;
 * - refused: a security control the generated code does not enforce. An error, unless the config
 *   acknowledges, in the same `extra_config`, that something in front of the service enforces it
 *   (`"@amqp-gen": { "enforced_upstream": [namespace] }`): then a warning;
 * - noted: no effect on the generated service (an info), or an effect KrakenD has and the
 *   generated service does not (a warning), each with the reason;
 * - producer: the AMQP namespaces, which the analyser's own rules read.
 * Keys starting with `@`, `$`, `_` or `#` are comments, as in KrakenD. Any other key is unknown:
 * a warning with the closest known namespace.
 *
 * The namespaces are KrakenD's schema v2.13's (31 endpoint, 34 service, 41 backend keys), plus the
 * long spellings KrakenD 2 still accepts for some of them and the KrakenD 1 keys it ignores.
 */
import { closest } from "./text.js";

export type NamespaceLevel = "service" | "endpoint" | "backend";

export type NamespaceDecision =
  /** `how`: what the generated code does, for the README. */
  | { readonly kind: "enforced"; readonly how: string }
  /** `what`: what KrakenD enforces with it, as a message names it ("JWT validation"). */
  | { readonly kind: "refused"; readonly what: string }
  /** `why`: why it changes nothing here, or what the service does not do that KrakenD does. */
  | { readonly kind: "noted"; readonly severity: "info" | "warning"; readonly why: string }
  | { readonly kind: "producer" };

export interface NamespaceEntry {
  readonly namespace: string;
  readonly levels: readonly NamespaceLevel[];
  readonly decision: NamespaceDecision;
  /** Other spellings KrakenD reads as this namespace. */
  readonly aliases?: readonly string[];
}

/** The `extra_config` key of amqp-gen's own settings at each level (a comment key for KrakenD). */
export const AMQP_GEN_KEY = "@amqp-gen";
/** The field of that block that lists refused namespaces enforced in front of the service. */
export const ENFORCED_UPSTREAM = "enforced_upstream";

const enforced = (how: string): NamespaceDecision => ({ kind: "enforced", how });
const refused = (what: string): NamespaceDecision => ({ kind: "refused", what });
/** No effect on what the generated service accepts or answers. */
const info = (why: string): NamespaceDecision => ({ kind: "noted", severity: "info", why });
/** KrakenD would do something here that the generated service does not. */
const warning = (why: string): NamespaceDecision => ({ kind: "noted", severity: "warning", why });

const ALL: readonly NamespaceLevel[] = ["service", "endpoint", "backend"];
const TELEMETRY = info("KrakenD's own telemetry; the generated service has stats(), Prometheus and OpenTelemetry adapters of its own");
const DOCUMENTATION = info("documentation for KrakenD's export commands; it changes nothing a request meets");

export const NAMESPACES: readonly NamespaceEntry[] = [
  // The producer and its neighbours: the analyser's own rules read them.
  { namespace: "backend/amqp/producer", levels: ["backend"], decision: { kind: "producer" }, aliases: ["github.com/devopsfaith/krakend-amqp/produce"] },
  { namespace: "backend/amqp/consumer", levels: ["backend"], decision: { kind: "producer" }, aliases: ["github.com/devopsfaith/krakend-amqp/consume"] },

  // Enforced by the generated code.
  {
    namespace: "validation/json-schema",
    levels: ["endpoint"],
    decision: enforced("the body is validated before it is published: 400 with the first error, as KrakenD"),
    aliases: ["github.com/devopsfaith/krakend-jsonschema"],
  },

  {
    namespace: "auth/validator",
    levels: ["endpoint"],
    decision: enforced(
      "the token is checked before anything else of the request: 401 with `WWW-Authenticate: Bearer`, 403 for roles and scopes, claims propagated as message headers (see Security)",
    ),
    aliases: ["github.com/devopsfaith/krakend-jose/validator"],
  },

  {
    namespace: "security/bot-detector",
    levels: ["service", "endpoint"],
    decision: enforced(
      "User-Agents checked against allow, deny and patterns (Go regular expressions translated at generation): 403, empty body, before anything else of the request",
    ),
    aliases: ["github_com/devopsfaith/krakend-botdetector"],
  },

  {
    namespace: "security/http",
    levels: ["service"],
    decision: enforced(
      "on every request: a Host not allowed is 400, plain HTTP is redirected to HTTPS (301) when asked, and the security headers are sent; proxy headers believed only from trusted proxies",
    ),
    aliases: ["github_com/devopsfaith/krakend-httpsecure"],
  },

  // Security controls the generated code does not enforce: refused unless acknowledged.

  {
    namespace: "qos/ratelimit/router",
    levels: ["endpoint"],
    decision: enforced(
      "token buckets for the endpoint (503) and per client (429), with Retry-After; the client's address is the socket's peer, or X-Forwarded-For through trusted proxies only (see Security)",
    ),
  },

  {
    namespace: "security/cors",
    levels: ["service"],
    decision: enforced(
      "preflights answered before routing (204, or options_success_status), Access-Control headers only on allowed origins' answers, Vary: Origin; credentials with any origin is an error",
    ),
    aliases: ["github_com/devopsfaith/krakend-cors"],
  },

  { namespace: "security/cors", levels: ["endpoint"], decision: refused("an endpoint's own CORS, KrakenD Enterprise") },
  { namespace: "security/http", levels: ["endpoint"], decision: refused("an endpoint's own host checks and security headers, KrakenD Enterprise") },
  {
    namespace: "validation/cel",
    levels: ["endpoint", "backend"],
    decision: refused("CEL expressions that may reject the request"),
    aliases: ["github.com/devopsfaith/krakend-cel"],
  },
  {
    namespace: "modifier/lua-endpoint",
    levels: ["service", "endpoint"],
    decision: refused("Lua scripts that may reject or change the request"),
    aliases: ["github.com/devopsfaith/krakend-lua/router"],
  },
  {
    namespace: "modifier/lua-proxy",
    levels: ["endpoint"],
    decision: refused("Lua scripts that may reject or change the request"),
    aliases: ["github.com/devopsfaith/krakend-lua/proxy"],
  },
  {
    namespace: "modifier/lua-backend",
    levels: ["backend"],
    decision: refused("Lua scripts that may reject or change the request"),
    aliases: ["github.com/devopsfaith/krakend-lua/proxy/backend"],
  },
  { namespace: "plugin/http-server", levels: ["service"], decision: refused("Go plugins that may reject or change the request") },
  { namespace: "plugin/middleware", levels: ["endpoint", "backend"], decision: refused("Go middleware plugins, KrakenD Enterprise") },
  { namespace: "plugin/req-resp-modifier", levels: ["endpoint", "backend"], decision: refused("Go plugins that may reject or change the request") },
  { namespace: "auth/revoker", levels: ["service"], decision: refused("JWT revocation"), aliases: ["github.com/devopsfaith/bloomfilter"] },
  { namespace: "auth/api-keys", levels: ["service", "endpoint"], decision: refused("API-key authentication, KrakenD Enterprise") },
  { namespace: "auth/basic", levels: ["service", "endpoint"], decision: refused("basic authentication, KrakenD Enterprise") },
  { namespace: "security/policies", levels: ["endpoint", "backend"], decision: refused("security policies, KrakenD Enterprise") },
  { namespace: "governance/quota", levels: ALL, decision: refused("quotas, KrakenD Enterprise") },
  { namespace: "governance/processors", levels: ["service"], decision: refused("quota processors, KrakenD Enterprise") },
  { namespace: "qos/ratelimit/tiered", levels: ["service", "endpoint"], decision: refused("rate limits by tier, KrakenD Enterprise") },
  { namespace: "qos/ratelimit/router/redis", levels: ["endpoint"], decision: refused("rate limits kept in Redis, KrakenD Enterprise") },
  { namespace: "qos/ratelimit/service", levels: ["service"], decision: refused("service-wide rate limits, KrakenD Enterprise") },
  { namespace: "qos/ratelimit/service/redis", levels: ["service"], decision: refused("service-wide rate limits kept in Redis, KrakenD Enterprise") },
  {
    namespace: "modifier/request-body-extractor",
    levels: ["service", "endpoint"],
    decision: refused("body fields promoted to headers that later checks read, KrakenD Enterprise"),
  },
  {
    namespace: "modifier/request-body-extractor/early",
    levels: ["endpoint"],
    decision: refused("body fields promoted to headers before authentication, KrakenD Enterprise"),
  },
  {
    namespace: "modifier/request-body-generator",
    levels: ["endpoint", "backend"],
    decision: refused("a request body rewritten from a template, KrakenD Enterprise"),
  },
  { namespace: "modifier/body-generator", levels: ["backend"], decision: refused("a request body rewritten from a template, KrakenD Enterprise") },

  // No effect on the generated service, or an effect it does not have: noted.
  {
    namespace: "router",
    levels: ["service"],
    decision: info(
      "settings of KrakenD's HTTP router (paths, logging, error bodies), where the generated handlers answer as KrakenD's defaults do; its trusted_proxies excepted, which the generated service reads",
    ),
    aliases: ["github_com/luraproject/lura/router/gin", "github_com/devopsfaith/krakend/router/gin"],
  },
  {
    namespace: "proxy",
    levels: ["endpoint", "backend"],
    decision: warning(
      "static responses, flatmap filters, combiners and shadow backends shape or copy KrakenD's response; the generated handler answers with the publish's outcome",
    ),
    aliases: ["github.com/devopsfaith/krakend/proxy"],
  },
  {
    namespace: "modifier/martian",
    levels: ["backend"],
    decision: info("KrakenD's AMQP backend does not run martian modifiers either: they change HTTP requests to HTTP backends"),
    aliases: ["github.com/devopsfaith/krakend-martian"],
  },
  {
    namespace: "qos/circuit-breaker",
    levels: ["backend"],
    decision: info("the publisher fails fast on its own: 503 at once while the broker is unreachable, and it reconnects in the background"),
    aliases: ["github.com/devopsfaith/krakend-circuitbreaker/gobreaker"],
  },
  { namespace: "qos/circuit-breaker/http", levels: ["backend"], decision: info("a circuit breaker on HTTP status codes; a publish has none") },
  {
    namespace: "qos/ratelimit/proxy",
    levels: ["backend"],
    decision: warning(
      "KrakenD would limit how often it calls the backend, failing the requests over the limit; the generated service publishes every accepted request",
    ),
    aliases: ["github.com/devopsfaith/krakend-ratelimit/juju/proxy"],
  },
  {
    namespace: "github.com/devopsfaith/krakend-ratelimit/juju/router",
    levels: ["endpoint"],
    decision: warning(
      'a KrakenD 1 key that KrakenD 2 ignores: this endpoint has no rate limit behind KrakenD 2 either (the current one is "qos/ratelimit/router")',
    ),
  },
  {
    namespace: "qos/http-cache",
    levels: ["backend"],
    decision: info("a cache of HTTP responses; a publish is never cached"),
    aliases: ["github.com/devopsfaith/krakend-httpcache"],
  },
  {
    namespace: "modifier/jmespath",
    levels: ["endpoint", "backend"],
    decision: warning("it reshapes the response; the generated handler answers with the publish's outcome"),
  },
  {
    namespace: "modifier/response-body",
    levels: ["endpoint", "backend"],
    decision: warning("it rewrites the response; the generated handler answers with the publish's outcome"),
  },
  {
    namespace: "modifier/response-body-generator",
    levels: ["endpoint", "backend"],
    decision: warning("it rewrites the response; the generated handler answers with the publish's outcome"),
  },
  {
    namespace: "modifier/response-headers",
    levels: ["service"],
    decision: warning("it changes the response's headers; the generated handlers send their own"),
  },
  {
    namespace: "validation/response-json-schema",
    levels: ["endpoint", "backend"],
    decision: info("it validates a backend's response; a publish has none to validate"),
  },
  {
    namespace: "auth/validator",
    levels: ["service"],
    decision: info("it holds only the JWKS cache shared by the endpoints' validators (shared_cache_duration)"),
  },
  {
    namespace: "auth/signer",
    levels: ["endpoint"],
    decision: warning("it signs tokens in the response; the generated handler answers with the publish's outcome, unsigned"),
  },
  {
    namespace: "auth/client-credentials",
    levels: ["backend"],
    decision: info("it authenticates KrakenD to an HTTP backend; the broker connection has its own credentials"),
  },
  { namespace: "auth/aws-sigv4", levels: ["backend"], decision: info("it signs requests to an AWS backend; a publish goes to the broker") },
  { namespace: "auth/gcp", levels: ["backend"], decision: info("it authenticates KrakenD to a Google Cloud backend; a publish goes to the broker") },
  { namespace: "auth/ntlm", levels: ["backend"], decision: info("it authenticates KrakenD to an HTTP backend; a publish goes to the broker") },
  {
    namespace: "plugin/http-client",
    levels: ["backend"],
    decision: warning("a Go plugin that replaces the HTTP client; the generated code publishes with amqplib"),
  },
  {
    namespace: "ai/mcp",
    levels: ["service", "endpoint"],
    decision: warning("an MCP server entrypoint (KrakenD Enterprise); the generated service serves plain HTTP"),
  },
  { namespace: "ai/llm", levels: ["backend"], decision: warning("an LLM backend (KrakenD Enterprise); the generated code publishes to the broker") },
  { namespace: "websocket", levels: ["endpoint"], decision: warning("websockets (KrakenD Enterprise); the generated service serves plain HTTP requests") },
  { namespace: "grpc", levels: ["service"], decision: info("the gRPC catalog for gRPC backends; a publish goes to the broker") },
  { namespace: "redis", levels: ["service"], decision: info("connection pools for the Redis-backed components (each of which is refused on its own)") },
  { namespace: "server/static-filesystem", levels: ["service"], decision: warning("files served by KrakenD; the generated service serves only its routes") },
  { namespace: "server/virtualhost", levels: ["service"], decision: warning("virtual hosts; the generated routes answer whatever the Host header") },
  {
    namespace: "workflow",
    levels: ["backend"],
    decision: warning("a nested endpoint run by the backend (KrakenD Enterprise); the generated code publishes once"),
  },
  ...[
    "backend/conditional",
    "backend/graphql",
    "backend/grpc",
    "backend/http",
    "backend/http/client",
    "backend/lambda",
    "backend/soap",
    "backend/static-filesystem",
  ].map(
    (namespace): NamespaceEntry => ({
      namespace,
      levels: ["backend"],
      decision: warning("settings of another kind of backend; this backend is the AMQP producer, and the generated code only publishes"),
    }),
  ),
  ...["backend/pubsub/publisher", "backend/pubsub/subscriber", "backend/pubsub/publisher/kafka", "backend/pubsub/subscriber/kafka"].map(
    (namespace): NamespaceEntry => ({
      namespace,
      levels: ["backend"],
      decision: warning("settings of another kind of backend; this backend is the AMQP producer, and the generated code only publishes"),
    }),
  ),
  { namespace: "documentation/openapi", levels: ["service", "endpoint"], decision: DOCUMENTATION },
  { namespace: "documentation/postman", levels: ["service", "endpoint"], decision: DOCUMENTATION },
  {
    namespace: "telemetry/logging",
    levels: ["service", "backend"],
    decision: TELEMETRY,
    aliases: ["github_com/devopsfaith/krakend-gologging"],
  },
  { namespace: "telemetry/metrics", levels: ["service"], decision: TELEMETRY, aliases: ["github_com/devopsfaith/krakend-metrics"] },
  { namespace: "telemetry/opentelemetry", levels: ALL, decision: TELEMETRY },
  { namespace: "telemetry/opentelemetry-security", levels: ["service"], decision: TELEMETRY },
  { namespace: "telemetry/opencensus", levels: ["service"], decision: TELEMETRY, aliases: ["github_com/devopsfaith/krakend-opencensus"] },
  ...["telemetry/gelf", "telemetry/influx", "telemetry/logstash", "telemetry/moesif", "telemetry/newrelic"].map(
    (namespace): NamespaceEntry => ({ namespace, levels: ["service"], decision: TELEMETRY }),
  ),
];

/** What a key of an `extra_config` at a level is. */
export type NamespaceVerdict =
  | { readonly kind: "comment" }
  /** `namespace`: the current spelling of the key (the key itself unless it is an alias). */
  | { readonly kind: "known"; readonly namespace: string; readonly entry: NamespaceEntry }
  /** A known namespace of other levels only: KrakenD ignores it here. */
  | { readonly kind: "misplaced"; readonly namespace: string; readonly levels: readonly NamespaceLevel[] }
  | { readonly kind: "unknown"; readonly suggestion: string | undefined };

/** Comment keys, which KrakenD skips (its schema's `^[@$_#]`). */
export const isCommentKey = (key: string): boolean => /^[@$_#]/.test(key);

const byName = new Map<string, NamespaceEntry[]>();
for (const entry of NAMESPACES) {
  for (const name of [entry.namespace, ...(entry.aliases ?? [])]) byName.set(name, [...(byName.get(name) ?? []), entry]);
}
const KNOWN_NAMES = [...byName.keys()];

/** A namespace's spellings, the current one first: what the analyser looks its block up by. */
export function spellingsOf(namespace: string): readonly [string, ...string[]] {
  const entry = NAMESPACES.find((e) => e.namespace === namespace);
  if (!entry) throw new Error(`${namespace} is not in the namespace table`);
  return [entry.namespace, ...(entry.aliases ?? [])];
}

export function classifyNamespace(key: string, level: NamespaceLevel): NamespaceVerdict {
  if (isCommentKey(key)) return { kind: "comment" };
  const entries = byName.get(key);
  if (!entries) return { kind: "unknown", suggestion: closest(key, KNOWN_NAMES) };
  const entry = entries.find((e) => e.levels.includes(level));
  const namespace = (entry ?? (entries[0] as NamespaceEntry)).namespace;
  if (entry) return { kind: "known", namespace, entry };
  return { kind: "misplaced", namespace, levels: [...new Set(entries.flatMap((e) => e.levels))] };
}
