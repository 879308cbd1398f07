/**
 * Routing: the dispatch tree built at generation time, walked per request without splitting
 * the path in the common case; percent-decoding only for paths that need it.
 */
import { errorAnswer } from "./answers.js";
import { RequestError, type DispatchNode, type HttpAnswer, type HttpMethod, type Route, type RouteMatch } from "./types.js";

/** The node a list of (decoded) segments leads to: static segments first, then a param. */
function lookup(node: DispatchNode, segments: readonly string[], index: number): DispatchNode | null {
  if (index === segments.length) return node.routes ? node : null;
  const segment = segments[index] ?? "";
  const next = node.static?.get(segment);
  if (next) {
    const found = lookup(next, segments, index + 1);
    if (found) return found;
  }
  if (node.param && segment !== "") return lookup(node.param, segments, index + 1);
  return null;
}

/**
 * The same walk straight on a path with nothing to decode (no `%`), segment by segment, without
 * splitting it first: the common case, and the hot path of every request. `segments` collects
 * the segments of the path that matched.
 */
function walk(node: DispatchNode, path: string, start: number, segments: string[]): DispatchNode | null {
  let end = path.indexOf("/", start);
  if (end === -1) end = path.length;
  const segment = path.slice(start, end);
  const last = end === path.length;
  segments.push(segment);
  const next = node.static?.get(segment);
  if (next) {
    const found = last ? (next.routes ? next : null) : walk(next, path, end + 1, segments);
    if (found) return found;
  }
  const param = node.param;
  if (param && segment !== "") {
    const found = last ? (param.routes ? param : null) : walk(param, path, end + 1, segments);
    if (found) return found;
  }
  segments.pop();
  return null;
}

/** Routes a method and a raw request target: the route, or the 404 / 405 (with `Allow`) answer. */
export function matchRoute(routes: readonly Route[], tree: DispatchNode, method: string, target: string): RouteMatch | HttpAnswer {
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  let segments: string[] = [];
  let node: DispatchNode | null;
  if (path.indexOf("%") === -1) {
    node = path.charCodeAt(0) === 47 /* "/" */ ? walk(tree, path, 1, segments) : null;
  } else {
    // Split first, then decode each segment: static segments compare decoded (`/caf%C3%A9` is
    // `/café`, as KrakenD matches), and a `%2F` inside a param stays inside that param.
    const parts = path.split("/");
    parts.shift(); // before the leading slash
    const decoded = decodeSegments(parts);
    if (decoded instanceof RequestError) return errorAnswer(decoded.status, decoded.message);
    segments = decoded;
    node = lookup(tree, segments, 0);
  }
  if (!node?.routes) return errorAnswer(404, "no route for this path");
  const index = node.routes[method as HttpMethod];
  const route = index === undefined ? undefined : routes[index];
  if (!route) return errorAnswer(405, "method not allowed", { Allow: Object.keys(node.routes).sort().join(", ") });
  return { route, segments };
}

/**
 * The request target below a mount path (`/amqp`, `/t/:tenant`...): as many leading segments
 * dropped as the mount path has, nothing decoded. `("/amqp/orders/1?x", "/amqp")` → `/orders/1?x`.
 */
export function targetBelow(target: string, mountPath: string): string {
  const depth = mountPath.split("/").filter((s) => s !== "").length;
  if (depth === 0) return target;
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  const rest = path.split("/").slice(1 + depth);
  return `/${rest.join("/")}${query === -1 ? "" : target.slice(query)}`;
}

/** Percent-decodes each segment in place; most have no `%` and are left as they are. */
function decodeSegments(segments: string[]): string[] | RequestError {
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (segment.indexOf("%") === -1) continue;
    try {
      segments[i] = decodeURIComponent(segment);
    } catch {
      return new RequestError(400, "the path is not valid percent-encoding");
    }
  }
  return segments;
}
