/**
 * An endpoint's `validation/json-schema`, as asyncapi.json carries it: AsyncAPI 3.0's default
 * schema format is JSON Schema draft-07 (plus a few fields), and the schema sits inside a bigger
 * document, under `#/components/schemas/<name>`. So:
 * - local `$ref`s (`#/definitions/x`, `#`) are rewritten to point there;
 * - `$schema`, `$id` and draft-04's `id` go: the document says the format, and amqp-gen resolves
 *   references by pointer only (as the producer's validator does);
 * - draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` become draft-07's numbers;
 * - keywords the producer does not enforce (already reported as AG222) are left out, so that the
 *   contract says what is checked, no more;
 * - a keyword that is neither draft-07 nor an unknown extension (`$anchor`, draft 2019's
 *   vocabulary) is left out and reported: the caller turns it into a warning.
 */

/** Keywords of a draft-07 schema, and those AsyncAPI 3.0 adds: carried as they are. */
const DRAFT_07 = new Set([
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "patternProperties",
  "propertyNames",
  "minProperties",
  "maxProperties",
  "dependencies",
  "items",
  "additionalItems",
  "minItems",
  "maxItems",
  "uniqueItems",
  "contains",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "$ref",
  "$comment",
  "title",
  "description",
  "default",
  "examples",
  "readOnly",
  "writeOnly",
  "contentMediaType",
  "contentEncoding",
  "definitions",
  // AsyncAPI's own schema fields.
  "deprecated",
  "discriminator",
  "externalDocs",
]);

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

  const walk = (node: unknown, pointer: string, isSchema: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${pointer}/${i}`, false));
    if (!isObject(node)) return node;
    if (!isSchema) {
      // `enum`, `const`, `default` and `examples` values are data: copied whole.
      return structuredClone(node);
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const at = `${pointer}/${escapePointer(key)}`;
      if (skipped.has(at) || LEFT_OUT.has(key)) continue;
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
      } else if (key.startsWith("$")) {
        notCarried.push(at);
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
