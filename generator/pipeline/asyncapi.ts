/**
 * asyncapi.json: the contract of every message the generated service publishes, in AsyncAPI
 * 3.0.0, for the teams that consume them. Built from the IR alone, so it says what the
 * generated code does: one channel per exchange and routing-key template (with the AMQP channel
 * binding 0.3.0), one `send` operation per route, and per message the headers really written
 * (arrays of strings, as KrakenD writes them), the body's JSON Schema, and the AMQP properties
 * taken from path params. Deterministic: no date, no path, no credential; the version is a hash
 * of the content.
 */
import { createHash } from "node:crypto";
import { unescape as unescapeQuery } from "node:querystring";
import type { BrokerIR, ProgramIR, RouteIR } from "./ir.js";
import { messageHeaders, messageProperties, paramText } from "./message.js";
import { payloadSchema } from "./payload-schema.js";
import type { RoutePlan } from "./plan.js";
import { configFileName } from "./views.js";

export const ASYNCAPI_FILE = "asyncapi.json";
export const ASYNCAPI_VERSION = "3.0.0";
const AMQP_BINDING_VERSION = "0.3.0";

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };
type JsonObject = { [key: string]: Json | undefined };

/** A body schema left out of the document in part: the caller reports each pointer (AG253). */
export interface NotCarried {
  readonly plan: RoutePlan;
  /** Within the endpoint's body schema. */
  readonly pointer: string;
}

export interface AsyncApiResult {
  /** The document's text, formatted, with a final newline. */
  readonly text: string;
  readonly notCarried: readonly NotCarried[];
}

/**
 * The body schemas that compiled (a route without one here is not validated: AG225), each with
 * the pointers of the keywords the producer does not enforce.
 */
export type CompiledBodies = ReadonlyMap<RoutePlan, { readonly unsupported: readonly string[] }>;

const ARRAY_OF_STRINGS = { type: "array", items: { type: "string" } } as const;

/** AsyncAPI's component and channel keys: letters, digits, `.`, `_` and `-`. */
const safeKey = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "") || "_";
const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 6);

/** The routing key as an AsyncAPI address: `{param}` for a key from a param, null when it cannot be written so. */
function address(route: RouteIR): string | null {
  switch (route.routingKey.kind) {
    case "param":
      return `{${route.routingKey.ref.param.name}}`;
    case "empty":
      return "";
    case "static":
      // Braces in a literal key would read as parameters: the key is then in the description only.
      return /[{}]/.test(route.routingKey.value) ? null : route.routingKey.value;
  }
}

function routingKeyText(route: RouteIR): string {
  switch (route.routingKey.kind) {
    case "param":
      return `the value of ${paramText(route.routingKey.ref)}`;
    case "empty":
      return `the empty key (KrakenD publishes with it when "static_routing_key" is not set: ${JSON.stringify(route.routingKey.literal)} is not used)`;
    case "static":
      return JSON.stringify(route.routingKey.value);
  }
}

/** The virtual host an amqp:// URL names, as amqplib reads it: the path without its slash, `/` when empty. */
function vhostOf(url: string): string {
  try {
    const path = new URL(url).pathname.slice(1);
    // As amqplib reads it (querystring's unescape keeps a malformed `%` as it is).
    return path === "" ? "/" : unescapeQuery(path);
  } catch {
    return "/";
  }
}

/** The servers of each broker: `broker` alone, else `broker-<n>` (and `-<m>` for a failover list). */
function serverIds(brokers: readonly BrokerIR[]): string[][] {
  return brokers.map((broker, b) =>
    broker.urls.map((_, u) => {
      const base = brokers.length === 1 ? "broker" : `broker-${b + 1}`;
      return broker.urls.length === 1 ? base : `${base}-${u + 1}`;
    }),
  );
}

function server(url: string, position: string): JsonObject {
  const parsed = new URL(url);
  // Host and port, protocol and virtual host: never the user, password or query.
  const pathname = parsed.pathname && parsed.pathname !== "/" ? parsed.pathname : undefined;
  return {
    host: parsed.host,
    protocol: parsed.protocol.replace(/:$/, ""),
    ...(pathname ? { pathname } : {}),
    description: `RabbitMQ${position}. Credentials are not part of the contract: ask the service's operators.`,
  };
}

