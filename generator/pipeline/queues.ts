/**
 * Which routes' messages reach each route's queue, as the broker routes them: a queue bound to an
 * exchange takes every message whose routing key its binding matches, whichever route published
 * it. A typed consumer of one route would reject the others' messages as not its own (AG254).
 */
import { Diagnostics } from "../diagnostics/catalogue.js";
import { type Diagnostic, diagnosticAt } from "../diagnostics/diagnostics.js";
import type { ProgramIR, RouteIR } from "./ir.js";
import type { SourceMap } from "./load.js";

/** Whether a topic binding (`orders.*`, `#`) matches a routing key, as RabbitMQ matches them. */
function topicMatches(binding: string, key: string): boolean {
  const pattern = binding.split(".");
  const words = key.split(".");
  const match = (p: number, w: number): boolean => {
    if (p === pattern.length) return w === words.length;
    if (pattern[p] === "#") {
      for (let k = w; k <= words.length; k++) if (match(p + 1, k)) return true;
      return false;
    }
    if (w === words.length) return false;
    return (pattern[p] === "*" || pattern[p] === words[w]) && match(p + 1, w + 1);
  };
  return match(0, 0);
}

/** Whether a binding of `queue`'s route could take a message of `other` (a key from a param could be anything). */
function reaches(binding: RouteIR, other: RouteIR): boolean {
  if (binding.broker !== other.broker || binding.exchange.name !== other.exchange.name || !binding.queue) return false;
  const { bindingKey } = binding.queue;
  if (bindingKey === null) return false;
  const type = binding.exchange.type;
  if (type === "fanout" || type === "headers") return true;
  if (other.routingKey.kind === "param") return true;
  const key = other.routingKey.kind === "static" ? other.routingKey.value : "";
  return type === "direct" ? bindingKey === key : topicMatches(bindingKey, key);
}

/** For each route with a queue: the other routes whose messages may reach that queue. */
function sharedQueues(routes: readonly RouteIR[]): { route: RouteIR; others: RouteIR[] }[] {
  const out: { route: RouteIR; others: RouteIR[] }[] = [];
  for (const route of routes) {
    const queue = route.queue;
    if (!queue) continue;
    // Every route that declares and binds the same queue adds its binding to it.
    const bindings = routes.filter((r) => r.broker === route.broker && r.queue?.name === queue.name);
    const others = routes.filter((other) => other !== route && bindings.some((b) => reaches(b, other)));
    if (others.length > 0) out.push({ route, others });
  }
  return out;
}

/** AG254 (with --consumers): each route whose queue can receive other routes' messages, at its queue's `name`. */
export function sharedQueueDiagnostics(program: ProgramIR, file: string, source: SourceMap): Diagnostic[] {
  const name = (r: RouteIR) => `${r.method} ${r.path}`;
  return sharedQueues(program.routes).map(({ route, others }) => {
    const pointer = `${route.pointer}/name`;
    return diagnosticAt(
      Diagnostics.AG254({ queue: route.queue?.name ?? "", route: name(route), others: others.map(name) }),
      file,
      source.locate(pointer),
      pointer,
    );
  });
}
