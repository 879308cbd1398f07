/**
 * Phase 5: emit. The plan in, file contents out, through the handlebars templates in
 * `templates/`. Every value from the config reaches the templates already rendered as a
 * TypeScript literal (literal.ts) or as comment-safe text; templates never see raw JSON.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import type { BrokerIR, ProgramIR, RouteIR } from "./ir.js";
import { commentText, propertyKey, tsLiteral, tsString, typeKey } from "./literal.js";
import type { RoutePlan } from "./plan.js";
import { TEMPLATE_DIR } from "./paths.js";

export interface GeneratedFile {
  /** Relative to the output folder, with `/` separators. */
  path: string;
  content: string;
}

type Template = (view: object) => string;

export interface Templates {
  route: Template;
  index: Template;
  runtime: Template;
  body: Template;
  adapters: Record<Adapter, Template>;
}

/** HTTP frameworks an adapter can be generated for (`adapters/<name>.ts`), besides `node:http`. */
export const ADAPTERS = ["express", "fastify", "hono"] as const;
export type Adapter = (typeof ADAPTERS)[number];

const TEMPLATE_FILES = {
  route: "route.ts.hbs",
  index: "index.ts.hbs",
  runtime: "runtime.ts.hbs",
  body: "body.ts.hbs",
  express: "adapter-express.ts.hbs",
  fastify: "adapter-fastify.ts.hbs",
  hono: "adapter-hono.ts.hbs",
} as const;

/** Compiles the templates, each from `overrides` when it has one (`--templates`), else from the package. */
export function loadTemplates(overrides?: string): Templates {
  const hb = Handlebars.create();
  const pick = (name: string) => {
    if (overrides) {
      try {
        return readFileSync(join(overrides, name), "utf8");
      } catch {
        /* not overridden */
      }
    }
    return readFileSync(join(TEMPLATE_DIR, name), "utf8");
  };
  for (const file of readdirSync(TEMPLATE_DIR)) {
    if (file.endsWith(".hbs") && !Object.values(TEMPLATE_FILES).includes(file as never)) {
      hb.registerPartial(file.replace(/\.hbs$/, ""), pick(file));
    }
  }
  const compile = (file: string): Template => {
    const render = hb.compile(pick(file), { noEscape: true, strict: true, knownHelpersOnly: true });
    return (view) => {
      try {
        return render(view);
      } catch (err) {
        // Name the template: with --templates, the error is in the user's file.
        throw new Error(`${file}: ${err instanceof Error ? err.message.replace(/ in \[object Object\]/, "") : String(err)}`);
      }
    };
  };
  return {
    route: compile(TEMPLATE_FILES.route),
    index: compile(TEMPLATE_FILES.index),
    runtime: compile(TEMPLATE_FILES.runtime),
    body: compile(TEMPLATE_FILES.body),
    adapters: {
      express: compile(TEMPLATE_FILES.express),
      fastify: compile(TEMPLATE_FILES.fastify),
      hono: compile(TEMPLATE_FILES.hono),
    },
  };
}

/**
 * Source line of generated files: the config's base name and the endpoint (`METHOD path`, unique
 * among routes), never an absolute path nor an array index that would change with endpoint order.
 */
function sourceLine(program: ProgramIR, route?: RouteIR, part?: string): string {
  const base = program.source.split(/[\\/]/).pop() ?? "krakend.json";
  if (!route) return commentText(base, 200);
  return commentText(`${base}, endpoint ${route.method} ${route.path}${part ? `, ${part}` : ""}`, 200);
}

function exchangeLiteral(route: RouteIR): string {
  const e = route.exchange;
  return `{ name: ${tsString(e.name)}, type: "topic", durable: ${e.durable}, autoDelete: ${e.autoDelete} }`;
}

function queueLiteral(route: RouteIR): string {
  const q = route.queue;
  return q ? `{ name: ${tsString(q.name)}, durable: ${q.durable}, bindingKey: ${tsString(q.bindingKey)} }` : "null";
}

function routingKeyLiteral(route: RouteIR): string {
  const rk = route.routingKey;
  switch (rk.kind) {
    case "static":
      return `{ kind: "static", value: ${tsString(rk.value)} }`;
    case "param":
      return `{ kind: "param", param: ${tsString(rk.ref.key)} }`;
    case "empty":
      return `{ kind: "empty" }`;
  }
}

function brokerLiteral(broker: BrokerIR): string {
  return `{ urls: ${tsLiteral(broker.urls)}, maxRetries: ${broker.maxRetries}, backoff: ${tsString(broker.backoff)} }`;
}

