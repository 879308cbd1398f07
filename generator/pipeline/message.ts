/**
 * What one message of a route carries, beyond its body: the headers the generated code writes
 * (`forwardHeaders` in runtime/checks.ts, then the JWT check's propagated claims) and the AMQP
 * properties it sets. One place, read by asyncapi.json (the contract) and by the typed
 * consumers (which check it), so that the two cannot disagree.
 */
import { DIRECT_REPLY_TO, USER_AGENT } from "../../templates/runtime/checks.js";
import type { ParamRef, RouteIR } from "./ir.js";

export interface HeaderFact {
  /** As the message carries it (canonical). */
  readonly name: string;
  /** Whether every message has it. */
  readonly required: boolean;
  /** At most one item. */
  readonly single: boolean;
  /** May be an empty list (a claim that is an empty list); else at least one item. */
  readonly mayBeEmpty?: boolean;
  readonly description: string;
}

export interface MessageHeaders {
  readonly known: readonly HeaderFact[];
  /**
   * Any other header: with `input_headers: ["*"]`, every request header (arrays of strings);
   * else only what a tracing subscriber adds (trace context, plain strings).
   */
  readonly others: "forwarded" | "trace-context";
}

/** AMQP properties that come from the request, by amqplib's names. */
export type PropertyName = "messageId" | "priority" | "expiration" | "replyTo" | "correlationId" | "contentType";

export interface PropertyFact {
  readonly name: PropertyName;
  readonly required: boolean;
  readonly type: "string" | "integer";
  readonly description: string;
  /** The path param it is taken from, when it is. */
  readonly param: string | null;
  /** A pattern every value matches, when there is one. */
  readonly pattern: string | null;
}

/** A path param, as a reader is told of it. */
export const paramText = (ref: ParamRef) => `the path param {${ref.param.name}}`;

const quoted = (text: string) => JSON.stringify(text);

export function messageHeaders(route: RouteIR): MessageHeaders {
  const all = route.inputHeaders === "*";
  const listed = all ? [] : (route.inputHeaders as readonly string[]);
  const known = new Map<string, HeaderFact>();
  const add = (fact: HeaderFact) => known.set(fact.name, fact);
  for (const name of listed) {
    add({ name, required: false, single: false, description: `The request's ${name} header: one item per header line.` });
  }
  // Written for every request, replacing a forwarded header of the same name.
  add({ name: "X-Forwarded-For", required: true, single: true, description: "The address of the client's connection." });
  add({ name: "X-Forwarded-Host", required: true, single: true, description: "The request's Host header." });
  const userAgentForwarded = all || listed.includes("User-Agent");
  add({
    name: "User-Agent",
    required: true,
    single: !userAgentForwarded,
    description: userAgentForwarded
      ? `The client's User-Agent header (one item per line), or ${quoted(USER_AGENT)} when it sent none.`
      : `Always ${quoted(USER_AGENT)}: the client's User-Agent is not forwarded.`,
  });
  if (userAgentForwarded) {
    // The client's own X-Forwarded-Via, when forwarded and it sent no User-Agent, may have several lines.
    const clientVia = all || listed.includes("X-Forwarded-Via");
    add({
      name: "X-Forwarded-Via",
      required: false,
      single: !clientVia,
      description: `${quoted(USER_AGENT)}, when the client's User-Agent is forwarded${clientVia ? "; else the client's own, when it sent one" : ""}.`,
    });
  }
  // A claim reaches the message only when the endpoint forwards its header (runtime/http.ts
  // withHeaders; AG241 says so at generation).
  for (const [claim, header] of route.jwt?.propagate ?? []) {
    if (!all && !listed.includes(header)) continue;
    const list = route.jwt?.preserveArrays ? " (one item per element when the claim is a list, none for an empty one)" : "";
    add({
      name: header,
      required: true,
      single: !route.jwt?.preserveArrays,
      mayBeEmpty: route.jwt?.preserveArrays === true,
      description: `The token's claim ${quoted(claim.join("."))}${list}; replaces a client header of the same name.`,
    });
  }
  return { known: [...known.values()], others: all ? "forwarded" : "trace-context" };
}

export function messageProperties(route: RouteIR): PropertyFact[] {
  const facts: PropertyFact[] = [];
  const fromParam = (name: PropertyName, ref: ParamRef | null, type: PropertyFact["type"]) => {
    if (ref) facts.push({ name, required: true, type, description: `From ${paramText(ref)}.`, param: ref.param.name, pattern: null });
  };
  fromParam("messageId", route.messageId, "string");
  fromParam("priority", route.priority, "integer");
  fromParam("expiration", route.expiration, "string");
  // A request-reply route's reply_to is its own: the publisher sets it.
  if (!route.reply) fromParam("replyTo", route.replyTo, "string");
  if (route.reply) {
    facts.push({
      name: "replyTo",
      required: true,
      type: "string",
      description:
        "Direct reply-to: the broker gives each request an address of its own under amq.rabbitmq.reply-to; answer on the default exchange with it as the routing key.",
      param: null,
      pattern: `^${DIRECT_REPLY_TO.replace(/\./g, "\\.")}`,
    });
    facts.push({ name: "correlationId", required: true, type: "string", description: "Copy it into the reply's correlation_id.", param: null, pattern: null });
  }
  const forwardsContentType = route.inputHeaders === "*" || route.inputHeaders.some((h) => h.toLowerCase() === "content-type");
  if (forwardsContentType) {
    facts.push({
      name: "contentType",
      required: false,
      type: "string",
      description: "The request's Content-Type header (its first line), when it sent one.",
      param: null,
      pattern: null,
    });
  }
  return facts;
}
