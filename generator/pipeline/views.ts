/**
 * The views the templates render: one typed view per template, built here from the IR and the
 * plan, in one place. Every value from the config is already a TypeScript literal (literal.ts)
 * or comment-safe text: templates never see raw JSON.
 */
import type { BrokerIR, DeclareArguments, ProgramIR, RouteIR } from "./ir.js";
import { commentText, propertyAccess, propertyKey, tsLiteral, tsString, typeKey } from "./literal.js";
import { messageHeaders, messageProperties } from "./message.js";
import type { RoutePlan } from "./plan.js";

/** One path param, as the route template writes it. */
export interface ParamView {
  /** `{name}`, comment-safe. */
  readonly brace: string;
  /** The name KrakenD gives it, comment-safe. */
  readonly keyComment: string;
  readonly segment: number;
  /** The property in the `…Params` interface, and in the object literal that fills it. */
  readonly typeKey: string;
  readonly objectKey: string;
  readonly nameLiteral: string;
  readonly keyLiteral: string;
}

/** One check of a value the request controls: `const name = call; if (name instanceof RequestError) …`. */
export interface CheckView {
  readonly name: string;
  readonly call: string;
}

/** What `route.ts.hbs` receives. */
export interface RouteView {
  readonly source: string;
  /** Where the runtime import lines go (filled in from the rendered code). */
  readonly runtimeImports: string;
  readonly body: { readonly module: string; readonly validator: string } | null;
  readonly typeName: string;
  readonly id: string;
  readonly commentPath: string;
  readonly commentExchange: string;
  readonly params: readonly ParamView[];
  /** Whether any check reads a path param (else the builder says `void params`). */
  readonly usesParams: boolean;
  readonly checks: readonly CheckView[];
  /** The publish options' entries, as code. */
  readonly options: readonly string[];
  readonly routingKeyExpr: string;
  readonly inputHeaders: string;
  readonly idLiteral: string;
  readonly methodLiteral: string;
  readonly pathLiteral: string;
  readonly broker: number;
  /** Whether the publisher declares the exchange, queue and binding (`@amqp-gen.declare`). */
  readonly declare: boolean;
  readonly exchange: string;
  readonly queue: string;
  readonly routingKey: string;
  readonly mandatory: boolean;
  readonly persistent: boolean;
  readonly timeoutMs: number;
  /** Request-reply routes: how long the reply is waited for (ms); null otherwise. */
  readonly replyTimeoutMs: number | null;
  readonly outputEncoding: string;
  /** `auth/validator`: the JWT settings' entries, one `field: literal` per line; null without one. */
  readonly jwt: readonly string[] | null;
  /** `qos/ratelimit/router`: the rate limit settings' entries, one per line; null without one. */
  readonly rateLimit: readonly string[] | null;
  /** `security/bot-detector`s (the service's, then the endpoint's): each one's settings, one entry per line. */
  readonly botDetectors: readonly { readonly name: string; readonly whose: string; readonly lines: readonly string[] }[];
  /** The route's `isBot` check, as an expression over those; null without a detector. */
  readonly isBot: string | null;
}

/** The fields of a route's `RouteInfo` literal, as `route-info.hbs` writes them (route and consumer files alike). */
const ROUTE_INFO_FIELDS = [
  "idLiteral",
  "methodLiteral",
  "pathLiteral",
  "params",
  "broker",
  "declare",
  "exchange",
  "queue",
  "routingKey",
  "mandatory",
  "persistent",
  "timeoutMs",
  "outputEncoding",
  "inputHeaders",
] as const satisfies readonly (keyof RouteView)[];
type RouteInfoFields = (typeof ROUTE_INFO_FIELDS)[number];