function routeView(program: ProgramIR, p: RoutePlan, bodyModule: string | null) {
  const route = p.route;
  const access = (name: string) => `params${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${tsString(name)}]`}`;
  const label = (name: string, what: string) => tsString(`path param {${name}} (${what})`);
  const checks: { name: string; call: string }[] = [];
  const options: string[] = [];
  let routingKeyExpr = 'routingKey: ""';
  if (route.routingKey.kind === "static") routingKeyExpr = `routingKey: ${tsString(route.routingKey.value)}`;
  if (route.routingKey.kind === "param") {
    checks.push({ name: "routingKey", call: `shortString(${access(route.routingKey.ref.param.name)}, ${label(route.routingKey.ref.param.name, "routing key")})` });
    routingKeyExpr = "routingKey";
  }
  const runtime = new Set(["RequestError", "contentType", "forwardHeaders", "timestampSeconds", "type Outgoing", "type PublishOptions", "type Route"]);
  if (route.persistent) options.push("persistent: true");
  if (route.expiration) {
    checks.push({ name: "expiration", call: `checkExpiration(${access(route.expiration.param.name)}, ${label(route.expiration.param.name, "expiration")})` });
    options.push("expiration");
    runtime.add("expiration as checkExpiration");
  }
  if (route.replyTo) {
    checks.push({ name: "replyTo", call: `shortString(${access(route.replyTo.param.name)}, ${label(route.replyTo.param.name, "reply-to")})` });
    options.push("replyTo");
  }
  if (route.messageId) {
    checks.push({ name: "messageId", call: `shortString(${access(route.messageId.param.name)}, ${label(route.messageId.param.name, "message id")})` });
    options.push("messageId");
  }
  if (route.priority) {
    checks.push({ name: "priority", call: `checkPriority(${access(route.priority.param.name)}, ${label(route.priority.param.name, "priority")})` });
    options.push("priority");
    runtime.add("priority as checkPriority");
  }
  if (checks.some((c) => c.call.startsWith("shortString("))) runtime.add("shortString");
  options.push("headers: forwardHeaders(request, INPUT_HEADERS)", "timestamp: timestampSeconds()");
  const sortedImports = [...runtime].sort((a, b) => a.replace(/^type /, "").localeCompare(b.replace(/^type /, "")));

  return {
    source: sourceLine(program, route),
    runtimeImports: sortedImports.join(", "),
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
    usesParams: checks.length > 0,
    checks,
    options,
    routingKeyExpr,
    inputHeaders: route.inputHeaders === "*" ? `"*"` : tsLiteral(route.inputHeaders),
    idLiteral: tsString(p.id),
    methodLiteral: tsString(route.method),
    pathLiteral: tsString(route.path),
    broker: route.broker,
    exchange: exchangeLiteral(route),
    queue: queueLiteral(route),
    routingKey: routingKeyLiteral(route),
    mandatory: route.mandatory,
    persistent: route.persistent,
    timeoutMs: route.timeoutMs,
    outputEncoding: tsString(route.outputEncoding),
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
        if (!next) node.static.set(segment.value, (next = { static: new Map(), param: null, routes: new Map() }));
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
      const entries = [...node.routes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([m, i]) => `${m}: ${i}`);
      parts.push(`${inner}routes: { ${entries.join(", ")} },`);
    }
    return parts.length === 0 ? "{}" : `{\n${parts.join("\n")}\n${indent}}`;
  };
  return render(root, "");
}

const GITATTRIBUTES = [
  "# Code generated by amqp-gen. DO NOT EDIT.",
  "# Marks this folder as generated, so that code review folds it; regenerate, do not edit.",
  "* linguist-generated=true",
  "",
].join("\n");

export interface BodyCode {
  types: string;
  validator: string;
  unsupported: string[];
}

export function emit(
  program: ProgramIR,
  plans: readonly RoutePlan[],
  templates: Templates,
  bodies: ReadonlyMap<RoutePlan, BodyCode>,
  adapters: readonly Adapter[] = [],
): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const tidy = (text: string) => text.replace(/\r\n?/g, "\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
  files.push({ path: "runtime.ts", content: tidy(templates.runtime({ source: false })) });
  for (const p of plans) {
    const body = bodies.get(p);
    const bodyModule = p.bodyFile && body ? p.bodyFile.replace(/^routes\//, "").replace(/\.ts$/, ".js") : null;
    files.push({ path: p.file, content: tidy(templates.route(routeView(program, p, bodyModule))) });
    if (p.bodyFile && body) {
      files.push({
        path: p.bodyFile,
        content: tidy(
          templates.body({
            source: sourceLine(program, p.route, '"validation/json-schema"'),
            commentPath: commentText(`${p.route.method} ${p.route.path}`),
            unsupported: body.unsupported.map((u) => commentText(u)),
            types: body.types,
            validator: body.validator,
          }),
        ),
      });
    }
  }
  files.push({
    path: "index.ts",
    content: tidy(
      templates.index({
        source: sourceLine(program),
        routes: plans.map((p) => ({ id: p.id, module: p.module })),
        brokers: program.brokers.map(brokerLiteral),
        tree: dispatchTree(plans),
      }),
    ),
  });
  if (adapters.length > 0) {
    // Adapters route through index.ts's dispatch tree: they only need to say what they serve.
    const view = { source: sourceLine(program), routes: plans.map((p) => commentText(`${p.route.method} ${p.route.path}`)) };
    for (const adapter of ADAPTERS.filter((a) => adapters.includes(a))) {
      files.push({ path: `adapters/${adapter}.ts`, content: tidy(templates.adapters[adapter](view)) });
    }
  }
  // Review tools (GitHub's linguist, and others reading .gitattributes) fold generated files.
  files.push({ path: ".gitattributes", content: GITATTRIBUTES });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
