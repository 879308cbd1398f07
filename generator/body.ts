/**
 * Request bodies of endpoints with `validation/json-schema`: a TypeScript type from
 * json-schema-to-typescript and a precompiled validator (json-schema-compiler.ts) that needs
 * nothing at run time. Loaded lazily: most configs have no body schema.
 */
import { compile } from "json-schema-to-typescript";
import { compileValidator } from "./json-schema-compiler.js";
import type { BodyCode } from "./emit.js";

/** Titles would rename the generated types; our names come from the route. */
function withoutTitle(schema: unknown): unknown {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) if (key !== "title" && key !== "$id") Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

export async function bodyCode(schema: unknown, typeName: string): Promise<BodyCode> {
  const root = typeof schema === "boolean" ? {} : withoutTitle(schema);
  const types = await compile(root as Parameters<typeof compile>[0], `${typeName}Body`, {
    bannerComment: "",
    additionalProperties: true,
    unknownAny: true,
    strictIndexSignatures: true,
    declareExternallyReferenced: true,
    format: true,
    $refOptions: { resolve: { external: false, file: false, http: false } } as Parameters<typeof compile>[2] extends infer O
      ? O extends { $refOptions?: infer R }
        ? R
        : never
      : never,
  });
  const validator = compileValidator(schema, `validate${typeName}Body`);
  return { types: types.trim() + "\n", validator: validator.code, unsupported: validator.unsupported };
}