/** What `consumer.ts.hbs` receives. */
export interface ConsumerView extends Pick<RouteView, RouteInfoFields> {
  readonly source: string;
  /** Where the runtime import lines go (filled in from the rendered code). */
  readonly runtimeImports: string;
  readonly commentPath: string;
  readonly typeName: string;
  /** The route's `RouteInfo` constant in the consumer file, and the route file's module (for comments). */
  readonly id: string;
  readonly routeModule: string;
  readonly body: { readonly module: string; readonly type: string; readonly validator: string } | null;
  /** The body's type: the validated JSON's, or Buffer. */
  readonly bodyType: string;
  readonly headers: readonly { readonly key: string; readonly required: boolean; readonly comment: string }[];
  readonly othersComment: string;
  /** Properties the message always has, typed without undefined. */
  readonly properties: readonly { readonly name: string; readonly type: string; readonly comment: string }[];
  readonly constName: string;
  readonly requiredHeaders: string;
  readonly optionalHeaders: string;
  readonly otherHeaders: string;
  readonly requiredProperties: string;
  /** Request-reply routes (a serve function instead of consume): how long the HTTP request waits; null otherwise. */
  readonly replyTimeoutMs: number | null;
  readonly hasQueue: boolean;
  /** The consumer's `options` parameter: optional, or with what the route cannot say (a queue, binding keys). */
  readonly optionsType: string;
  readonly queueComment: string;
}

/** What `body.ts.hbs` receives. */
export interface BodyView {
  readonly source: string;
  readonly commentPath: string;
  /** Keywords the validator does not enforce, comment-safe. */
  readonly unsupported: readonly string[];
  readonly types: string;
  readonly validator: string;
}

/** What `index.ts.hbs` receives. */
export interface IndexView {
  readonly source: string;
  readonly routes: readonly { readonly id: string; readonly module: string }[];
  readonly brokers: readonly string[];
  /** The dispatch tree, as a TypeScript expression. */
  readonly tree: string;
  /** The service's `security/http` settings, one entry per line; null without it. */
  readonly httpSecurity: readonly string[] | null;
  /** The service's `security/cors` settings, one entry per line; null without it. */
  readonly cors: readonly string[] | null;
  /** The service stages handed to the listener (`{ cors: CORS, http: HTTP_SECURITY }`); null without any. */
  readonly stages: string | null;
  /** `router.trusted_proxies` as a literal; null without any. */
  readonly trustedProxies: string | null;
}

/** What each `adapter-<framework>.ts.hbs` receives: adapters route through index.ts. */
export interface AdapterView {
  readonly source: string;
  /** `METHOD path` of every route, comment-safe. */
  readonly routes: readonly string[];
}

/**
 * What the route template writes where its runtime imports go (`{{runtimeImports}}`): replaced,
 * once the file is rendered, by the import lines of the runtime names the file uses. Route code
 * is made here, so every name in it is known; index.ts and the adapters state their imports.
 */
export const RUNTIME_IMPORTS_SLOT = "\u0000runtime imports\u0000";

/** The config's file name without its folders: generated files never carry a path of the machine. */
export function configFileName(program: ProgramIR): string {
  return program.source.split(/[\\/]/).pop() || "krakend.json";
}

/**
 * Source line of generated files: the config's base name and the endpoint (`METHOD path`, unique
 * among routes), never an absolute path nor an array index that would change with endpoint order.
 */
export function sourceLine(program: ProgramIR, route?: RouteIR, part?: string): string {
  const base = configFileName(program);
  if (!route) return commentText(base, 200);
  return commentText(`${base}, endpoint ${route.method} ${route.path}${part ? `, ${part}` : ""}`, 200);
}

/** `, arguments: {...}` when there are any: configs without the `@amqp-gen` block read as before. */
function argumentsPart(args: DeclareArguments): string {
  return Object.keys(args).length === 0 ? "" : `, arguments: ${tsLiteral(args)}`;
}

function exchangeLiteral(route: RouteIR): string {
  const e = route.exchange;
  return `{ name: ${tsString(e.name)}, type: ${tsString(e.type)}, durable: ${e.durable}, autoDelete: ${e.autoDelete}${argumentsPart(e.arguments)} }`;
}

