/**
 * An endpoint's `validation/json-schema`, as asyncapi.json carries it: AsyncAPI 3.0's default
 * schema format is JSON Schema draft-07 (plus a few fields), and the schema sits inside a bigger
 * document, under `#/components/schemas/<name>`. So:
 * - local `$ref`s (`#/definitions/x`, `#`) are rewritten to point there;
 * - `$schema`, `$id` and draft-04's `id` go: the document says the format, and amqp-gen resolves
 *   references by pointer only (as the producer's validator does);
 * - draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` become draft-07's numbers;
 * - keywords the producer does not enforce (already reported as AG222) are left out, so that the
 *   contract says what is checked, no more; so are the keywords beside a `$ref`, which draft-07
 *   and the producer ignore (annotations aside);
 * - a container a reference points into is kept, whatever its name;
 * - a `$` keyword that is not draft-07's (`$anchor`, `$dynamicRef`) is left out and reported:
 *   the caller turns it into warning AG253.
 */
import { ANNOTATIONS as COMPILER_ANNOTATIONS, KEYWORDS } from "../json-schema/compiler.js";

/**
 * Keywords of a draft-07 schema, and those AsyncAPI 3.0 adds: carried as they are. The validation
 * keywords are the producer's validator's own, so that the two lists cannot drift.
 */
const DRAFT_07 = new Set([
  ...KEYWORDS,
  // The compiler's annotations but the identifiers (LEFT_OUT) and the later drafts' `$anchor` and `$defs`.
  ...[...COMPILER_ANNOTATIONS].filter((keyword) => !["$schema", "$id", "id", "$anchor", "$defs"].includes(keyword)),
  // AsyncAPI's own schema fields.
  "discriminator",
  "externalDocs",
]);

/** What may stand beside a `$ref`: annotations, which change no validation. */
const ANNOTATIONS = new Set(["title", "description", "$comment", "default", "examples", "deprecated", "readOnly", "writeOnly"]);

/** A reference's fragment as a pointer (`%25` → `%`); as written when it is not valid percent-encoding. */
function unescapeUri(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/** The pointers (within the schema) that its local `$ref`s name. */
function refTargets(schema: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && typeof value === "string" && value.startsWith("#")) found.add(unescapeUri(value.slice(1)));
        else visit(value);
      }
    }
  };
  visit(schema);
  return [...found].sort();
}

/** Identifiers and the draft: the document carries neither (see above). */
const LEFT_OUT = new Set(["$schema", "$id", "id"]);

/** Keywords whose value is a schema. */
const SCHEMA_VALUED = new Set(["additionalProperties", "propertyNames", "additionalItems", "contains", "not", "if", "then", "else"]);
/** Keywords whose value is a map of names to schemas. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions", "$defs"]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);

export interface PayloadSchema {
  /** The schema as the document carries it. */
  readonly schema: unknown;
  /** Pointers (within the endpoint's schema) of keywords left out that AG222 did not report. */
  readonly notCarried: readonly string[];
}

const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `schema` (an endpoint's body schema) for the document, placed at `home` (a pointer into the
 * document, such as `#/components/schemas/PostOrdersBody`); `unsupported` are the pointers the
 * producer's validator does not enforce.
 */
export function payloadSchema(schema: unknown, home: string, unsupported: readonly string[]): PayloadSchema {
  const skipped = new Set(unsupported);
  const notCarried: string[] = [];
  // Where local references point (as pointers within the schema): a container the document would
  // otherwise leave out (`"schemas": {…}`, not a keyword) stays on the way to them.
  const targets = refTargets(schema);
  const leadsToTarget = (at: string) => targets.some((t) => t === at || t.startsWith(`${at}/`));
  /** What lies on the way to a reference's target: kept as it is, the targets walked as schemas. */
  const container = (node: unknown, at: string): unknown => {
    if (targets.includes(at)) return walk(node, at, true);
    if (!isObject(node)) return structuredClone(node);
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key]) => leadsToTarget(`${at}/${escapePointer(key)}`))
        .map(([key, v]) => [key, container(v, `${at}/${escapePointer(key)}`)]),
    );
  };

  const walk = (node: unknown, pointer: string, isSchema: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${pointer}/${i}`, false));
    if (!isObject(node)) return node;
    if (!isSchema) {
      // `enum`, `const`, `default` and `examples` values are data: copied whole.
      return structuredClone(node);
    }
    const out: Record<string, unknown> = {};
    // Beside a `$ref`, draft-07 (and the producer's validator) read nothing but annotations.
    const hasRef = typeof node["$ref"] === "string";
    for (const [key, value] of Object.entries(node)) {
      const at = `${pointer}/${escapePointer(key)}`;
      if (hasRef && key !== "$ref" && !ANNOTATIONS.has(key)) {
        // Still, a reference may point into it (`"definitions"` beside a root `$ref`).
        if (leadsToTarget(at)) out[key] = container(value, at);
        continue;
      }
      if (LEFT_OUT.has(key)) continue;
      if (skipped.has(at) || (key.startsWith("$") && !DRAFT_07.has(key) && !SCHEMA_MAPS.has(key))) {
        if (leadsToTarget(at)) out[key] = container(value, at);
        else if (!skipped.has(at)) notCarried.push(at);
        continue;
      }
      if (key === "$ref" && typeof value === "string" && value.startsWith("#")) {
        out[key] = home + value.slice(1);
      } else if ((key === "exclusiveMinimum" || key === "exclusiveMaximum") && typeof value === "boolean") {
        // Draft-04: a flag on minimum/maximum. Draft-07: the bound itself.
        const bound = key === "exclusiveMinimum" ? "minimum" : "maximum";
        if (value && typeof node[bound] === "number") out[key] = node[bound];
      } else if (SCHEMA_VALUED.has(key)) {
        out[key] = walk(value, at, true);
      } else if (key === "items") {
        out[key] = Array.isArray(value) ? value.map((item, i) => walk(item, `${at}/${i}`, true)) : walk(value, at, true);
      } else if (key === "dependencies" && isObject(value)) {
        // Each entry: a list of property names, or a schema.
        out[key] = Object.fromEntries(
          Object.entries(value).map(([name, v]) => [name, Array.isArray(v) ? [...v] : walk(v, `${at}/${escapePointer(name)}`, true)]),
        );
      } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
        // `$defs` is kept as a container: references point into it by pointer, whatever the draft.
        out[key] = Object.fromEntries(Object.entries(value).map(([name, v]) => [name, walk(v, `${at}/${escapePointer(name)}`, true)]));
      } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
        out[key] = value.map((item, i) => walk(item, `${at}/${i}`, true));
      } else if (DRAFT_07.has(key) || key.startsWith("x-")) {
        out[key] = walk(value, at, false);
      } else {
        // An unknown keyword: an annotation to every draft, carried as it is.
        out[key] = walk(value, at, false);
      }
    }
    // A draft-04 `minimum` made exclusive now sits in `exclusiveMinimum` alone.
    if (node["exclusiveMinimum"] === true && typeof node["minimum"] === "number") delete out["minimum"];
    if (node["exclusiveMaximum"] === true && typeof node["maximum"] === "number") delete out["maximum"];
    return out;
  };

  // AsyncAPI 3.0's payload is a schema object: `true` is `{}`, `false` accepts nothing.
  const root = schema === true ? {} : schema === false ? { not: {} } : walk(schema, "", true);
  return { schema: root, notCarried };
}
