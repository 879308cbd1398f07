/**
 * Phase 3: analyse. A schema-valid krakend.json in, the IR and diagnostics out.
 *
 * Every check is a named rule in one of the tables below, run in this order (`ANALYSER_RULES`
 * lists them): each backend that carries a producer block, each endpoint with a producer, each
 * producer route, each new route against the routes before it, then the whole program. Rules
 * only read and report; what the IR holds is derived by plain functions beside them. A table
 * that reports an error drops what it checked (a backend, an endpoint, a route), so the IR is
 * built only from what passed, and complete: brokers are numbered before the routes are made.
 *
 * The rules are the spec's: A3 (capitalisation), A4 (routing key and message properties), B2
 * (what is declared), B5 (KrakenD's traps, caught at generation time). Every `extra_config` the
 * generated service replaces (the service's, each producer endpoint's, each producer backend's)
 * goes through the namespace rules: namespaces.ts has the decision for each namespace.
 */
import { Diagnostics, type BadPath, type Finding } from "../diagnostics/catalogue.js";
import { diagnosticAt, joinPointer, type Diagnostic } from "../diagnostics/diagnostics.js";
import type {
  BackoffStrategy,
  BrokerIR,
  DeclareArguments,
  ExchangeType,
  HttpMethod,
  OutputEncoding,
  ParamIR,
  ParamRef,
  ProgramIR,
  RouteIR,
  RoutingKeyIR,
  Segment,
} from "./ir.js";
import type { SourceMap } from "./load.js";
import type { Prefer, Report, Rule } from "./rules.js";
import { JWT_NAMESPACES, JWT_RULES, jwtSettings, type JwtBlock } from "./jwt.js";
import { ROUTER_RULES } from "./router.js";
import { CORS_NAMESPACES, CORS_RULES, corsSettings, type CorsBlock } from "./cors.js";
import { HTTP_SECURITY_NAMESPACES, HTTP_SECURITY_RULES, httpSecuritySettings, type HttpSecurityBlock } from "./httpsecure.js";
import { BOT_DETECTOR_NAMESPACES, BOT_DETECTOR_RULES, botDetectorSettings, type BotDetectorBlock } from "./botdetector.js";
import { RATE_LIMIT_NAMESPACE, RATE_LIMIT_RULES, rateLimitSettings, type RateLimitBlock } from "./ratelimit.js";
import { AMQP_GEN_KEY, ENFORCED_UPSTREAM, classifyNamespace, type NamespaceLevel, spellingsOf } from "./namespaces.js";
import { HOP_BY_HOP_HEADERS } from "../../templates/runtime/checks.js";
import { DEFAULT_PROBES } from "../../templates/runtime/answers.js";
import { canonicalHeader, closest, krakendParamKey, parseGoDuration } from "./text.js";
import type { AmqpProducerConfig, KrakendBackend, KrakendConfig, KrakendEndpoint } from "../generated/producer-config.js";

export const PRODUCER_NAMESPACE = "backend/amqp/producer";
export const LEGACY_PRODUCER_NAMESPACE = "github.com/devopsfaith/krakend-amqp/produce";
type AmqpGenSettings = NonNullable<AmqpProducerConfig[typeof AMQP_GEN_KEY]>;
export const CONSUMER_NAMESPACES = spellingsOf("backend/amqp/consumer");
export const VALIDATION_NAMESPACE = "validation/json-schema";

/** The schema has already checked the types of everything the analyser reads. */
type Config = KrakendConfig;
type Endpoint = KrakendEndpoint;
type Backend = KrakendBackend;

const DEFAULT_TIMEOUT = "2s";
/** The longest delay a Node timer can wait; longer ones fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const PARAM_NAME = /^[a-zA-Z0-9_-]+$/;
/** Fields of the consumer that the producer schema accepts and the producer ignores. */
const CONSUMER_FIELDS = ["prefetch_count", "prefetch_size", "no_local"] as const;
/** The `*_key` fields that copy a path param into a message property. */
const PROPERTY_KEY_FIELDS = ["exp_key", "reply_to_key", "msg_id_key", "priority_key"] as const;
/** Encodings the generated handlers answer with; any other is answered as `json`. */
const OUTPUT_ENCODINGS: readonly string[] = ["json", "json-collection", "no-op", "string"] satisfies OutputEncoding[];
/** Headers that describe one HTTP connection (RFC 9110 §7.6.1): the runtime never forwards them. */
/** Headers the runtime never forwards, canonical: hop-by-hop ones, and Host. */
const NOT_FORWARDED = new Set([...HOP_BY_HOP_HEADERS, "Host"]);
const CREDENTIAL_HEADERS = ["Authorization", "Cookie", "Proxy-Authorization"];

class Reporter {
  readonly list: Diagnostic[] = [];
  errors = 0;
  constructor(
    private readonly file: string,
    private readonly source: SourceMap,
  ) {}
  add(pointer: string, finding: Finding, prefer: Prefer = "value"): void {
    this.list.push(diagnosticAt(finding, this.file, this.source.locate(pointer, prefer), pointer));
    if (finding.severity === "error") this.errors++;
  }
}

/** Runs a table of rules in order; true when none of them reported an error. */
function passes<Context>(rules: readonly Rule<Context>[], ctx: Context, reporter: Reporter): boolean {
  const before = reporter.errors;
  for (const rule of rules) {
    rule.check(ctx, (pointer, finding, prefer) => {
      // Keeps each rule's `codes` true, so that the listing says who reports what.
      if (!rule.codes.includes(finding.code)) throw new Error(`analyser rule "${rule.name}" reported ${finding.code}, which it does not declare`);
      reporter.add(pointer, finding, prefer);
    });
    if (rule.gate && reporter.errors > before) break;
  }
  return reporter.errors === before;
}