function queueLiteral(route: RouteIR): string {
  const q = route.queue;
  if (!q) return "null";
  const bindingKey = q.bindingKey === null ? "null" : tsString(q.bindingKey);
  return `{ name: ${tsString(q.name)}, durable: ${q.durable}, bindingKey: ${bindingKey}${argumentsPart(q.arguments)} }`;
}

function routingKeyLiteral(route: RouteIR): string {
  const key = route.routingKey;
  switch (key.kind) {
    case "static":
      return `{ kind: "static", value: ${tsString(key.value)} }`;
    case "param":
      return `{ kind: "param", param: ${tsString(key.ref.key)} }`;
    case "empty":
      return `{ kind: "empty" }`;
  }
}

export function brokerLiteral(broker: BrokerIR): string {
  return `{ urls: ${tsLiteral(broker.urls)}, maxRetries: ${broker.maxRetries}, backoff: ${tsString(broker.backoff)} }`;
}

/** A settings object as the lines of its literal, one `field: value` each. */
function settingLines(settings: object): string[] {
  return Object.entries(settings).map(([field, value]) => `${propertyKey(field)}: ${tsLiteral(value)}`);
}

export function routeView(program: ProgramIR, p: RoutePlan, bodyModule: string | null): RouteView {
  const route = p.route;
  const access = (name: string) => `params${propertyAccess(name)}`;
  const label = (name: string, what: string) => tsString(`path param {${name}} (${what})`);
  const checks: { name: string; call: string }[] = [];
  const options: string[] = [];
  let routingKeyExpr = 'routingKey: ""';
  if (route.routingKey.kind === "static") routingKeyExpr = `routingKey: ${tsString(route.routingKey.value)}`;
  if (route.routingKey.kind === "param") {
    checks.push({
      name: "routingKey",
      call: `checkShortString(${access(route.routingKey.ref.param.name)}, ${label(route.routingKey.ref.param.name, "routing key")})`,
    });
    routingKeyExpr = "routingKey";
  }
  if (route.persistent) options.push("persistent: true");
  if (route.expiration) {
    checks.push({ name: "expiration", call: `checkExpiration(${access(route.expiration.param.name)}, ${label(route.expiration.param.name, "expiration")})` });
    options.push("expiration");
  }
  if (route.replyTo) {
    checks.push({ name: "replyTo", call: `checkReplyTo(${access(route.replyTo.param.name)}, ${label(route.replyTo.param.name, "reply-to")})` });
    options.push("replyTo");
  }
  if (route.messageId) {
    checks.push({ name: "messageId", call: `checkShortString(${access(route.messageId.param.name)}, ${label(route.messageId.param.name, "message id")})` });
    options.push("messageId");
  }
  if (route.priority) {
    checks.push({ name: "priority", call: `checkPriority(${access(route.priority.param.name)}, ${label(route.priority.param.name, "priority")})` });
    options.push("priority");
  }
  const usesParams = checks.length > 0;
  checks.push(
    { name: "headers", call: "forwardHeaders(request, FORWARDED_HEADERS)" },
    { name: "contentType", call: "messageContentType(headers, FORWARDED_HEADERS)" },
  );
  // The content type is there even when undefined (which amqplib skips): each message's options have one shape.
  options.push("contentType", "headers", "timestamp: timestampSeconds()");

  return {
    source: sourceLine(program, route),
    runtimeImports: RUNTIME_IMPORTS_SLOT,
    body: bodyModule ? { module: bodyModule, validator: `validate${p.typeName}Body` } : null,
    typeName: p.typeName,
    id: p.id,
    commentPath: commentText(`${route.method} ${route.path}`).replace(/`/g, "'"),
    commentExchange: commentText(route.exchange.name).replace(/`/g, "'"),
    params: route.params.map((param) => ({
      brace: commentText(`{${param.name}}`),
      keyComment: commentText(param.key),
      segment: param.segment,
      typeKey: typeKey(param.name),
      objectKey: propertyKey(param.name),
      nameLiteral: tsString(param.name),
      keyLiteral: tsString(param.key),
    })),
    usesParams,
    checks,
    options,
    routingKeyExpr,
    inputHeaders: route.inputHeaders === "*" ? `"*"` : tsLiteral(route.inputHeaders),
    idLiteral: tsString(p.id),
    methodLiteral: tsString(route.method),
    pathLiteral: tsString(route.path),
    broker: route.broker,
    declare: route.declare,
    exchange: exchangeLiteral(route),
    queue: queueLiteral(route),
    routingKey: routingKeyLiteral(route),
    mandatory: route.mandatory,
    persistent: route.persistent,
    timeoutMs: route.timeoutMs,
    replyTimeoutMs: route.reply ? route.reply.timeoutMs : null,
    outputEncoding: tsString(route.outputEncoding),
    jwt: route.jwt ? settingLines(route.jwt) : null,
    rateLimit: route.rateLimit ? settingLines(route.rateLimit) : null,
    botDetectors: route.botDetectors.map((detector, index) => ({
      name: `BOT_DETECTOR_${index + 1}`,
      whose: detector.from === "service" ? "The service's" : "The endpoint's",
      lines: settingLines(detector.settings),
    })),
    isBot:
      route.botDetectors.length === 0
        ? null
        : route.botDetectors.length === 1
          ? "BOT_DETECTOR_1"
          : `(request) => ${route.botDetectors.map((_, index) => `BOT_DETECTOR_${index + 1}(request)`).join(" || ")}`,
  };
}