/** The headers of a route's messages (message.ts) as a schema. */
function headersSchema(route: RouteIR): JsonObject {
  const headers = messageHeaders(route);
  const properties: JsonObject = {};
  for (const h of headers.known) {
    properties[h.name] = { ...ARRAY_OF_STRINGS, ...(h.mayBeEmpty ? {} : { minItems: 1 }), ...(h.single ? { maxItems: 1 } : {}), description: h.description };
  }
  // A tracing subscriber (the OpenTelemetry adapter) adds its trace context as plain strings.
  const traceContext = {
    type: "string",
    description: "Trace context a tracing subscriber adds (traceparent and tracestate with the W3C propagator).",
  } as const;
  return {
    type: "object",
    description:
      headers.others === "forwarded"
        ? "Every request header but the hop-by-hop ones and Host, as arrays of strings (one item per header line), with canonical names."
        : "The request headers the endpoint forwards (input_headers), as arrays of strings (one item per header line).",
    properties,
    required: headers.known.filter((h) => h.required).map((h) => h.name),
    additionalProperties: headers.others === "forwarded" ? { anyOf: [ARRAY_OF_STRINGS, traceContext] } : traceContext,
  };
}

/** The message's AMQP properties (message.ts), as a schema of amqplib's names for them (`message.properties`). */
function propertiesSchema(route: RouteIR): JsonObject {
  const properties: JsonObject = {
    // A transient message carries no delivery mode: AMQP reads its absence as 1.
    deliveryMode: route.persistent
      ? { const: 2, description: "Persistent: the exchange is durable." }
      : { const: 1, description: "Absent: transient (the exchange is not durable)." },
    timestamp: { type: "integer", description: "When the request was published, in whole seconds since the Unix epoch." },
  };
  const required = [...(route.persistent ? ["deliveryMode"] : []), "timestamp"];
  for (const p of messageProperties(route)) {
    const bounds = p.name === "priority" ? { minimum: 0, maximum: 255 } : p.name === "expiration" ? { pattern: "^[0-9]+$" } : {};
    properties[p.name] = {
      type: p.type,
      ...bounds,
      ...(p.pattern === null ? {} : { pattern: p.pattern }),
      description: p.description,
      ...(p.param === null ? {} : { "x-path-param": p.param }),
    };
    if (p.required) required.push(p.name);
  }
  // Nothing else: amqplib's other properties (type, userId, appId) are never set.
  return { type: "object", properties, required, additionalProperties: false };
}

