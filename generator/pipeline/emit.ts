/**
 * Phase 5: emit. The plan in, file contents out, through the handlebars templates in
 * `templates/`. Every value from the config reaches the templates already rendered as a
 * TypeScript literal (literal.ts) or as comment-safe text; templates never see raw JSON.
 */
import type { BrokerIR, ProgramIR, RouteIR } from "./ir.js";
import { commentText, propertyKey, tsLiteral, tsString, typeKey } from "./literal.js";
import type { RoutePlan } from "./plan.js";
import { GENERATED_HEADER, runtimeFiles, runtimeImportLines } from "./runtime-source.js";
import { ADAPTERS, type Adapter, type Templates } from "./templates.js";

/**
 * What the route template writes where its runtime imports go (`{{runtimeImports}}`): replaced,
 * once the file is rendered, by the import lines of the runtime names the file uses. Route code
 * is made here, so every name in it is known; index.ts and the adapters state their imports.
 */
const RUNTIME_IMPORTS_SLOT = "\u0000runtime imports\u0000";

export interface GeneratedFile {
  /** Relative to the output folder, with `/` separators. */
  path: string;
  content: string;
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
  checks.push({ name: "headers", call: "forwardHeaders(request, INPUT_HEADERS)" }, { name: "type", call: "contentType(request, INPUT_HEADERS)" });
  options.push("headers", "timestamp: timestampSeconds()");

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

const GITATTRIBUTES = [
  GENERATED_HEADER.replace(/^\/\//, "#"),
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
  onFile?: (file: GeneratedFile) => void,
): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const add = (file: GeneratedFile) => {
    files.push(file);
    onFile?.(file);
  };
  // The regex passes run only when needed: a template checked out with CRLF, or runs of blank
  // lines where a section was left out.
  const normalised = (text: string) => {
    if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
    if (text.includes("\n\n\n")) text = text.replace(/\n{3,}/g, "\n\n");
    return text.trimEnd() + "\n";
  };
  /** A rendered file whose runtime imports slot is filled in from what the rest of it uses. */
  const withImports = (path: string, text: string) => {
    const slot = text.indexOf(RUNTIME_IMPORTS_SLOT);
    if (slot === -1) return { path, content: normalised(text) };
    const code = text.slice(0, slot) + text.slice(slot + RUNTIME_IMPORTS_SLOT.length);
    const lines = runtimeImportLines(code, path.split("/").length - 1);
    return { path, content: normalised(text.slice(0, slot) + lines + text.slice(slot + RUNTIME_IMPORTS_SLOT.length)) };
  };
  for (const file of runtimeFiles()) add(file);
  for (const p of plans) {
    const body = bodies.get(p);
    const bodyModule = p.bodyFile && body ? p.bodyFile.replace(/^routes\//, "").replace(/\.ts$/, ".js") : null;
    add(withImports(p.file, templates.route(routeView(program, p, bodyModule))));
    if (p.bodyFile && body) {
      add({
        path: p.bodyFile,
        content: normalised(
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
  add({
    path: "index.ts",
    content: normalised(
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
      add({ path: `adapters/${adapter}.ts`, content: normalised(templates.adapters[adapter](view)) });
    }
  }
  // Review tools (GitHub's linguist, and others reading .gitattributes) fold generated files.
  add({ path: ".gitattributes", content: GITATTRIBUTES });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