// ---------------------------------------------------------------------------------------------
// Backends: each backend whose extra_config holds a producer namespace.

interface BackendContext {
  readonly pointer: string;
  readonly extra: Readonly<Record<string, unknown>>;
  /** The producer namespaces it holds: the current one, the legacy alias, or both. */
  readonly namespaces: readonly string[];
}

const BACKEND_RULES: readonly Rule<BackendContext>[] = [
  {
    name: "a backend holds the producer namespace or its legacy alias, not both",
    codes: ["AG218"],
    gate: true,
    check({ pointer, namespaces }, report) {
      if (namespaces.length > 1)
        report(joinPointer(pointer, "extra_config", LEGACY_PRODUCER_NAMESPACE), Diagnostics.AG218({ current: PRODUCER_NAMESPACE }), "key");
    },
  },
  {
    name: "a producer backend is not also a consumer",
    codes: ["AG205"],
    check({ pointer, extra, namespaces }, report) {
      const consumer = CONSUMER_NAMESPACES.find((ns) => Object.hasOwn(extra, ns));
      if (consumer) report(joinPointer(pointer, "extra_config", namespaces[0] ?? PRODUCER_NAMESPACE), Diagnostics.AG205({ consumer }), "key");
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Namespaces: every key of an extra_config that the generated service stands in for.

interface NamespaceContext {
  readonly level: NamespaceLevel;
  /** Pointer to the extra_config. */
  readonly pointer: string;
  readonly extra: Readonly<Record<string, unknown>>;
}

/** The namespaces listed in this extra_config's `@amqp-gen.enforced_upstream` (the schema checked its shape). */
function enforcedUpstream(extra: Readonly<Record<string, unknown>>): readonly string[] {
  const settings = extra[AMQP_GEN_KEY] as { [ENFORCED_UPSTREAM]?: readonly string[] } | undefined;
  return settings?.[ENFORCED_UPSTREAM] ?? [];
}

/** The current spelling of a namespace key, or the key itself when it is not a known namespace. */
function namespaceOf(key: string, level: NamespaceLevel): string {
  const verdict = classifyNamespace(key, level);
  return verdict.kind === "known" || verdict.kind === "misplaced" ? verdict.namespace : key;
}

const NAMESPACE_RULES: readonly Rule<NamespaceContext>[] = [
  {
    name: "every namespace is enforced, refused unless acknowledged, or noted (namespaces.ts)",
    codes: ["AG234", "AG235", "AG236", "AG237", "AG238"],
    check({ level, pointer, extra }, report) {
      const upstream = enforcedUpstream(extra).map((name) => namespaceOf(name, level));
      for (const key of Object.keys(extra)) {
        const at = joinPointer(pointer, key);
        const verdict = classifyNamespace(key, level);
        if (verdict.kind === "unknown") report(at, Diagnostics.AG238({ key, level, levels: [], suggestion: verdict.suggestion }), "key");
        if (verdict.kind === "misplaced") report(at, Diagnostics.AG238({ key, level, levels: verdict.levels, suggestion: undefined }), "key");
        if (verdict.kind !== "known") continue;
        const { decision } = verdict.entry;
        if (decision.kind === "refused") {
          const acknowledged = upstream.includes(verdict.namespace);
          report(at, acknowledged ? Diagnostics.AG235({ key, what: decision.what }) : Diagnostics.AG234({ key, what: decision.what }), "key");
        } else if (decision.kind === "noted") {
          report(at, decision.severity === "info" ? Diagnostics.AG236({ key, why: decision.why }) : Diagnostics.AG237({ key, why: decision.why }), "key");
        }
      }
    },
  },
  {
    name: '"enforced_upstream" acknowledges refused namespaces of its own extra_config',
    codes: ["AG239"],
    check({ level, pointer, extra }, report) {
      const present = new Set(Object.keys(extra).map((key) => namespaceOf(key, level)));
      enforcedUpstream(extra).forEach((name, index) => {
        const at = joinPointer(pointer, AMQP_GEN_KEY, ENFORCED_UPSTREAM, index);
        const namespace = namespaceOf(name, level);
        const verdict = classifyNamespace(name, level);
        if (!present.has(namespace)) report(at, Diagnostics.AG239({ namespace: name, problem: "absent" }));
        else if (verdict.kind === "known" && verdict.entry.decision.kind !== "refused")
          report(at, Diagnostics.AG239({ namespace: name, problem: verdict.entry.decision.kind === "noted" ? "noted" : "enforced" }));
      });
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Endpoints: each endpoint with at least one producer backend that passed.

interface ProducerBlock {
  readonly backend: Backend;
  /** Index of the backend in the endpoint. */
  readonly index: number;
  readonly namespace: string;
  readonly block: AmqpProducerConfig;
}

interface EndpointContext {
  readonly endpoint: Endpoint;
  readonly pointer: string;
  readonly producers: readonly ProducerBlock[];
}

const ENDPOINT_RULES: readonly Rule<EndpointContext>[] = [
  {
    name: "one producer per endpoint",
    codes: ["AG215"],
    gate: true,
    check({ endpoint, pointer, producers }, report) {
      const second = producers[1];
      if (second) report(joinPointer(pointer, "backend", second.index), Diagnostics.AG215({ endpoint: endpoint.endpoint, producers: producers.length }));
    },
  },
  {
    name: "the producer is its endpoint's only backend",
    codes: ["AG223"],
    check({ endpoint, pointer }, report) {
      const others = (endpoint.backend ?? []).length - 1;
      if (others > 0) report(joinPointer(pointer, "backend"), Diagnostics.AG223({ endpoint: endpoint.endpoint, others }), "key");
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Routes: one producer block, with what the analyser derived from it and from its endpoint.

interface ParsedPath {
  readonly segments: readonly Segment[];
  readonly params: readonly ParamIR[];
  /** What is wrong with it, in segment order: the path is usable only when there is nothing. */
  readonly problems: readonly BadPath[];
}

interface RouteContext {
  readonly endpoint: Endpoint;
  readonly producer: ProducerBlock;
  /** The producer block, as a shorthand for `producer.block`. */
  readonly block: AmqpProducerConfig;
  /** Its `@amqp-gen` block, empty when there is none. */
  readonly settings: AmqpGenSettings;
  readonly pointers: { readonly endpoint: string; readonly backend: string; readonly block: string };
  readonly method: HttpMethod;
  readonly path: ParsedPath;
  /** The backend's hosts, or the root's when the backend has none; null where a host is not an AMQP URL. */
  readonly hosts: { readonly pointer: string; readonly urls: readonly (string | null)[] };
  /** The endpoint's timeout, or the root's, or the default. `ms` is undefined when it is not a Go duration. */
  readonly timeout: { readonly pointer: string; readonly text: string; readonly ms: number | undefined };
  /** `@amqp-gen.reply.timeout` when set (request-reply endpoints), parsed as the endpoint's is. */
  readonly replyTimeout: { readonly pointer: string; readonly text: string; readonly ms: number | undefined } | null;
  readonly outputEncoding: { readonly pointer: string; readonly text: string };
  readonly inputHeaders: { readonly pointer: string; readonly list: readonly string[] | undefined };
  /** The endpoint's `auth/validator` (or its long spelling), with its pointer; null when there is none. */
  readonly jwt: { readonly pointer: string; readonly block: JwtBlock } | null;
  /** The endpoint's `qos/ratelimit/router`, with its pointer; null when there is none. */
  readonly rateLimit: { readonly pointer: string; readonly block: RateLimitBlock } | null;
  /** The endpoint's `security/bot-detector`, with its pointer; null when there is none. */
  readonly botDetector: { readonly pointer: string; readonly block: BotDetectorBlock } | null;
  /** The service's `security/bot-detector`, when it has one and it passed its rules. */
  readonly serviceBotDetector: BotDetectorBlock | null;
}

/** Pointer to a field of the producer block. */
const blockField = (ctx: RouteContext, field: string) => joinPointer(ctx.pointers.block, field);
/** Pointer to a field of the producer's `@amqp-gen` block. */
const settingsField = (ctx: RouteContext, field: string) => joinPointer(ctx.pointers.block, AMQP_GEN_KEY, field);
/** Pointer to a field of the endpoint. */
const endpointField = (ctx: RouteContext, field: string) => joinPointer(ctx.pointers.endpoint, field);

/** The path param a KrakenD key names (`Route` for `{route}`), if any. */
function paramNamed(ctx: RouteContext, key: string): ParamIR | undefined {
  return ctx.path.params.find((p) => p.key === key);
}

/** A `*_key` field set to a key that names no param: AG201, with the closest param as the fix. */
function reportMissingParam(ctx: RouteContext, report: Report, field: string, key: string): void {
  const keys = ctx.path.params.map((p) => p.key);
  report(blockField(ctx, field), Diagnostics.AG201({ field, key, endpoint: ctx.endpoint.endpoint, keys, suggestion: closest(key, keys) }));
}

const ROUTE_RULES: readonly Rule<RouteContext>[] = [
  {
    name: "the legacy namespace still works, but fails KrakenD's schema",
    codes: ["AG213"],
    check(ctx, report) {
      if (ctx.producer.namespace === LEGACY_PRODUCER_NAMESPACE) report(ctx.pointers.block, Diagnostics.AG213({ current: PRODUCER_NAMESPACE }), "key");
    },
  },
  {
    name: "consumer settings are ignored by the producer",
    codes: ["AG214"],
    check(ctx, report) {
      for (const field of CONSUMER_FIELDS) if (ctx.block[field] !== undefined) report(blockField(ctx, field), Diagnostics.AG214({ field }), "key");
    },
  },
  {
    name: "each path param is a whole segment with a name of its own",
    codes: ["AG210"],
    gate: true,
    check(ctx, report) {
      for (const problem of ctx.path.problems) report(endpointField(ctx, "endpoint"), Diagnostics.AG210(problem));
    },
  },
  {
    name: "a routing key that is not static names a param (A4)",
    codes: ["AG201", "AG202"],
    check(ctx, report) {
      const key = ctx.block.routing_key;
      if (ctx.block.static_routing_key === true || key === "" || paramNamed(ctx, key)) return;
      // A name that can only be a param is an error; anything else is KrakenD's empty-key trap.
      if (PARAM_NAME.test(key) && (ctx.path.params.length > 0 || /^[A-Z]/.test(key))) reportMissingParam(ctx, report, "routing_key", key);
      else report(blockField(ctx, "routing_key"), Diagnostics.AG202({ key }));
    },
  },
  {
    name: "message property keys name a param (A4)",
    codes: ["AG201"],
    check(ctx, report) {
      for (const field of PROPERTY_KEY_FIELDS) {
        const key = ctx.block[field];
        if (key !== undefined && key !== "" && !paramNamed(ctx, key)) reportMissingParam(ctx, report, field, key);
      }
    },
  },
  {
    name: '"immediate" is never sent',
    codes: ["AG203"],
    check(ctx, report) {
      if (ctx.block.immediate === true) report(blockField(ctx, "immediate"), Diagnostics.AG203(), "key");
    },
  },
  {
    name: '"exclusive" is never applied',
    codes: ["AG204"],
    check(ctx, report) {
      if (ctx.block.exclusive === true) report(blockField(ctx, "exclusive"), Diagnostics.AG204(), "key");
    },
  },
  {
    name: '"no_wait" is ignored: declarations are awaited',
    codes: ["AG219"],
    check(ctx, report) {
      if (ctx.block.no_wait === true) report(blockField(ctx, "no_wait"), Diagnostics.AG219(), "key");
    },
  },
  {
    name: '"concurrent_calls" publishes once',
    codes: ["AG206"],
    check(ctx, report) {
      const calls = ctx.endpoint.concurrent_calls ?? 1;
      if (calls > 1) report(endpointField(ctx, "concurrent_calls"), Diagnostics.AG206({ calls }), "key");
    },
  },
  {
    name: "the producer has a broker host",
    codes: ["AG207"],
    check(ctx, report) {
      if (ctx.hosts.urls.length === 0) report(ctx.pointers.backend, Diagnostics.AG207());
    },
  },
  {
    name: "every host is an amqp:// or amqps:// URL",
    codes: ["AG211"],
    check(ctx, report) {
      ctx.hosts.urls.forEach((url, index) => {
        if (url === null) report(joinPointer(ctx.hosts.pointer, index), Diagnostics.AG211({ index }));
      });
    },
  },
  {
    name: "the backend disables KrakenD's host sanitizer",
    codes: ["AG212"],
    check(ctx, report) {
      if (ctx.hosts.urls.length > 0 && ctx.producer.backend.disable_host_sanitize !== true) report(ctx.pointers.backend, Diagnostics.AG212());
    },
  },
  {
    name: "the timeout is a positive duration a timer can wait",
    codes: ["AG221"],
    check({ timeout }, report) {
      if (timeout.ms === undefined || timeout.ms <= 0 || timeout.ms > MAX_TIMEOUT_MS) report(timeout.pointer, Diagnostics.AG221({ timeout: timeout.text }));
    },
  },
  {
    name: "a request-reply endpoint gets its reply through direct reply-to",
    codes: ["AG221", "AG232"],
    check(ctx, report) {
      if (!ctx.settings.reply) return;
      if (ctx.block.reply_to_key) report(blockField(ctx, "reply_to_key"), Diagnostics.AG232({ key: ctx.block.reply_to_key }), "key");
      const timeout = ctx.replyTimeout;
      if (timeout && (timeout.ms === undefined || timeout.ms <= 0 || timeout.ms > MAX_TIMEOUT_MS))
        report(timeout.pointer, Diagnostics.AG221({ timeout: timeout.text }));
    },
  },
  {
    name: "the output encoding is one amqp-gen answers with",
    codes: ["AG217"],
    check({ outputEncoding }, report) {
      if (!OUTPUT_ENCODINGS.includes(outputEncoding.text)) report(outputEncoding.pointer, Diagnostics.AG217({ encoding: outputEncoding.text }));
    },
  },
  {
    name: 'input_headers ["*"] copies credentials into every message',
    codes: ["AG226"],
    check({ inputHeaders }, report) {
      const star = inputHeaders.list?.indexOf("*") ?? -1;
      if (star !== -1) report(joinPointer(inputHeaders.pointer, star), Diagnostics.AG226({ credentials: CREDENTIAL_HEADERS }));
    },
  },
  {
    name: "hop-by-hop headers and Host are never forwarded",
    codes: ["AG227"],
    check({ inputHeaders }, report) {
      // With "*" every header is copied, and AG226 says so instead.
      if (inputHeaders.list === undefined || inputHeaders.list.includes("*")) return;
      inputHeaders.list.forEach((header, index) => {
        const name = canonicalHeader(header);
        if (NOT_FORWARDED.has(name)) report(joinPointer(inputHeaders.pointer, index), Diagnostics.AG227({ header, host: name === "Host" }));
      });
    },
  },
  {
    name: "a GET endpoint is not on a probe's default path",
    codes: ["AG228"],
    check(ctx, report) {
      if (ctx.method !== "GET") return;
      const probe = ctx.endpoint.endpoint === DEFAULT_PROBES.health ? "health" : ctx.endpoint.endpoint === DEFAULT_PROBES.ready ? "ready" : null;
      if (probe) report(endpointField(ctx, "endpoint"), Diagnostics.AG228({ path: ctx.endpoint.endpoint, probe }));
    },
  },
  {
    name: "declaration arguments have something to be declared with",
    codes: ["AG229"],
    check(ctx, report) {
      const { settings } = ctx;
      const pointer = (field: string) => settingsField(ctx, field);
      for (const which of ["exchange_arguments", "queue_arguments"] as const) {
        if (settings[which] === undefined) continue;
        if (settings.declare === false) report(pointer(which), Diagnostics.AG229({ queue: "not-declared", which }), "key");
        else if (which === "queue_arguments" && ctx.block.name === "") report(pointer(which), Diagnostics.AG229({ queue: "none", which }), "key");
      }
    },
  },
  {
    name: "a priority is set only where the queue has priorities",
    codes: ["AG230"],
    check(ctx, report) {
      const key = ctx.block.priority_key;
      const { settings } = ctx;
      // Only a queue amqp-gen declares is known; one declared elsewhere may be a priority queue.
      if (!key || !paramNamed(ctx, key) || ctx.block.name === "" || settings.declare === false) return;
      if (settings.queue_arguments?.["x-max-priority"] === undefined)
        report(blockField(ctx, "priority_key"), Diagnostics.AG230({ queue: ctx.block.name, key }));
    },
  },
  {
    name: "a direct exchange's queue is bound with a key every message has",
    codes: ["AG231"],
    check(ctx, report) {
      const { settings } = ctx;
      if (settings.exchange_type !== "direct" || settings.declare === false || ctx.block.name === "" || ctx.block.static_routing_key === true) return;
      if (paramNamed(ctx, ctx.block.routing_key)) {
        report(settingsField(ctx, "exchange_type"), Diagnostics.AG231({ exchange: ctx.block.exchange, queue: ctx.block.name, key: ctx.block.routing_key }));
      }
    },
  },
  {
    name: "the queue has a name",
    codes: ["AG220"],
    check(ctx, report) {
      if (ctx.block.name === "") report(blockField(ctx, "name"), Diagnostics.AG220());
    },
  },
];

/** The extra_config key a namespace is written with there (the current spelling or a long one), if any. */
function namespaceKey(extra: Readonly<Record<string, unknown>> | undefined, spellings: readonly string[]): string | undefined {
  return spellings.find((ns) => extra?.[ns] !== undefined);
}

function routeContext(
  root: Config,
  endpoint: Endpoint,
  endpointPointer: string,
  producer: ProducerBlock,
  serviceBotDetector: BotDetectorBlock | null,
): RouteContext {
  const backendPointer = joinPointer(endpointPointer, "backend", producer.index);
  // KrakenD falls back to the root `host` when the backend has none, or an empty list.
  const ownHosts = producer.backend.host !== undefined && producer.backend.host.length > 0;
  const hosts = (ownHosts ? producer.backend.host : root.host) ?? [];
  const timeout = endpoint.timeout ?? root.timeout ?? DEFAULT_TIMEOUT;
  const blockPointer = joinPointer(backendPointer, "extra_config", producer.namespace);
  const settings = producer.block[AMQP_GEN_KEY] ?? {};
  const replyTimeout = settings.reply?.timeout;
  const jwtKey = namespaceKey(endpoint.extra_config, JWT_NAMESPACES);
  const botKey = namespaceKey(endpoint.extra_config, BOT_DETECTOR_NAMESPACES);
  return {
    endpoint,
    producer,
    block: producer.block,
    settings,
    pointers: { endpoint: endpointPointer, backend: backendPointer, block: blockPointer },
    method: (endpoint.method ?? "GET").toUpperCase() as HttpMethod,
    path: parsePath(endpoint.endpoint),
    hosts: { pointer: ownHosts ? joinPointer(backendPointer, "host") : "/host", urls: hosts.map(stripCredentials) },
    timeout: { pointer: endpoint.timeout ? joinPointer(endpointPointer, "timeout") : "/timeout", text: timeout, ms: parseGoDuration(timeout) },
    replyTimeout:
      replyTimeout === undefined
        ? null
        : { pointer: joinPointer(blockPointer, AMQP_GEN_KEY, "reply", "timeout"), text: replyTimeout, ms: parseGoDuration(replyTimeout) },
    outputEncoding: {
      pointer: endpoint.output_encoding ? joinPointer(endpointPointer, "output_encoding") : "/output_encoding",
      text: endpoint.output_encoding ?? root.output_encoding ?? "json",
    },
    // KrakenD 1.x (config version 2) called them `headers_to_pass`.
    inputHeaders:
      endpoint.input_headers === undefined && root.version === 2 && endpoint.headers_to_pass !== undefined
        ? { pointer: joinPointer(endpointPointer, "headers_to_pass"), list: endpoint.headers_to_pass }
        : { pointer: joinPointer(endpointPointer, "input_headers"), list: endpoint.input_headers },
    jwt: jwtKey === undefined ? null : { pointer: joinPointer(endpointPointer, "extra_config", jwtKey), block: endpoint.extra_config?.[jwtKey] as JwtBlock },
    rateLimit:
      endpoint.extra_config?.[RATE_LIMIT_NAMESPACE] === undefined
        ? null
        : { pointer: joinPointer(endpointPointer, "extra_config", RATE_LIMIT_NAMESPACE), block: endpoint.extra_config[RATE_LIMIT_NAMESPACE] as RateLimitBlock },
    botDetector:
      botKey === undefined
        ? null
        : { pointer: joinPointer(endpointPointer, "extra_config", botKey), block: endpoint.extra_config?.[botKey] as BotDetectorBlock },
    serviceBotDetector,
  };
}

function parsePath(path: string): ParsedPath {
  const segments: Segment[] = [];
  const params: ParamIR[] = [];
  const problems: BadPath[] = [];
  path
    .split("/")
    .slice(1)
    .forEach((part, index) => {
      const param = /^\{(.*)\}$/.exec(part);
      if (param) {
        const name = param[1] ?? "";
        const key = krakendParamKey(name);
        const sameKey = params.find((p) => p.key === key);
        if (!PARAM_NAME.test(name)) problems.push({ problem: "invalid-name", segment: part });
        else if (params.some((p) => p.name === name)) problems.push({ problem: "repeated", name });
        else if (sameKey) problems.push({ problem: "same-key", first: sameKey.name, second: name, key });
        else params.push({ name, key, segment: index });
        segments.push({ kind: "param", name });
      } else if (/[{}*]/.test(part)) {
        problems.push({ problem: "partial", segment: part });
      } else {
        segments.push({ kind: "static", value: part });
      }
    });
  return { segments, params, problems };
}

/** A route before its broker is known: brokers are numbered once every route is in, sorted. */
type PendingRoute = Omit<RouteIR, "broker">;

/**
 * What the queue is bound with: the literal key with `static_routing_key`, every key (`#`) on a
 * topic exchange, nothing on fanout and headers exchanges (they ignore it). A direct exchange
 * matches keys exactly, so a key from a param has no binding that takes every message: null.
 */
function bindingKeyFor(type: ExchangeType, routingKey: RoutingKeyIR): string | null {
  if (type === "fanout" || type === "headers") return "";
  if (routingKey.kind === "static") return routingKey.value;
  return type === "topic" ? "#" : null;
}

/** Declaration arguments as the schema let them through, without the keys JSON set to nothing. */
function declareArguments(args: Readonly<Record<string, string | number | boolean | undefined>> | undefined): DeclareArguments {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(args ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (value !== undefined) out[name] = value;
  return out;
}

/** The route a producer block makes, once its rules passed. */
function pendingRoute(ctx: RouteContext): PendingRoute {
  const { block } = ctx;
  const ref = (key: string | undefined): ParamRef | null => {
    const param = key ? paramNamed(ctx, key) : undefined;
    return key && param ? { key, param } : null;
  };
  // Routing key (A4): a literal with static_routing_key, a param name otherwise; a name that
  // is no param publishes with the empty key, as in KrakenD.
  const keyRef = ref(block.routing_key);
  const routingKey: RoutingKeyIR =
    block.static_routing_key === true
      ? { kind: "static", value: block.routing_key }
      : keyRef
        ? { kind: "param", ref: keyRef }
        : { kind: "empty", literal: block.routing_key };
  const durable = block.durable === true;
  const maxRetries = block.max_retries ?? 0;
  const { settings } = ctx;
  const exchangeType: ExchangeType = settings.exchange_type ?? "topic";
  const validation = ctx.endpoint.extra_config?.[VALIDATION_NAMESPACE];
  return {
    method: ctx.method,
    path: ctx.endpoint.endpoint,
    segments: ctx.path.segments,
    params: ctx.path.params,
    pointer: ctx.pointers.block,
    namespace: ctx.producer.namespace,
    // Broker (A1, B7): the host list without credentials.
    connection: {
      urls: ctx.hosts.urls.filter((url) => url !== null),
      maxRetries: Math.max(maxRetries, 0),
      backoff: (block.backoff_strategy ?? "fallback") as BackoffStrategy,
    },
    declare: settings.declare !== false,
    exchange: {
      name: block.exchange,
      type: exchangeType,
      durable,
      autoDelete: block.delete === true,
      arguments: declareArguments(settings.exchange_arguments),
    },
    queue:
      block.name === ""
        ? null
        : { name: block.name, durable, bindingKey: bindingKeyFor(exchangeType, routingKey), arguments: declareArguments(settings.queue_arguments) },
    routingKey,
    mandatory: block.mandatory === true,
    persistent: durable,
    expiration: ref(block.exp_key),
    replyTo: ref(block.reply_to_key),
    messageId: ref(block.msg_id_key),
    priority: ref(block.priority_key),
    inputHeaders: forwardedHeaders(ctx.inputHeaders.list),
    timeoutMs: ctx.timeout.ms ?? 0,
    reply: settings.reply ? { timeoutMs: ctx.replyTimeout?.ms ?? ctx.timeout.ms ?? 0 } : null,
    outputEncoding: OUTPUT_ENCODINGS.includes(ctx.outputEncoding.text) ? (ctx.outputEncoding.text as OutputEncoding) : "json",
    bodySchema: validation !== undefined ? { schema: validation, pointer: joinPointer(ctx.pointers.endpoint, "extra_config", VALIDATION_NAMESPACE) } : null,
    jwt: ctx.jwt ? jwtSettings(ctx.jwt.block) : null,
    rateLimit: ctx.rateLimit ? rateLimitSettings(ctx.rateLimit.block, ctx.path.params) : null,
    botDetectors: [
      ...(ctx.serviceBotDetector ? [{ from: "service" as const, settings: botDetectorSettings(ctx.serviceBotDetector) }] : []),
      ...(ctx.botDetector ? [{ from: "endpoint" as const, settings: botDetectorSettings(ctx.botDetector.block) }] : []),
    ],
  };
}

/** The endpoint's forwarded headers, canonical and without hop-by-hop ones; `"*"` for all. */
function forwardedHeaders(input: readonly string[] | undefined): "*" | readonly string[] {
  if (input === undefined) return ["Content-Type"];
  if (input.includes("*")) return "*";
  const names: string[] = [];
  for (const raw of input) {
    const name = canonicalHeader(raw);
    if (!NOT_FORWARDED.has(name) && !names.includes(name)) names.push(name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Route set: a route that passed its rules, against the routes before it in the file.

interface RouteSetContext {
  readonly route: PendingRoute;
  /** Pointer to the endpoint's "endpoint" field. */
  readonly pointer: string;
  /** `METHOD /a/{}/b`: routes of one shape match the same requests. */
  readonly shape: string;
  readonly earlier: ReadonlyMap<string, { readonly pointer: string; readonly route: PendingRoute }>;
  readonly lineOf: (pointer: string) => number;
}

const ROUTE_SET_RULES: readonly Rule<RouteSetContext>[] = [
  {
    name: "no two routes match the same requests",
    codes: ["AG208", "AG209"],
    check({ route, pointer, shape, earlier, lineOf }, report) {
      const first = earlier.get(shape);
      if (!first) return;
      const line = lineOf(first.pointer);
      report(pointer, first.route.path === route.path ? Diagnostics.AG208({ route, line }) : Diagnostics.AG209({ route, firstPath: first.route.path, line }));
    },
  },
];

const shapeOf = (route: PendingRoute) => `${route.method} /${route.segments.map((s) => (s.kind === "static" ? s.value : "{}")).join("/")}`;

// ---------------------------------------------------------------------------------------------
// Program: every route, sorted, with its broker.

interface ProgramContext {
  readonly routes: readonly RouteIR[];
  /** The config's `version`: 3 (KrakenD 2.x), or 2 (KrakenD 1.x). */
  readonly version: number;
}

const PROGRAM_RULES: readonly Rule<ProgramContext>[] = [
  {
    name: "a KrakenD 1.x config (version 2) is read, with what KrakenD 2.x changed",
    codes: ["AG233"],
    check({ version }, report) {
      if (version === 2) report("/version", Diagnostics.AG233({}));
    },
  },
  {
    name: "producers sharing a connection agree on its retry policy",
    codes: ["AG224"],
    check({ routes }, report) {
      // The connection follows the first route (in sorted order) that uses it.
      const firstOn = new Map<number, RouteIR>();
      for (const route of routes) {
        const first = firstOn.get(route.broker);
        if (!first) {
          firstOn.set(route.broker, route);
          continue;
        }
        const policy = first.connection;
        if (policy.backoff !== route.connection.backoff || policy.maxRetries !== route.connection.maxRetries) {
          report(route.pointer, Diagnostics.AG224({ first, backoff: policy.backoff, maxRetries: policy.maxRetries }));
        }
      }
    },
  },
  {
    name: "routes declaring one exchange or queue declare it alike",
    codes: ["AG216"],
    check({ routes }, report) {
      // Declarations are per connection: the same name on two brokers is two exchanges.
      const exchanges = new Map<string, RouteIR>();
      const queues = new Map<string, RouteIR>();
      for (const route of routes) {
        const key = `${route.broker}\u0000${route.exchange.name}`;
        // A route that declares nothing (`"declare": false`) cannot contradict a declaration.
        if (!route.declare) continue;
        const first = exchanges.get(key);
        if (!first) exchanges.set(key, route);
        else {
          const settings = differences([
            ['"durable"/"delete"', first.exchange.durable === route.exchange.durable && first.exchange.autoDelete === route.exchange.autoDelete],
            ['"exchange_type"', first.exchange.type === route.exchange.type],
            ['"exchange_arguments"', sameArguments(first.exchange.arguments, route.exchange.arguments)],
          ]);
          if (settings) report(route.pointer, Diagnostics.AG216({ declares: "exchange", name: route.exchange.name, route, first, settings }));
        }
        if (!route.queue) continue;
        const queueKey = `${route.broker}\u0000${route.queue.name}`;
        const firstQueue = queues.get(queueKey);
        if (!firstQueue) queues.set(queueKey, route);
        else if (firstQueue.queue) {
          const settings = differences([
            ['"durable"', firstQueue.queue.durable === route.queue.durable],
            ['"queue_arguments"', sameArguments(firstQueue.queue.arguments, route.queue.arguments)],
          ]);
          if (settings) report(route.pointer, Diagnostics.AG216({ declares: "queue", name: route.queue.name, first: firstQueue, settings }));
        }
      }
    },
  },
];

/** The names of the settings that are not the same, joined for a message; null when all are. */
function differences(checks: readonly (readonly [string, boolean])[]): string | null {
  const differ = checks.filter(([, same]) => !same).map(([name]) => name);
  return differ.length === 0 ? null : differ.join(", ");
}

/** Arguments are compared by value; both lists are sorted by name already. */
function sameArguments(a: DeclareArguments, b: DeclareArguments): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The routes with their brokers: routes with the same host list share one connection, the first
 * one's. Indices follow the sorted routes, so the output does not depend on the order of
 * endpoints in the file.
 */
function withBrokers(sorted: readonly PendingRoute[]): { brokers: BrokerIR[]; routes: RouteIR[] } {
  const brokers: BrokerIR[] = [];
  const byUrls = new Map<string, number>();
  const routes = sorted.map((route): RouteIR => {
    const key = JSON.stringify(route.connection.urls);
    let broker = byUrls.get(key);
    if (broker === undefined) {
      broker = brokers.length;
      byUrls.set(key, broker);
      brokers.push(route.connection);
    }
    // Spelled out so that `broker` keeps its place among the fields.
    const { method, path, segments, params, pointer, namespace, ...rest } = route;
    return { method, path, segments, params, pointer, namespace, broker, ...rest };
  });
  return { brokers, routes };
}

// ---------------------------------------------------------------------------------------------

/** Every rule, by table, in the order they run. */
export const ANALYSER_RULES = {
  namespace: NAMESPACE_RULES,
  backend: BACKEND_RULES,
  endpoint: ENDPOINT_RULES,
  route: ROUTE_RULES,
  jwt: JWT_RULES,
  rateLimit: RATE_LIMIT_RULES,
  botDetector: BOT_DETECTOR_RULES,
  httpSecurity: HTTP_SECURITY_RULES,
  cors: CORS_RULES,
  router: ROUTER_RULES,
  routeSet: ROUTE_SET_RULES,
  program: PROGRAM_RULES,
} as const;

export interface AnalyseResult {
  program: ProgramIR;
  diagnostics: Diagnostic[];
}

export function analyse(config: unknown, file: string, source: SourceMap): AnalyseResult {
  const reporter = new Reporter(file, source);
  const root = config as Config;
  const pending: PendingRoute[] = [];
  const earlier = new Map<string, { pointer: string; route: PendingRoute }>();
  const lineOf = (pointer: string) => source.locate(pointer).line;
  // A namespace's error stops the output but takes nothing from the route's own checks: run, never gating.
  const extraConfig = (extra: Readonly<Record<string, unknown>> | undefined, level: NamespaceLevel, pointer: string) =>
    passes(NAMESPACE_RULES, { level, pointer: joinPointer(pointer, "extra_config"), extra: extra ?? {} }, reporter);

  extraConfig(root.extra_config, "service", "");
  // `router.trusted_proxies`: the proxies the listener believes by default.
  const trustedProxies = root.extra_config?.router?.trusted_proxies ?? [];
  passes(ROUTER_RULES, { pointer: "/extra_config/router/trusted_proxies", trustedProxies }, reporter);
  /** A service-level namespace (in any of its spellings) through its rules, once: the block when it passed, else null. */
  const serviceBlock = <Block>(spellings: readonly string[], rules: readonly Rule<{ pointer: string; block: Block }>[]): Block | null => {
    const key = namespaceKey(root.extra_config, spellings);
    if (key === undefined) return null;
    const block = root.extra_config?.[key] as Block;
    return passes(rules, { pointer: joinPointer("", "extra_config", key), block }, reporter) ? block : null;
  };
  // Around every request: CORS answers before routing, `security/http` wraps everything, the
  // service's bot detector runs on every route.
  const corsBlock = serviceBlock<CorsBlock>(CORS_NAMESPACES, CORS_RULES);
  const cors = corsBlock ? corsSettings(corsBlock) : null;
  const httpBlock = serviceBlock<HttpSecurityBlock>(HTTP_SECURITY_NAMESPACES, HTTP_SECURITY_RULES);
  const httpSecurity = httpBlock ? httpSecuritySettings(httpBlock) : null;
  const serviceBotDetector = serviceBlock<BotDetectorBlock>(BOT_DETECTOR_NAMESPACES, BOT_DETECTOR_RULES);
  (root.endpoints ?? []).forEach((endpoint, e) => {
    const endpointPointer = joinPointer("", "endpoints", e);
    const producers: ProducerBlock[] = [];
    (endpoint.backend ?? []).forEach((backend, index) => {
      const extra = backend.extra_config ?? {};
      const namespaces = [PRODUCER_NAMESPACE, LEGACY_PRODUCER_NAMESPACE].filter((ns) => Object.hasOwn(extra, ns));
      const namespace = namespaces[0];
      if (namespace === undefined) return;
      const backendPointer = joinPointer(endpointPointer, "backend", index);
      if (!passes(BACKEND_RULES, { pointer: backendPointer, extra, namespaces }, reporter)) return;
      extraConfig(extra, "backend", backendPointer);
      producers.push({ backend, index, namespace, block: extra[namespace] as AmqpProducerConfig });
    });
    const producer = producers[0];
    if (!producer || !passes(ENDPOINT_RULES, { endpoint, pointer: endpointPointer, producers }, reporter)) return;
    extraConfig(endpoint.extra_config, "endpoint", endpointPointer);

    const ctx = routeContext(root, endpoint, endpointPointer, producer, serviceBotDetector);
    if (!passes(ROUTE_RULES, ctx, reporter)) return;
    if (ctx.jwt && !passes(JWT_RULES, { ...ctx.jwt, forwarded: forwardedHeaders(ctx.inputHeaders.list) }, reporter)) return;
    if (ctx.rateLimit && !passes(RATE_LIMIT_RULES, { ...ctx.rateLimit, params: ctx.path.params }, reporter)) return;
    if (ctx.botDetector && !passes(BOT_DETECTOR_RULES, ctx.botDetector, reporter)) return;
    const route = pendingRoute(ctx);
    const shape = shapeOf(route);
    const pointer = joinPointer(endpointPointer, "endpoint");
    if (!passes(ROUTE_SET_RULES, { route, pointer, shape, earlier, lineOf }, reporter)) return;
    earlier.set(shape, { pointer, route });
    pending.push(route);
  });

  pending.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
  const { brokers, routes } = withBrokers(pending);
  passes(PROGRAM_RULES, { routes, version: root.version }, reporter);
  const name = typeof root.name === "string" && root.name.trim() !== "" ? root.name : null;
  return { program: { source: file, name, brokers, routes, httpSecurity, cors, trustedProxies }, diagnostics: reporter.list };
}

/** `amqp://user:pass@host:5672/vhost` → `amqp://host:5672/vhost`; null when not an AMQP URL. */
export function stripCredentials(host: string): string | null {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return null;
  }
  if (url.protocol !== "amqp:" && url.protocol !== "amqps:") return null;
  if (!url.hostname) return null;
  // A raw "/", "?" or "#" in the credentials ends the authority early, and the rest of the
  // password would land in the path: refuse, rather than copy a secret into generated code.
  if (/@/.test(url.pathname + url.search + url.hash)) return null;
  url.username = "";
  url.password = "";
  return url.toString();
}
