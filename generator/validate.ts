/**
 * Phase 2: validate against the published JSON Schema (the same file editors use).
 * Ajv's errors become diagnostics with a location, in the user's words, with a fix.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ErrorObject } from "ajv";
import precompiled from "./krakend-validator.js";
import { joinPointer, parsePointer, type Diagnostic } from "./diagnostics.js";
import type { SourceMap } from "./load.js";
import { SCHEMA_DIR } from "./paths.js";
import { closest } from "./text.js";

export const PRODUCER_SCHEMA_FILE = "amqp-producer.schema.json";

/** The producer schema's field names, for "did you mean" hints on unknown fields. */
let producerFields: string[] | null = null;

function fieldsOfProducer(): string[] {
  producerFields ??= Object.keys(
    ((JSON.parse(readFileSync(join(SCHEMA_DIR, PRODUCER_SCHEMA_FILE), "utf8")) as Record<string, unknown>)["properties"] ?? {}) as Record<string, unknown>,
  );
  return producerFields;
}

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
    const { line, column } = source.locate(d.pointer, d.prefer);
    const key = `${d.pointer}\u0000${d.message}`;
    if (!out.has(key)) {
      out.set(key, { code: d.code, severity: "error", message: d.message, file, line, column, pointer: d.pointer, hint: d.hint });
    }
  }
  return [...out.values()];
}

interface Described {
  code: string;
  pointer: string;
  message: string;
  hint: string;
  prefer: "key" | "value";
}

function describe(error: ErrorObject, config: unknown, producerFields: string[]): Described | null {
  const where = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "type": {
      const expected = String(params["type"]);
      return {
        code: "AG101",
        pointer: where,
        message: `${fieldName(where)} must be ${expected === "array" || expected === "object" || expected === "integer" ? "an" : "a"} ${expected}, not ${typeOf(valueAt(config, where))}.`,
        hint:
          where.endsWith("/routing_key") && Array.isArray(valueAt(config, where))
            ? 'Write the key as a string, e.g. "routing_key": "#". (KrakenD would silently turn this backend into a failing HTTP backend.)'
            : `Change the value to ${expected === "array" || expected === "object" || expected === "integer" ? "an" : "a"} ${expected}.`,
        prefer: "value",
      };
    }
    case "required": {
      const missing = String(params["missingProperty"]);
      return {
        code: "AG102",
        pointer: where,
        message: `Missing required field "${missing}"${where ? ` in ${fieldName(where)}` : ""}.`,
        hint: missingHint(missing),
        prefer: "key",
      };
    }
    case "additionalProperties": {
      const extra = String(params["additionalProperty"]);
      const inProducer = /\/extra_config\/(backend~1amqp~1producer|github\.com~1devopsfaith~1krakend-amqp~1produce)$/.test(where);
      const guess = inProducer ? closest(extra, producerFields) : undefined;
      return {
        code: "AG103",
        pointer: joinPointer(where, extra),
        message: `Unknown field "${extra}"${inProducer ? " in the producer block" : ""}.`,
        hint: guess
          ? `Did you mean "${guess}"?`
          : inProducer
            ? 'Remove it; keys starting with "@", "$", "_" or "#" are allowed as comments.'
            : "Remove it.",
        prefer: "key",
      };
    }
    case "enum":
      return {
        code: "AG104",
        pointer: where,
        message: `${fieldName(where)} must be one of ${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}.`,
        hint: "Pick one of the listed values.",
        prefer: "value",
      };
    case "const":
      return {
        code: "AG104",
        pointer: where,
        message: `${fieldName(where)} must be ${JSON.stringify(params["allowedValue"])}.`,
        hint: where === "/version" ? 'amqp-gen reads KrakenD 2.x configs: set "version": 3.' : "Use the value shown.",
        prefer: "value",
      };
    case "minLength":
      return {
        code: "AG105",
        pointer: where,
        message: `${fieldName(where)} must not be empty.`,
        hint: where.endsWith("/exchange") ? "Name the exchange: the broker refuses to publish to the empty exchange name here." : "Give it a value.",
        prefer: "value",
      };
    case "pattern":
      return {
        code: "AG105",
        pointer: where,
        message: `${fieldName(where)} has an invalid format.`,
        hint: /timeout$/.test(where) ? 'Use a Go duration such as "2s", "1500ms" or "1m30s".' : `It must match ${String(params["pattern"])}.`,
        prefer: "value",
      };
    case "if":
    case "allOf":
    case "anyOf":
    case "oneOf":
      return null; // the branch errors beside it say what is wrong
    default:
      return {
        code: "AG105",
        pointer: where,
        message: `${fieldName(where)} ${error.message ?? "is invalid"}.`,
        hint: "Check the value against the schema's description of this field.",
        prefer: "value",
      };
  }
}

function missingHint(field: string): string {
  switch (field) {
    case "exchange":
      return 'Add "exchange": "<name>"; amqp-gen declares it as a topic exchange.';
    case "routing_key":
      return 'Add "routing_key": a param name such as "Route" for /path/{route}, or a literal with "static_routing_key": true.';
    case "name":
      return 'Add "name": "<queue>"; amqp-gen declares that queue and binds it to the exchange.';
    case "version":
      return 'Add "version": 3 at the top of the file.';
    case "endpoint":
      return 'Add "endpoint": "/path" to this endpoint.';
    default:
      return `Add "${field}".`;
  }
}