export function asyncapiDocument(program: ProgramIR, plans: readonly RoutePlan[], bodies: CompiledBodies): AsyncApiResult {
  const notCarried: NotCarried[] = [];
  const ids = serverIds(program.brokers);
  const servers: JsonObject = {};
  program.brokers.forEach((broker, b) => {
    broker.urls.forEach((url, u) => {
      const position = `${program.brokers.length > 1 ? ` (connection ${b + 1})` : ""}${broker.urls.length > 1 ? `, host ${u + 1} of ${broker.urls.length} (tried in order)` : ""}`;
      servers[ids[b]?.[u] as string] = server(url, position);
    });
  });
  const serverRefs = (broker: number) => (ids[broker] ?? []).map((id) => ({ $ref: `#/servers/${id}` }));

  // Channel ids: named for a reader (`orders.by-region` for `{region}`, `events.all` for
  // `events.#`), and unique across the document: a name two channels would share gets a short hash
  // of what tells them apart, on every channel that has it.
  const wanted = new Map<string, string[]>();
  const channelId = (base: string, identity: string) => {
    const identities = wanted.get(base);
    if (identities) identities.push(identity);
    else wanted.set(base, [identity]);
  };
  const finalId = (base: string, identity: string) => ((wanted.get(base)?.length ?? 0) > 1 ? `${base}-${shortHash(identity)}` : base);
  const keyName = (route: RouteIR) =>
    (address(route) ?? "")
      .replace(/\{([^}]*)\}/g, "by-$1")
      .replace(/#/g, "all")
      .replace(/\*/g, "any") || (route.routingKey.kind === "empty" ? "empty-key" : "key");

  // Routes share a channel when they publish to the same exchange (same broker, same settings)
  // with the same key template.
  const byIdentity = new Map<string, RoutePlan[]>();
  for (const p of plans) {
    const { exchange } = p.route;
    const identity = [p.route.broker, exchange.name, exchange.type, exchange.durable, exchange.autoDelete, address(p.route) ?? routingKeyText(p.route)].join(
      "\u0000",
    );
    const group = byIdentity.get(identity);
    if (group) group.push(p);
    else byIdentity.set(identity, [p]);
  }
  const groups = [...byIdentity].map(([identity, group]) => ({
    identity,
    group,
    base: safeKey(`${(group[0] as RoutePlan).route.exchange.name}.${keyName((group[0] as RoutePlan).route)}`),
  }));
  for (const g of groups) channelId(g.base, g.identity);
  const replying = plans.filter((p) => p.route.reply);
  for (const p of replying) channelId(safeKey(`${p.id}.reply`), `reply\u0000${p.id}`);

  const channelOf = new Map<RoutePlan, string>();
  const channels: JsonObject = {};
  const messages: JsonObject = {};
  const schemas: JsonObject = {};
  for (const { identity, group, base } of groups) {
    const id = finalId(base, identity);
    const route = (group[0] as RoutePlan).route;
    const key = address(route);
    const channelMessages: JsonObject = {};
    for (const p of group) {
      channelOf.set(p, id);
      channelMessages[`${p.typeName}Message`] = { $ref: `#/components/messages/${p.typeName}Message` };
    }
    // Every queue the producer declares and binds for these routes.
    const queues = new Map<string, Json>();
    for (const { route: r } of group) {
      if (!r.queue || queues.has(r.queue.name)) continue;
      queues.set(r.queue.name, {
        name: r.queue.name,
        durable: r.queue.durable,
        bindingKey: r.queue.bindingKey,
        ...(Object.keys(r.queue.arguments).length > 0 ? { arguments: { ...r.queue.arguments } } : {}),
        declaredByProducer: r.declare,
      });
    }
    const exchange = route.exchange;
    channels[id] = {
      address: key,
      title: `${exchange.name}: ${routingKeyText(route)}`,
      ...(key === null ? { description: `Routing key ${routingKeyText(route)}.` } : {}),
      ...(route.routingKey.kind === "param"
        ? {
            parameters: {
              [route.routingKey.ref.param.name]: { description: `The routing key: ${paramText(route.routingKey.ref)} of the HTTP request, percent-decoded.` },
            },
          }
        : {}),
      messages: channelMessages,
      ...(program.brokers.length > 1 ? { servers: serverRefs(route.broker) } : {}),
      bindings: {
        amqp: {
          is: "routingKey",
          exchange: {
            name: exchange.name,
            type: exchange.type,
            durable: exchange.durable,
            autoDelete: exchange.autoDelete,
            vhost: vhostOf(program.brokers[route.broker]?.urls[0] ?? ""),
          },
          bindingVersion: AMQP_BINDING_VERSION,
        },
      },
      ...(queues.size > 0 ? { "x-amqp-queues": [...queues.values()] } : {}),
      ...(Object.keys(exchange.arguments).length > 0 ? { "x-amqp-exchange-arguments": { ...exchange.arguments } } : {}),
    };
  }

  const operations: JsonObject = {};
  for (const p of plans) {
    const route = p.route;
    const channel = channelOf.get(p) as string;
    const messageId = `${p.typeName}Message`;
    let payload: Json | undefined;
    const compiled = bodies.get(p);
    if (route.bodySchema && compiled) {
      const name = `${p.typeName}Body`;
      const carried = payloadSchema(route.bodySchema.schema, `#/components/schemas/${name}`, compiled.unsupported);
      for (const pointer of carried.notCarried) notCarried.push({ plan: p, pointer });
      schemas[name] = carried.schema as Json;
      payload = { $ref: `#/components/schemas/${name}` };
    }
    messages[messageId] = {
      name: messageId,
      title: `${route.method} ${route.path}`,
      summary: `The body of a ${route.method} ${route.path} request${payload ? ", validated against the endpoint's JSON Schema" : ", byte for byte (the endpoint does not validate it)"}.`,
      contentType: payload ? "application/json" : "application/octet-stream",
      headers: headersSchema(route),
      ...(payload === undefined ? {} : { payload }),
      "x-amqp-properties": propertiesSchema(route),
    };
    const operation: JsonObject = {
      action: "send",
      title: `${route.method} ${route.path}`,
      summary: `Each ${route.method} ${route.path} request that passes the endpoint's checks, published to ${JSON.stringify(route.exchange.name)} with ${routingKeyText(route)} as the routing key.`,
      channel: { $ref: `#/channels/${channel}` },
      messages: [{ $ref: `#/channels/${channel}/messages/${messageId}` }],
      bindings: {
        amqp: {
          deliveryMode: route.persistent ? 2 : 1,
          mandatory: route.mandatory,
          timestamp: true,
          bindingVersion: AMQP_BINDING_VERSION,
        },
      },
      "x-http": { method: route.method, path: route.path },
    };
    if (route.reply) {
      const replyChannel = finalId(safeKey(`${p.id}.reply`), `reply\u0000${p.id}`);
      const replyMessage = `${p.typeName}Reply`;
      channels[replyChannel] = {
        address: null,
        title: `Replies to ${route.method} ${route.path}`,
        description: `Each request's reply_to (direct reply-to), on the default exchange. The HTTP request waits ${route.reply.timeoutMs} ms for it.`,
        messages: { [replyMessage]: { $ref: `#/components/messages/${replyMessage}` } },
        bindings: {
          amqp: {
            is: "routingKey",
            exchange: { type: "default", vhost: vhostOf(program.brokers[route.broker]?.urls[0] ?? "") },
            bindingVersion: AMQP_BINDING_VERSION,
          },
        },
      };
      messages[replyMessage] = {
        name: replyMessage,
        title: `Reply to ${route.method} ${route.path}`,
        summary: "Answered to the HTTP client as it is: status 200, this body, and this content type (application/octet-stream when it has none).",
        payload: { description: "Any bytes: the HTTP answer's body." },
        "x-amqp-properties": {
          type: "object",
          properties: {
            correlationId: { type: "string", description: "The request message's correlation_id, copied." },
            contentType: { type: "string", description: "The HTTP answer's Content-Type." },
          },
          required: ["correlationId"],
        },
      };
      operation["description"] =
        'Request-reply. The responder publishes its reply to the default exchange ("") with the request\'s reply_to as the routing key and its correlation_id copied, ' +
        `within ${route.reply.timeoutMs} ms; a reply that comes later, or with another correlation_id, is dropped.`;
      operation["reply"] = {
        address: {
          location: "$message.header#/replyTo",
          description: "The request's reply_to: an AMQP property, not a header (AsyncAPI's runtime expressions name only headers and payload).",
          "x-amqp-property": "replyTo",
        },
        channel: { $ref: `#/channels/${replyChannel}` },
        messages: [{ $ref: `#/channels/${replyChannel}/messages/${replyMessage}` }],
      };
    }
    operations[p.id] = operation;
  }

  const document: JsonObject = {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: program.name ?? configFileName(program),
      version: "",
      description: `The messages the service generated by amqp-gen from ${configFileName(program)} publishes to RabbitMQ: one operation per HTTP endpoint. The version is a hash of this document: it changes when the contract does.`,
    },
    ...(Object.keys(servers).length > 0 ? { servers } : {}),
    channels,
    operations,
    components: { messages, ...(Object.keys(schemas).length > 0 ? { schemas } : {}) },
  };
  // One serialisation: the version is the hash of the text with the version empty, put in after.
  // JSON allows U+2028 and U+2029 raw, JavaScript before ES2019 did not: escaped, as in every generated file.
  let text = JSON.stringify(document, null, 2);
  if (/[\u2028\u2029]/.test(text)) text = text.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  const version = createHash("sha256").update(text).digest("hex").slice(0, 12);
  // The first `"version": ""` is info's: `asyncapi` and `info` come first in the document.
  return { text: `${text.replace('"version": ""', `"version": "${version}"`)}\n`, notCarried };
}
