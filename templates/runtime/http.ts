/**
 * HTTP: one framework-independent handler (`answerRequestFor`, `handleRequest`), and the
 * `node:http` listener as a thin wrapper over it. The adapters in adapters/ wrap it too.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { answer, DEFAULT_PROBES, errorAnswer, failure, replyAnswer, SUCCESS_ANSWERS } from "./answers.js";
import { proxyList } from "./checks.js";
import { matchRoute } from "./dispatch.js";
import { errorText } from "./log.js";
import { tracedPublish } from "./tracing.js";
import {
  RequestError,
  type AnswerOptions,
  type DispatchNode,
  type HttpAnswer,
  type ListenerOptions,
  type Outgoing,
  type ProbeOptions,
  type Publisher,
  type Route,
  type RouteInfo,
  type RouteMatch,
  type ServiceStages,
} from "./types.js";

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | RequestError | null> {
  if (request.destroyed && !request.complete) return Promise.resolve(null); // gone before we started
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > limit) return Promise.resolve(new RequestError(413, `the body is larger than ${limit} bytes`));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | RequestError | null) => {
      if (done) return;
      done = true;
      resolve(value);
    };
    request.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        finish(new RequestError(413, `the body is larger than ${limit} bytes`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    // One chunk, the usual case for a small body, is used as it is: no copy.
    request.on("end", () => finish(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    request.on("error", () => finish(null));
    request.on("close", () => {
      if (!request.complete) finish(null); // the client went away: publish nothing
    });
  });
}

/**
 * The body given by a framework, or read from the request stream; null when the client went
 * away. Not async: a body read from the stream is its promise, with none wrapped around it.
 */
function bodyOf(request: IncomingMessage, given: Buffer | undefined, limit: number): Buffer | RequestError | Promise<Buffer | RequestError | null> {
  if (given !== undefined) {
    const declared = Number(request.headers["content-length"] ?? "0");
    return declared > limit || given.length > limit ? new RequestError(413, `the body is larger than ${limit} bytes`) : given;
  }
  if (request.readableDidRead) {
    // Its bytes are gone: publishing anything else would not be the request's body.
    throw new Error("the request body was already read by another handler (a body parser?) and was not passed on");
  }
  return readBody(request, limit);
}

/**
 * The message with the headers authentication added (propagated claims), each replacing one of
 * the same name the client sent, so that a client cannot forge a claim. As in KrakenD, a claim
 * reaches the message only when the endpoint forwards its header (`input_headers`, or `*`).
 */
function withHeaders(outgoing: Outgoing, added: Readonly<Record<string, readonly string[]>>, inputHeaders: RouteInfo["inputHeaders"]): Outgoing {
  const names = Object.keys(added);
  if (names.length === 0) return outgoing;
  const headers: Record<string, unknown> = { ...(outgoing.options.headers as Record<string, unknown> | undefined) };
  for (const name of names) {
    delete headers[name];
    if (inputHeaders === "*" || inputHeaders.includes(name)) headers[name] = added[name];
  }
  return { routingKey: outgoing.routingKey, options: { ...outgoing.options, headers } };
}

/**
 * Everything after routing, for one request: check the credentials, decode the params, build
 * the message, check the broker's availability, read the body (limit), validate it, publish, and
 * say what to answer.
 * Resolves to null when the client went away before its body was read: nothing to answer.
 */
export async function handleRequest(
  match: RouteMatch,
  request: IncomingMessage,
  publisher: Publisher,
  options: AnswerOptions = {},
): Promise<HttpAnswer | null> {
  const { route, segments } = match;
  // KrakenD's order: bots, then credentials, then rate limits; all before the params, the broker and the body.
  if (route.isBot?.(request)) return answer(403, "", { "Content-Type": "text/plain; charset=utf-8" });
  const auth = route.authenticate ? await route.authenticate(request) : null;
  if (auth && !auth.ok) return errorAnswer(auth.status, auth.message, auth.headers);
  // Rate limits after the credentials, as KrakenD: anonymous requests spend no tokens.
  const limited = route.limit ? route.limit(request, segments, proxyList(options.trustedProxies)) : null;
  if (limited) return { ...errorAnswer(limited.status, limited.message, { "Retry-After": String(limited.retryAfter) }), limited: true };
  const prepared = route.prepare(segments, request);
  if (prepared instanceof RequestError) return errorAnswer(prepared.status, prepared.message);
  const outgoing = auth ? withHeaders(prepared, auth.headers, route.inputHeaders) : prepared;

  const available = publisher.availability(route);
  if (!available.ok) return failure(available);
  const body = await bodyOf(request, options.body, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (body === null) return null; // aborted
  if (body instanceof RequestError) return errorAnswer(body.status, body.message, { Connection: "close" });
  if (route.validateBody) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return errorAnswer(400, "the body is not valid JSON");
    }
    let problem: string | null;
    try {
      problem = route.validateBody(parsed);
    } catch {
      problem = "the body is nested too deeply to validate"; // a stack overflow on hostile input
    }
    if (problem !== null) return errorAnswer(400, problem);
  }
  const result = await tracedPublish(publisher, route, outgoing, body, request);
  if (!result.ok) return failure(result);
  if (result.reply) return replyAnswer(result.reply);
  return SUCCESS_ANSWERS[route.outputEncoding];
}

