/**
 * Phase 3: analyse. A schema-valid krakend.json in, the IR and diagnostics out.
 * Each rule here is one of the spec's: A3 (capitalisation), A4 (routing key and message
 * properties), B2 (what is declared), B5 (KrakenD's traps, caught at generation time).
 */
import { joinPointer, type Diagnostic, type Severity } from "./diagnostics.js";
import type {
  BackoffStrategy,
  BrokerIR,
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
import { canonicalHeader, closest, krakendParamKey, parseGoDuration, quote } from "./text.js";
import type { AmqpProducerConfig, KrakendBackend, KrakendConfig, KrakendEndpoint } from "./types/producer-config.js";

export const PRODUCER_NAMESPACE = "backend/amqp/producer";
export const LEGACY_PRODUCER_NAMESPACE = "github.com/devopsfaith/krakend-amqp/produce";
export const CONSUMER_NAMESPACES = ["backend/amqp/consumer", "github.com/devopsfaith/krakend-amqp/consume"];
export const VALIDATION_NAMESPACE = "validation/json-schema";

/** The schema has already checked the types of everything the analyser reads. */
type Config = KrakendConfig;
type Endpoint = KrakendEndpoint;
type Backend = KrakendBackend;

const DEFAULT_TIMEOUT = "2s";
/** The longest delay a Node timer can wait; longer ones fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const PARAM_NAME = /^[a-zA-Z0-9_-]+$/;

class Reporter {
  readonly list: Diagnostic[] = [];
  constructor(
    private readonly file: string,
    private readonly source: SourceMap,
  ) {}
  add(code: string, severity: Severity, pointer: string, message: string, hint?: string, prefer: "key" | "value" = "value"): void {
    const { line, column } = this.source.locate(pointer, prefer);
    this.list.push({ code, severity, message, file: this.file, line, column, pointer, ...(hint ? { hint } : {}) });
  }
}

export interface AnalyseResult {
  program: ProgramIR;
  diagnostics: Diagnostic[];
}

export function analyse(config: unknown, file: string, source: SourceMap): AnalyseResult {
  const report = new Reporter(file, source);
  const root = config as Config;
  const routes: RouteIR[] = [];
  const seen = new Map<string, { pointer: string; route: RouteIR }>();

  (root.endpoints ?? []).forEach((endpoint, e) => {
    const endpointPointer = joinPointer("", "endpoints", e);
    const producers: { backend: Backend; b: number; namespace: string; block: AmqpProducerConfig }[] = [];
    (endpoint.backend ?? []).forEach((backend, b) => {
      const extra = backend.extra_config ?? {};
      const found = [PRODUCER_NAMESPACE, LEGACY_PRODUCER_NAMESPACE].filter((ns) => Object.hasOwn(extra, ns));
      if (found.length === 0) return;
      const backendPointer = joinPointer(endpointPointer, "backend", b);
      if (found.length > 1) {
        report.add(
          "AG218",
          "error",
          joinPointer(backendPointer, "extra_config", LEGACY_PRODUCER_NAMESPACE),
          "This backend has both the producer namespace and its legacy alias.",
          `Keep only "${PRODUCER_NAMESPACE}".`,
          "key",
        );
        return;
      }
      const namespace = found[0] ?? PRODUCER_NAMESPACE;
      const consumer = CONSUMER_NAMESPACES.find((ns) => Object.hasOwn(extra, ns));
      if (consumer) {
        report.add(
          "AG205",
          "error",
          joinPointer(backendPointer, "extra_config", namespace),
          "This backend is both an AMQP consumer and a producer: KrakenD attaches only the consumer, so the producer never runs.",
          `Move the producer to a backend of its own, or remove "${consumer}".`,
          "key",
        );
        return;
      }
      producers.push({ backend, b, namespace, block: extra[namespace] as AmqpProducerConfig });
    });
    if (producers.length === 0) return;

    if (producers.length > 1) {
      const second = producers[1];
      if (second) {
        report.add(
          "AG215",
          "error",
          joinPointer(endpointPointer, "backend", second.b),
          `Endpoint ${quote(endpoint.endpoint)} has ${producers.length} producer backends; amqp-gen generates one producer per endpoint.`,
          "Split the producers into separate endpoints.",
        );
      }
      return;
    }
    const producer = producers[0];
    if (!producer) return;
    const others = (endpoint.backend ?? []).length - 1;
    if (others > 0) {
      report.add(
        "AG223",
        "warning",
        joinPointer(endpointPointer, "backend"),
        `Endpoint ${quote(endpoint.endpoint)} mixes the producer with ${others} other backend(s); amqp-gen generates only the producer.`,
        "Give the other backends an endpoint of their own if the service must call them.",
        "key",
      );
    }
    const route = analyseRoute(report, root, endpoint, endpointPointer, producer);
    if (!route) return;
    const shape = `${route.method} /${route.segments.map((s) => (s.kind === "static" ? s.value : "{}")).join("/")}`;
    const previous = seen.get(shape);
    if (previous) {
      const same = previous.route.path === route.path;
      const { line } = source.locate(previous.pointer);
      report.add(
        same ? "AG208" : "AG209",
        "error",
        joinPointer(endpointPointer, "endpoint"),
        same
          ? `Duplicate route: ${route.method} ${quote(route.path)} is already defined at line ${line}.`
          : `Conflicting routes: ${route.method} ${quote(route.path)} matches the same requests as ${quote(previous.route.path)} (line ${line}).`,
        same ? "Remove one of the two endpoints, or give them different methods." : "Make the paths differ by a fixed segment, or merge the endpoints.",
      );
      return;
    }
    seen.set(shape, { pointer: joinPointer(endpointPointer, "endpoint"), route });
    routes.push(route);
  });

  routes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
  const brokers = assignBrokers(report, routes);
  checkSharedTopology(report, routes);
  return { program: { source: file, brokers, routes }, diagnostics: report.list };
}

function parsePath(report: Reporter, path: string, pointer: string): { segments: Segment[]; params: ParamIR[] } | null {
  const segments: Segment[] = [];
  const params: ParamIR[] = [];
  let ok = true;
  path
    .split("/")
    .slice(1)
    .forEach((part, index) => {
      const param = /^\{(.*)\}$/.exec(part);
      if (param) {
        const name = param[1] ?? "";
        if (!PARAM_NAME.test(name)) {
          report.add("AG210", "error", pointer, `Path param ${quote(part)} is not a valid name.`, "Param names use only letters, digits, '_' and '-'.");
          ok = false;
        } else if (params.some((p) => p.name === name)) {
          report.add("AG210", "error", pointer, `Path param {${name}} appears twice.`, "Give each param its own name.");
          ok = false;
        } else if (params.some((p) => p.key === krakendParamKey(name))) {
          report.add(
            "AG210",
            "error",
            pointer,
            `Path params {${params.find((p) => p.key === krakendParamKey(name))?.name ?? ""}} and {${name}} are both "${krakendParamKey(name)}" to KrakenD, which keeps only one of them.`,
            "Rename one of the two params.",
          );
          ok = false;
        } else {
          params.push({ name, key: krakendParamKey(name), segment: index });
        }
        segments.push({ kind: "param", name });
      } else if (/[{}*]/.test(part)) {
        report.add(
          "AG210",
          "error",
          pointer,
          `Path segment ${quote(part)} mixes a param with text or uses a wildcard.`,
          "Each {param} must be a whole path segment, e.g. /orders/{id}.",
        );
        ok = false;
      } else {
        segments.push({ kind: "static", value: part });
      }
    });
  return ok ? { segments, params } : null;
}

function analyseRoute(
  report: Reporter,
  root: Config,
  endpoint: Endpoint,
  endpointPointer: string,
  producer: { backend: Backend; b: number; namespace: string; block: AmqpProducerConfig },
): RouteIR | null {
  const { backend, block, namespace } = producer;
  const backendPointer = joinPointer(endpointPointer, "backend", producer.b);
  const blockPointer = joinPointer(backendPointer, "extra_config", namespace);
  const at = (field: string) => joinPointer(blockPointer, field);

  if (namespace === LEGACY_PRODUCER_NAMESPACE) {
    report.add(
      "AG213",
      "warning",
      blockPointer,
      "Legacy namespace: KrakenD still accepts it at run time but its schema rejects it.",
      `Rename the key to "${PRODUCER_NAMESPACE}".`,
      "key",
    );
  }
  for (const field of ["prefetch_count", "prefetch_size", "no_local"] as const) {
    if (block[field] !== undefined) {
      report.add("AG214", "info", at(field), `"${field}" is a consumer setting; the producer ignores it.`, "Remove it, or keep it for documentation.", "key");
    }
  }

  const parsed = parsePath(report, endpoint.endpoint, joinPointer(endpointPointer, "endpoint"));
  if (!parsed) return null;
  const { segments, params } = parsed;
  const method = (endpoint.method ?? "GET").toUpperCase() as HttpMethod;
  let ok = true;

  const resolveParam = (field: "routing_key" | "exp_key" | "reply_to_key" | "msg_id_key" | "priority_key"): ParamRef | null | "missing" => {
    const key = block[field];
    if (key === undefined || key === "") return null;
    const param = params.find((p) => p.key === key);
    if (param) return { key, param };
    return "missing";
  };
  const missingParam = (field: string, key: string) => {
    const keys = params.map((p) => p.key);
    const guess = closest(key, keys);
    const hint = guess
      ? `Did you mean "${guess}"? KrakenD upper-cases the first letter of path params: {${guess.charAt(0).toLowerCase() + guess.slice(1)}} is "${guess}".`
      : keys.length > 0
        ? `The endpoint's params are ${keys.map((k) => `"${k}"`).join(", ")} (first letter upper-cased, as KrakenD exposes them).`
        : `Add a {param} to the endpoint path ${quote(endpoint.endpoint)}, or remove "${field}".`;
    report.add("AG201", "error", at(field), `"${field}": ${quote(key)} names no param of endpoint ${quote(endpoint.endpoint)}.`, hint);
    ok = false;
  };

  // Routing key (A4): a literal with static_routing_key, a param name otherwise.
  let routingKey: RoutingKeyIR;
  const rk = block.routing_key;
  if (block.static_routing_key === true) {
    routingKey = { kind: "static", value: rk };
  } else {
    const ref = resolveParam("routing_key");
    if (ref === "missing") {
      if (PARAM_NAME.test(rk) && (params.length > 0 || /^[A-Z]/.test(rk))) {
        missingParam("routing_key", rk);
        routingKey = { kind: "empty", literal: rk };
      } else {
        report.add(
          "AG202",
          "warning",
          at("routing_key"),
          `"routing_key" ${quote(rk)} is read as a param name, and the endpoint has no such param: KrakenD publishes with the EMPTY routing key (amqp-gen does the same).`,
          `To publish with the literal key ${quote(rk)}, add "static_routing_key": true.`,
        );
        routingKey = { kind: "empty", literal: rk };
      }
    } else if (ref === null) {
      routingKey = { kind: "empty", literal: rk };
    } else {
      routingKey = { kind: "param", ref };
    }
  }

  const refs = {
    expiration: resolveParam("exp_key"),
    replyTo: resolveParam("reply_to_key"),
    messageId: resolveParam("msg_id_key"),
    priority: resolveParam("priority_key"),
  };
  const fieldOf = { expiration: "exp_key", replyTo: "reply_to_key", messageId: "msg_id_key", priority: "priority_key" } as const;
  for (const name of Object.keys(refs) as (keyof typeof refs)[]) {
    if (refs[name] === "missing") missingParam(fieldOf[name], block[fieldOf[name]] ?? "");
  }

  if (block.immediate === true) {
    report.add(
      "AG203",
      "warning",
      at("immediate"),
      '"immediate": true is never sent: RabbitMQ 3+ closes the connection on it (error 540).',
      'Remove "immediate"; use "mandatory": true to learn about unroutable messages.',
      "key",
    );
  }
  if (block.exclusive === true) {
    report.add(
      "AG204",
      "warning",
      at("exclusive"),
      '"exclusive": true is never applied: KrakenD passes it as the exchange\'s internal flag, which makes every publish fail.',
      'Remove "exclusive".',
      "key",
    );
  }
  if (block.no_wait === true) {
    report.add(
      "AG219",
      "info",
      at("no_wait"),
      '"no_wait" is ignored: amqp-gen always waits for the broker to confirm declarations.',
      'Nothing to do; remove "no_wait" if you like.',
      "key",
    );
  }
  if ((endpoint.concurrent_calls ?? 1) > 1) {
    report.add(
      "AG206",
      "warning",
      joinPointer(endpointPointer, "concurrent_calls"),
      `"concurrent_calls": ${endpoint.concurrent_calls} makes KrakenD publish every message ${endpoint.concurrent_calls} times; amqp-gen publishes it once.`,
      'Remove "concurrent_calls" from producer endpoints.',
      "key",
    );
  }

  // Broker (A1, B7): the host list without credentials.
  // KrakenD falls back to the root `host` when the backend has none, or an empty list.
  const own = backend.host !== undefined && backend.host.length > 0;
  const hostsPointer = own ? joinPointer(backendPointer, "host") : "/host";
  const hosts = (own ? backend.host : root.host) ?? [];
  if (hosts.length === 0) {
    report.add(
      "AG207",
      "error",
      backendPointer,
      "This producer has no broker: neither the backend nor the config root sets \"host\".",
      'Add "host": ["amqp://user:password@broker:5672"] to the backend.',
    );
    ok = false;
  }
  const urls: string[] = [];
  hosts.forEach((host, i) => {
    const url = stripCredentials(host);
    if (url === null) {
      report.add(
        "AG211",
        "error",
        joinPointer(hostsPointer, i),
        `host[${i}] is not an amqp:// or amqps:// URL.`,
        "Use the form amqp://user:password@broker:5672/vhost, with characters such as / ? # @ in the user or password percent-encoded.",
      );
      ok = false;
    } else {
      urls.push(url);
    }
  });
  if (hosts.length > 0 && backend.disable_host_sanitize !== true) {
    report.add(
      "AG212",
      "warning",
      backendPointer,
      'KrakenD refuses an amqp:// host unless the backend sets "disable_host_sanitize": true.',
      'Add "disable_host_sanitize": true to the backend (amqp-gen itself does not need it).',
    );
  }

  const timeoutText = endpoint.timeout ?? root.timeout ?? DEFAULT_TIMEOUT;
  const timeoutMs = parseGoDuration(timeoutText);
  if (timeoutMs === undefined || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    report.add(
      "AG221",
      "error",
      endpoint.timeout ? joinPointer(endpointPointer, "timeout") : "/timeout",
      `Timeout ${quote(timeoutText)} is not a positive duration of at most 24 days.`,
      'Use a Go duration such as "2s" or "1500ms" (timers cannot wait longer than 2^31 - 1 ms).',
    );
    ok = false;
  }

  const encodingText = endpoint.output_encoding ?? root.output_encoding ?? "json";
  let outputEncoding: OutputEncoding = "json";
  if (encodingText === "json-collection" || encodingText === "no-op" || encodingText === "string") outputEncoding = encodingText;
  else if (encodingText !== "json") {
    report.add(
      "AG217",
      "warning",
      endpoint.output_encoding ? joinPointer(endpointPointer, "output_encoding") : "/output_encoding",
      `output_encoding ${quote(encodingText)} is answered as "json" (body null) by amqp-gen.`,
      'Set "output_encoding": "json" or "no-op" on producer endpoints.',
    );
  }

  const inputHeaders = headerList(report, endpoint.input_headers, joinPointer(endpointPointer, "input_headers"));
  const validation = endpoint.extra_config?.[VALIDATION_NAMESPACE];
  const bodySchema =
    validation !== undefined ? { schema: validation, pointer: joinPointer(endpointPointer, "extra_config", VALIDATION_NAMESPACE) } : null;

  const durable = block.durable === true;
  let queue: RouteIR["queue"] = null;
  if (block.name === "") {
    report.add("AG220", "warning", at("name"), 'The queue "name" is empty: amqp-gen declares no queue for this route.', "Name the queue the messages should land in.");
  } else {
    queue = { name: block.name, durable, bindingKey: routingKey.kind === "static" ? routingKey.value : "#" };
  }

  if (!ok) return null;
  const maxRetries = block.max_retries ?? 0;
  const connection: BrokerIR = {
    urls,
    maxRetries: maxRetries > 0 ? maxRetries : 0,
    backoff: (block.backoff_strategy ?? "fallback") as BackoffStrategy,
  };
  const ref = (value: ParamRef | null | "missing") => (value === "missing" ? null : value);
  return {
    method,
    path: endpoint.endpoint,
    segments,
    params,
    pointer: blockPointer,
    namespace,
    broker: -1,
    connection,
    exchange: { name: block.exchange, durable, autoDelete: block.delete === true },
    queue,
    routingKey,
    mandatory: block.mandatory === true,
    persistent: durable,
    expiration: ref(refs.expiration),
    replyTo: ref(refs.replyTo),
    messageId: ref(refs.messageId),
    priority: ref(refs.priority),
    inputHeaders,
    timeoutMs: timeoutMs ?? 0,
    outputEncoding,
    bodySchema,
  };
}

/**
 * Routes with the same host list share one connection. Indices follow the sorted routes, so
 * the output does not depend on the order of endpoints in the file.
 */
function assignBrokers(report: Reporter, routes: RouteIR[]): BrokerIR[] {
  const brokers: BrokerIR[] = [];
  const byUrls = new Map<string, { index: number; first: RouteIR }>();
  for (const route of routes) {
    const key = JSON.stringify(route.connection.urls);
    const known = byUrls.get(key);
    if (!known) {
      byUrls.set(key, { index: brokers.length, first: route });
      route.broker = brokers.length;
      brokers.push(route.connection);
      continue;
    }
    route.broker = known.index;
    const policy = known.first.connection;
    if (policy.backoff !== route.connection.backoff || policy.maxRetries !== route.connection.maxRetries) {
      report.add(
        "AG224",
        "warning",
        route.pointer,
        `This producer shares its broker connection with ${known.first.method} ${quote(known.first.path)}, which sets another "backoff_strategy"/"max_retries"; the connection follows that route ("${policy.backoff}", ${policy.maxRetries}).`,
        'Give producers on the same host the same "backoff_strategy" and "max_retries".',
      );
    }
  }
  return brokers;
}

/** Headers that describe one HTTP connection (RFC 9110 §7.6.1): the runtime never forwards them. */
const HOP_BY_HOP_HEADERS = new Set(["Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding", "Upgrade"]);
const CREDENTIAL_HEADERS = ["Authorization", "Cookie", "Proxy-Authorization"];

/** The endpoint's forwarded headers, canonical; `"*"` (with a warning: credentials travel too) for all. */
function headerList(report: Reporter, input: string[] | undefined, pointer: string): "*" | string[] {
  if (input === undefined) return ["Content-Type"];
  const star = input.indexOf("*");
  if (star !== -1) {
    report.add(
      "AG226",
      "warning",
      joinPointer(pointer, star),
      `"input_headers": ["*"] copies every request header into every message, credentials included (${CREDENTIAL_HEADERS.join(", ")}).`,
      'List the headers the consumers need instead, for example "input_headers": ["Content-Type", "X-Request-Id"].',
    );
    return "*";
  }
  const names: string[] = [];
  input.forEach((raw, index) => {
    const name = canonicalHeader(raw);
    if (HOP_BY_HOP_HEADERS.has(name)) {
      report.add(
        "AG227",
        "warning",
        joinPointer(pointer, index),
        `${quote(raw)} is a hop-by-hop header: it describes the client's HTTP connection, and amqp-gen never forwards it.`,
        `Remove ${quote(raw)} from "input_headers".`,
      );
    } else if (!names.includes(name)) {
      names.push(name);
    }
  });
  return names;
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

/** Routes that declare the same exchange or queue must agree on how, or the broker refuses the second. */
function checkSharedTopology(report: Reporter, routes: RouteIR[]): void {
  const exchanges = new Map<string, RouteIR>();
  const queues = new Map<string, RouteIR>();
  for (const route of routes) {
    const key = `${route.broker}\u0000${route.exchange.name}`;
    const first = exchanges.get(key);
    if (!first) exchanges.set(key, route);
    else if (first.exchange.durable !== route.exchange.durable || first.exchange.autoDelete !== route.exchange.autoDelete) {
      report.add(
        "AG216",
        "error",
        route.pointer,
        `Exchange ${quote(route.exchange.name)} is declared differently by ${route.method} ${quote(route.path)} and ${first.method} ${quote(first.path)} ("durable"/"delete"): the broker refuses the second declaration.`,
        'Give both producers the same "durable" and "delete".',
      );
    }
    if (!route.queue) continue;
    const qkey = `${route.broker}\u0000${route.queue.name}`;
    const firstQ = queues.get(qkey);
    if (!firstQ) queues.set(qkey, route);
    else if (firstQ.queue && firstQ.queue.durable !== route.queue.durable) {
      report.add(
        "AG216",
        "error",
        route.pointer,
        `Queue ${quote(route.queue.name)} is declared durable by one route and not by another (${firstQ.method} ${quote(firstQ.path)}): the broker refuses the second declaration.`,
        'Give both producers the same "durable".',
      );
    }
  }
}
