/**
 * The one way a value from krakend.json enters generated source: as an exact literal.
 * JSON.stringify escapes quotes, backslashes and control characters, and leaves U+2028 and
 * U+2029 raw, which are line terminators in older JS parsers: escape those too. Lone surrogates
 * are escaped by JSON.stringify itself (well-formed JSON.stringify, ES2019).
 */
export function tsString(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Any JSON value as a TS expression. `__proto__` keys are quoted computed keys, so they stay own data. */
export function tsLiteral(value: unknown): string {
  if (typeof value === "string") return tsString(value);
  if (value === null || typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${propertyKey(k)}: ${tsLiteral(v)}`);
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  throw new TypeError(`tsLiteral: not a JSON value (${typeof value})`);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An object-literal key: bare when it is a plain identifier, else a string; `__proto__` as `["__proto__"]`. */
export function propertyKey(name: string): string {
  if (name === "__proto__") return `["__proto__"]`;
  return IDENTIFIER.test(name) ? name : tsString(name);
}

/** A property name in an interface or type literal. */
export function typeKey(name: string): string {
  return IDENTIFIER.test(name) ? name : tsString(name);
}

/** Property access: `.name` or `["name"]`. */
export function propertyAccess(name: string): string {
  return IDENTIFIER.test(name) ? `.${name}` : `[${tsString(name)}]`;
}

/**
 * Text from the config inside a `//` comment: one line, no terminators, nothing that could
 * end the comment or be read as code.
 */
export function commentText(value: string, max = 120): string {
  const flat = value.replace(/[\r\n\u2028\u2029\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const paired = flat.replace(/\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  const safe = paired.replace(/\*\//g, "*\\/");
  return safe.length > max ? safe.slice(0, max) + "…" : safe;
}
