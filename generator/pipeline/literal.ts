const LINE_SEPARATORS = /[\u2028\u2029]/;

/**
 * The one way a value from krakend.json enters generated source: as an exact literal.
 * JSON.stringify escapes quotes, backslashes and control characters, and leaves U+2028 and
 * U+2029 raw, which are line terminators in older JS parsers: escape those too. Lone surrogates
 * are escaped by JSON.stringify itself (well-formed JSON.stringify, ES2019).
 */
export function tsString(value: string): string {
  const json = JSON.stringify(value);
  return LINE_SEPARATORS.test(json) ? json.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029") : json;
}

/**
 * Any JSON value as a TS expression that evaluates to exactly that value. Keys are bare when
 * they are plain identifiers; `__proto__` is a computed key so it stays an own property instead
 * of setting the prototype. Throws on what JSON cannot represent (undefined, NaN, functions,
 * class instances, cycles).
 */
export function tsLiteral(value: unknown): string {
  return literal(value, []);
}

function literal(value: unknown, stack: object[]): string {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("tsLiteral: non-finite number");
    return JSON.stringify(value);
  }
  if (typeof value === "string") return tsString(value);
  if (typeof value !== "object") throw new TypeError(`tsLiteral: cannot represent a ${typeof value}`);
  if (stack.includes(value)) throw new TypeError("tsLiteral: cyclic value");
  stack.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((item: unknown) => literal(item, stack)).join(", ")}]`;
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new TypeError("tsLiteral: not a plain object");
    const record = value as Record<string, unknown>;
    const parts = Object.keys(record).map((key) => `${propertyKey(key)}: ${literal(record[key], stack)}`);
    out = parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
  }
  stack.pop();
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

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
  // Most config text is short printable ASCII without `*/`: nothing to do (and nothing to allocate).
  if (value.length <= max && PRINTABLE_ASCII.test(value) && !value.includes("*/")) return value;
  const flat = value.replace(/[\r\n\u2028\u2029\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const paired = flat.replace(/\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  const safe = paired.replace(/\*\//g, "*\\/");
  const chars = [...safe]; // by code point: never cut a surrogate pair in two
  return chars.length > max ? chars.slice(0, max).join("") + "…" : safe;
}
