/**
 * Request bodies of endpoints with `validation/json-schema`: a TypeScript type from
 * json-schema-to-typescript and a precompiled validator (json-schema-compiler.ts) that needs
 * nothing at run time. Loaded lazily: most configs have no body schema.
 */
import { compile, type JSONSchema, type Options } from "json-schema-to-typescript";
import { compileValidator, JsonSchemaCompileError } from "../json-schema/compiler.js";
import type { BodyCode } from "./emit.js";

/**
 * The schema as json-schema-to-typescript may see it. It copies `tsType` (and `tsEnumNames`)
 * into its output verbatim: from a config, that is code injection, so those keywords go,
 * at every depth. The root `title`/`$id` go too: the type's name comes from the route.
 */
const CODE_KEYWORDS = new Set(["tsType", "tsEnumNames"]);

function forTypes(schema: unknown, root = true): unknown {
  if (Array.isArray(schema)) return schema.map((item: unknown) => forTypes(item, false));
  if (schema === null || typeof schema !== "object") return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // Titles at any depth would name types (`Record`, `Set`...) that shadow the globals the
    // validator uses; types are named from the route instead.
    if (CODE_KEYWORDS.has(key) || key === "title" || (root && key === "$id")) continue;
    // defineProperty: a `__proto__` key stays an own property instead of setting the prototype.
    Object.defineProperty(copy, key, { value: forTypes(value, false), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** A schema KrakenD could not use: it logs the error and validates nothing for that endpoint. */
export interface BrokenSchema {
  broken: { pointer: string; message: string };
}

/**
 * json-schema-to-typescript copies descriptions and names into comments and literal types as
 * they are: escape what must never stand raw in source (line terminators U+2028/U+2029, NUL,
 * lone surrogates). Inside a string literal type the escape means the same character.
 */
function escapeTerminators(code: string): string {
  return code.replace(/[\u2028\u2029\u0000]|\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export async function bodyCode(schema: unknown, typeName: string): Promise<BodyCode | BrokenSchema> {
  let validator: ReturnType<typeof compileValidator>;
  try {
    validator = compileValidator(schema, `validate${typeName}Body`);
  } catch (err) {
    if (err instanceof JsonSchemaCompileError) return { broken: { pointer: err.pointer, message: err.message } };
    if (err instanceof RangeError) return { broken: { pointer: "", message: "the schema is nested too deeply" } };
    throw err;
  }
  const root = typeof schema === "boolean" ? {} : forTypes(schema);
  let types: string;
  try {
    types = await compile(root as JSONSchema, `${typeName}Body`, {
      bannerComment: "",
      additionalProperties: true,
      unknownAny: true,
      strictIndexSignatures: true,
      declareExternallyReferenced: true,
      format: true,
      $refOptions: { resolve: { external: false, file: false, http: false } } as Options["$refOptions"],
    });
  } catch {
    // The validator compiled: keep validating, with a type that promises nothing.
    types = `export type ${typeName}Body = unknown;`;
  }
  return { types: escapeTerminators(types.trim()) + "\n", validator: validator.code, unsupported: validator.unsupported };
}
