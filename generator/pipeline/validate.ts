/**
 * Phase 2: validate against the published JSON Schema (the same file editors use).
 * Ajv's errors become diagnostics with a location, in the user's words, with a fix.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ErrorObject } from "ajv";
import precompiled from "../generated/krakend-validator.js";
import { Diagnostics, type Finding } from "../diagnostics/catalogue.js";
import { diagnosticAt, joinPointer, parsePointer, type Diagnostic } from "../diagnostics/diagnostics.js";
import type { SourceMap } from "./load.js";
import { SCHEMA_DIR } from "../paths.js";
import { AMQP_GEN_KEY } from "./namespaces.js";
import { closest } from "./text.js";

export const PRODUCER_SCHEMA_FILE = "amqp-producer.schema.json";

/** Field names of the producer block and of its `@amqp-gen` block, for "did you mean" hints on unknown fields. */
interface KnownFields {
  readonly producer: readonly string[];
  readonly amqpGen: readonly string[];
}
let knownFields: KnownFields | null = null;

function fieldsOfProducer(): KnownFields {
  if (knownFields) return knownFields;
  type Properties = { properties?: Record<string, Properties> };
  const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, PRODUCER_SCHEMA_FILE), "utf8")) as Properties;
  knownFields = { producer: Object.keys(schema.properties ?? {}), amqpGen: Object.keys(schema.properties?.[AMQP_GEN_KEY]?.properties ?? {}) };
  return knownFields;
}

const PRODUCER_POINTER = /\/extra_config\/(backend~1amqp~1producer|github\.com~1devopsfaith~1krakend-amqp~1produce)$/;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const token of parsePointer(pointer)) {
    if (node === null || typeof node !== "object") return undefined;
    node = Object.hasOwn(node, token) ? (node as Record<string, unknown>)[token] : undefined;
  }
  return node;
}

function fieldName(pointer: string): string {
  const tokens = parsePointer(pointer);
  const last = tokens[tokens.length - 1];
  return last === undefined ? "the config" : /^\d+$/.test(last) ? `item ${last} of "${tokens[tokens.length - 2] ?? ""}"` : `"${last}"`;
}

export function validate(config: unknown, file: string, source: SourceMap): Diagnostic[] {
  // Compiled ahead of time from schema/ (scripts/gen-validator.ts): no schema compilation per run.
  const check = precompiled;
  if (check(config)) return [];
  const out = new Map<string, Diagnostic>();
  for (const error of check.errors ?? []) {
    const d = describe(error, config, fieldsOfProducer());
    if (!d) continue;
    const key = `${d.pointer}\u0000${d.finding.message}`;
    if (!out.has(key)) out.set(key, diagnosticAt(d.finding, file, source.locate(d.pointer, d.prefer), d.pointer));
  }
  return [...out.values()];
}

interface Described {
  pointer: string;
  finding: Finding;
  prefer: "key" | "value";
}

function describe(error: ErrorObject, config: unknown, known: KnownFields): Described | null {
  const where = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const field = fieldName(where);
  switch (error.keyword) {
    case "type": {
      const expected = String(params["type"]);
      const actual = valueAt(config, where);
      const routingKeyArray = where.endsWith("/routing_key") && Array.isArray(actual);
      return { pointer: where, finding: Diagnostics.AG101({ field, expected, actual: typeOf(actual), routingKeyArray }), prefer: "value" };
    }
    case "required": {
      const missing = String(params["missingProperty"]);
      return { pointer: where, finding: Diagnostics.AG102({ field: missing, container: where ? field : null }), prefer: "key" };
    }
    case "additionalProperties": {
      const extra = String(params["additionalProperty"]);
      const block = PRODUCER_POINTER.test(where)
        ? "producer"
        : where.endsWith(`/${AMQP_GEN_KEY}`) && PRODUCER_POINTER.test(where.slice(0, -AMQP_GEN_KEY.length - 1))
          ? AMQP_GEN_KEY
          : null;
      const suggestion = block === "producer" ? closest(extra, known.producer) : block ? closest(extra, known.amqpGen) : undefined;
      return { pointer: joinPointer(where, extra), finding: Diagnostics.AG103({ field: extra, block, suggestion }), prefer: "key" };
    }
    case "enum":
      return { pointer: where, finding: Diagnostics.AG104({ rule: "enum", field, allowed: params["allowedValues"] as unknown[] }), prefer: "value" };
    case "const":
      return {
        pointer: where,
        finding: Diagnostics.AG104({ rule: "const", field, value: params["allowedValue"], isVersion: where === "/version" }),
        prefer: "value",
      };
    case "minLength":
      return { pointer: where, finding: Diagnostics.AG105({ rule: "minLength", field, isExchange: where.endsWith("/exchange") }), prefer: "value" };
    case "pattern":
      return {
        pointer: where,
        finding: Diagnostics.AG105({ rule: "pattern", field, pattern: String(params["pattern"]), isTimeout: /timeout$/.test(where) }),
        prefer: "value",
      };
    case "minimum":
    case "maximum":
      return { pointer: where, finding: Diagnostics.AG105({ rule: "range", field, bound: error.keyword, limit: Number(params["limit"]) }), prefer: "value" };
    case "if":
    case "allOf":
    case "anyOf":
    case "oneOf":
      return null; // the branch errors beside it say what is wrong
    default:
      return { pointer: where, finding: Diagnostics.AG105({ rule: "other", field, problem: error.message }), prefer: "value" };
  }
}