interface TrieNode {
  static: Map<string, TrieNode>;
  param: TrieNode | null;
  routes: Map<string, number>;
}

/** The dispatch tree as a TS expression: Maps for static segments, so no key can reach a prototype. */
export function dispatchTree(plans: readonly RoutePlan[]): string {
  const root: TrieNode = { static: new Map(), param: null, routes: new Map() };
  plans.forEach((p, index) => {
    let node = root;
    for (const segment of p.route.segments) {
      if (segment.kind === "static") {
        let next = node.static.get(segment.value);
        if (!next) {
          next = { static: new Map(), param: null, routes: new Map() };
          node.static.set(segment.value, next);
        }
        node = next;
      } else {
        node = node.param ??= { static: new Map(), param: null, routes: new Map() };
      }
    }
    node.routes.set(p.route.method, index);
  });
  const render = (node: TrieNode, indent: string): string => {
    const inner = indent + "  ";
    const parts: string[] = [];
    if (node.static.size > 0) {
      const entries = [...node.static.keys()].sort().map((key) => `${inner}  [${tsString(key)}, ${render(node.static.get(key) as TrieNode, inner + "  ")}],`);
      parts.push(`${inner}static: new Map<string, DispatchNode>([\n${entries.join("\n")}\n${inner}]),`);
    }
    if (node.param) parts.push(`${inner}param: ${render(node.param, inner)},`);
    if (node.routes.size > 0) {
      const entries = [...node.routes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([m, i]) => `${m}: ${i}`);
      parts.push(`${inner}routes: { ${entries.join(", ")} },`);
    }
    return parts.length === 0 ? "{}" : `{\n${parts.join("\n")}\n${indent}}`;
  };
  return render(root, "");
}

export function bodyView(
  program: ProgramIR,
  p: RoutePlan,
  body: { readonly types: string; readonly validator: string; readonly unsupported: readonly string[] },
): BodyView {
  return {
    source: sourceLine(program, p.route, '"validation/json-schema"'),
    commentPath: commentText(`${p.route.method} ${p.route.path}`),
    unsupported: body.unsupported.map((u) => commentText(u)),
    types: body.types,
    validator: body.validator,
  };
}

/**
 * What a consumer must be told: the queue when the route declares none; binding keys when no one
 * key matches all of its messages (a direct exchange keyed by a path param).
 */