/**
 * Routing and handling: the answer the `node:http` listener and every adapter give. Never
 * rejects: an unexpected failure is logged and answered 500. Null: the client went away.
 */
export async function answerRequestFor(
  routes: readonly Route[],
  tree: DispatchNode,
  publisher: Publisher,
  request: IncomingMessage,
  options: AnswerOptions = {},
  stages: ServiceStages = {},
): Promise<HttpAnswer | null> {
  const { cors, http } = stages;
  if (!cors && !http) return answerRouted(routes, tree, publisher, request, options);
  try {
    // KrakenD's order: CORS answers preflights before anything; then `security/http`'s own
    // answers; then routing. Each adds its headers to every answer it did not make itself.
    const preflight = cors?.preflight(request);
    if (preflight) return preflight;
    const proxies = proxyList(options.trustedProxies);
    const answer = http?.check(request, proxies) ?? (await answerRouted(routes, tree, publisher, request, options));
    if (!answer) return null;
    return { ...answer, headers: { ...answer.headers, ...http?.headers(request, proxies), ...cors?.headers(request) } };
  } catch (err) {
    process.stderr.write(`[amqp] error: unexpected failure: ${errorText(err)}\n`);
    return errorAnswer(500, "internal error");
  }
}

/** Probes, routing and handling: the answer, before `security/http`'s headers. */
async function answerRouted(
  routes: readonly Route[],
  tree: DispatchNode,
  publisher: Publisher,
  request: IncomingMessage,
  options: AnswerOptions,
): Promise<HttpAnswer | null> {
  let routed: Route | null = null;
  let receivedAt = 0;
  try {
    const target = options.path ?? request.url ?? "/";
    const probe = probeAnswer(publisher, request.method ?? "GET", target, options.probes);
    if (probe) return probe;
    const match = matchRoute(routes, tree, request.method ?? "GET", target);
    if (!("route" in match)) return match;
    routed = match.route;
    receivedAt = performance.now();
    const result = await handleRequest(match, request, publisher, options);
    publisher.recordAnswer(routed, result === null ? null : result.status, receivedAt, result?.limited === true);
    return result;
  } catch (err) {
    process.stderr.write(`[amqp] error: unexpected failure: ${errorText(err)}\n`);
    if (routed) publisher.recordAnswer(routed, 500, receivedAt);
    return errorAnswer(500, "internal error");
  }
}

/**
 * The liveness or readiness answer, when a `GET`/`HEAD` asks for a probe's path (a query string
 * ignored); null for anything else, which is routed as usual.
 */
export function probeAnswer(publisher: Publisher, method: string, target: string, probes: ProbeOptions = {}): HttpAnswer | null {
  if (method !== "GET" && method !== "HEAD") return null;
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  const health = probes.health ?? DEFAULT_PROBES.health;
  const ready = probes.ready ?? DEFAULT_PROBES.ready;
  if (path === health) {
    // KrakenD's /__health body; nothing here depends on the broker.
    return answer(200, JSON.stringify({ agents: {}, now: new Date().toISOString(), status: "ok" }));
  }
  if (path !== ready) return null;
  const brokers = publisher.stats().brokers.map((b) => ({ url: b.url, state: b.blocked ? "blocked" : b.connected ? "connected" : "disconnected" }));
  const isReady = brokers.every((b) => b.state === "connected");
  const body = JSON.stringify({ status: isReady ? "ready" : "unavailable", brokers });
  return answer(isReady ? 200 : 503, body, isReady ? {} : { "Retry-After": "1" });
}

/** Writes an answer on a `node:http` response (unless something was already sent). */
export function writeAnswer(response: ServerResponse, result: HttpAnswer): void {
  if (response.headersSent) return;
  response.writeHead(result.status, result.headers);
  response.end(result.body);
}

export function createListenerFor(
  routes: readonly Route[],
  tree: DispatchNode,
  publisher: Publisher,
  options: ListenerOptions = {},
  stages: ServiceStages = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  const settings: AnswerOptions = {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    probes: options.probes,
    trustedProxies: options.trustedProxies,
  };
  proxyList(settings.trustedProxies); // a list that is not addresses or ranges throws here, at start, not on a request
  return (request, response) => {
    void answerRequestFor(routes, tree, publisher, request, settings, stages).then((result) => {
      if (result !== null) writeAnswer(response, result);
    });
  };
}