function consumerOptionsType(route: RouteIR): string {
  const needsKeys = route.queue ? route.queue.bindingKey === null : route.exchange.type === "direct" && route.routingKey.kind === "param";
  const needed = [route.queue ? null : "readonly queue: string", needsKeys ? "readonly bindingKeys: readonly string[]" : null].filter((n) => n !== null);
  return needed.length === 0 ? "options?: ConsumeOptions" : `options: ConsumeOptions & { ${needed.join("; ")} }`;
}

/** `routeFile`: the route file's own view, whose `RouteInfo` literal the consumer writes too (and whose body, when it has one, it reads). */
export function consumerView(program: ProgramIR, p: RoutePlan, routeFile: RouteView): ConsumerView {
  const route = p.route;
  const headers = messageHeaders(route);
  const required = messageProperties(route).filter((fact) => fact.required);
  const module = (file: string) => file.replace(/^routes\//, "").replace(/\.ts$/, ".js");
  // The body schema compiled: the route file imports its module.
  const validated = routeFile.body !== null;
  const info = Object.fromEntries(ROUTE_INFO_FIELDS.map((field) => [field, routeFile[field]])) as Pick<RouteView, RouteInfoFields>;
  return {
    ...info,
    source: sourceLine(program, route),
    runtimeImports: RUNTIME_IMPORTS_SLOT,
    commentPath: commentText(`${route.method} ${route.path}`),
    typeName: p.typeName,
    id: p.id,
    routeModule: module(p.file),
    body: p.bodyFile && validated ? { module: module(p.bodyFile), type: `${p.typeName}Body`, validator: `validate${p.typeName}Body` } : null,
    bodyType: p.bodyFile && validated ? `${p.typeName}Body` : "Buffer",
    headers: headers.known.map((h) => ({ key: typeKey(h.name), required: h.required, comment: commentText(h.description, 200) })),
    othersComment:
      headers.others === "forwarded"
        ? "Any other request header (input_headers [*]), or trace context a tracing subscriber adds (plain strings)."
        : "Trace context a tracing subscriber adds (traceparent, tracestate): plain strings.",
    properties: required.map((fact) => ({ name: fact.name, type: fact.type === "integer" ? "number" : "string", comment: commentText(fact.description, 200) })),
    constName: `${p.typeName.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}_SHAPE`,
    requiredHeaders: tsLiteral(headers.known.filter((h) => h.required).map((h) => h.name)),
    optionalHeaders: tsLiteral(headers.known.filter((h) => !h.required).map((h) => h.name)),
    otherHeaders: tsString(headers.others),
    requiredProperties: tsLiteral(required.map((fact) => fact.name)),
    replyTimeoutMs: routeFile.replyTimeoutMs,
    hasQueue: route.queue !== null,
    optionsType: consumerOptionsType(route),
    queueComment: route.queue ? `\`${commentText(route.queue.name)}\`` : "",
  };
}

export function indexView(program: ProgramIR, plans: readonly RoutePlan[]): IndexView {
  return {
    source: sourceLine(program),
    routes: plans.map((p) => ({ id: p.id, module: p.module })),
    brokers: program.brokers.map(brokerLiteral),
    tree: dispatchTree(plans),
    httpSecurity: program.httpSecurity ? settingLines(program.httpSecurity) : null,
    cors: program.cors ? settingLines(program.cors) : null,
    trustedProxies: program.trustedProxies.length > 0 ? tsLiteral(program.trustedProxies) : null,
    stages:
      program.cors || program.httpSecurity
        ? `{ ${[program.cors ? "cors: CORS" : null, program.httpSecurity ? "http: HTTP_SECURITY" : null].filter((s) => s !== null).join(", ")} }`
        : null,
  };
}

export function adapterView(program: ProgramIR, plans: readonly RoutePlan[]): AdapterView {
  return { source: sourceLine(program), routes: plans.map((p) => commentText(`${p.route.method} ${p.route.path}`)) };
}
