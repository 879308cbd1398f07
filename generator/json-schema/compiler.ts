/**
 * Compiles the JSON Schema found in a KrakenD endpoint's
 * `extra_config["validation/json-schema"]` into standalone TypeScript source:
 * a validator function that imports nothing and needs no schema library at
 * runtime.
 *
 * Semantics follow what KrakenD does (it validates with gojsonschema, a
 * draft-04/06/07 library):
 *  - siblings of `$ref` are ignored (draft-07 rule, gojsonschema behaviour);
 *  - `exclusiveMinimum`/`exclusiveMaximum` accept both the numeric (draft-06+)
 *    and the boolean (draft-04) form;
 *  - `multipleOf` is decided exactly on the decimal representation (gojsonschema
 *    uses big.Rat), so `0.3` is a multiple of `0.1`;
 *  - string lengths count code points.
 *
 * Security: every value taken from the schema reaches the generated code only
 * through `tsLiteral` (JSON.stringify plus U+2028/U+2029 escaping). Generated
 * comments never contain schema text. Object members are looked up only after an
 * own-property check, never through `in` or the prototype chain.
 */
import { tsLiteral } from "../pipeline/literal.js";

export interface CompiledValidator {
  /** TypeScript source declaring `export function <functionName>(value: unknown): string | null`. */
  code: string;
  /** JSON pointers (within the schema) of keywords that were ignored because they are not supported. */
  unsupported: string[];
}

/** Thrown for schemas that are malformed (wrong keyword value types, unresolvable local `$ref`, ...). */
export class JsonSchemaCompileError extends Error {
  readonly pointer: string;
  constructor(pointer: string, message: string) {
    super(`invalid JSON Schema at ${pointer === "" ? "(root)" : pointer}: ${message}`);
    this.name = "JsonSchemaCompileError";
    this.pointer = pointer;
  }
}

export function compileValidator(schema: unknown, functionName: string): CompiledValidator {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(functionName) || RESERVED.has(functionName)) {
    throw new TypeError(`compileValidator: ${JSON.stringify(functionName)} is not a valid function name`);
  }
  return new Compiler(schema, functionName).run();
}

// ---------------------------------------------------------------------------

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval"
  ).split(" "),
);

const TYPE_NAMES = ["array", "boolean", "integer", "null", "number", "object", "string"] as const;
type TypeName = (typeof TYPE_NAMES)[number];

/** Keywords that carry no validation and are ignored silently. */
export const ANNOTATIONS: ReadonlySet<string> = new Set([
  "$schema",
  "$id",
  "id",
  "$comment",
  "$anchor",
  "title",
  "description",
  "default",
  "examples",
  "readOnly",
  "writeOnly",
  "deprecated",
  "contentMediaType",
  "contentEncoding",
  "definitions",
  "$defs",
]);

/** The validation keywords the compiler enforces: draft-07's (draft-04's and -06's forms included). */
export const KEYWORDS: ReadonlySet<string> = new Set([
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
]);

const FORMATS: Record<string, HelperName> = {
  email: "isEmail",
  "date-time": "isDateTime",
  date: "isDate",
  uuid: "isUuid",
  ipv4: "isIpv4",
  uri: "isUri",
};

const TYPE_PHRASE: Record<TypeName, string> = {
  array: "an array",
  boolean: "a boolean",
  integer: "an integer",
  null: "null",
  number: "a number",
  object: "an object",
  string: "a string",
};

type HelperName =
  | "err"
  | "ptr"
  | "isObject"
  | "isArray"
  | "has"
  | "equal"
  | "unique"
  | "length"
  | "decimal"
  | "multipleOf"
  | "isEmail"
  | "isDate"
  | "isDateTime"
  | "isUuid"
  | "isIpv4"
  | "isUri";

/** Emission order of helpers; `HELPER_` is replaced by the validator's function name plus `_`. */
const HELPER_ORDER: HelperName[] = [
  "err",
  "ptr",
  "isObject",
  "isArray",
  "has",
  "equal",
  "unique",
  "length",
  "multipleOf",
  "decimal",
  "isEmail",
  "isDate",
  "isDateTime",
  "isUuid",
  "isIpv4",
  "isUri",
];

const HELPER_DEPS: Partial<Record<HelperName, HelperName[]>> = {
  equal: ["isObject", "isArray", "has"],
  unique: ["equal", "err"],
  multipleOf: ["decimal"],
  isDateTime: ["isDate"],
};

const HELPER_SRC: Record<HelperName, string> = {
  err: String.raw`
function HELPER_err(path: string, message: string): string {
  return (path === "" ? "body" : path) + ": " + message;
}`,
  ptr: String.raw`
function HELPER_ptr(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}`,
  isObject: String.raw`
function HELPER_isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}`,
  isArray: String.raw`
function HELPER_isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}`,
  has: String.raw`
function HELPER_has(object: object, key: string): boolean {
  return Object.hasOwn(object, key);
}`,
  equal: String.raw`
function HELPER_equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (HELPER_isArray(a)) {
    if (!HELPER_isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!HELPER_equal(a[i], b[i])) return false;
    }
    return true;
  }
  if (!HELPER_isObject(a) || !HELPER_isObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!HELPER_has(b, key) || !HELPER_equal(a[key], b[key])) return false;
  }
  return true;
}`,
  unique: String.raw`
function HELPER_unique(items: readonly unknown[], path: string): string | null {
  const primitives = new Map<unknown, number>();
  const composites: number[] = [];
  for (let j = 0; j < items.length; j++) {
    const item = items[j];
    if (typeof item === "object" && item !== null) {
      for (const i of composites) {
        if (HELPER_equal(items[i], item)) return HELPER_err(path + "/" + j, "must NOT be a duplicate of item " + i);
      }
      composites.push(j);
    } else {
      const i = primitives.get(item);
      if (i !== undefined) return HELPER_err(path + "/" + j, "must NOT be a duplicate of item " + i);
      primitives.set(item, j);
    }
  }
  return null;
}`,
  length: String.raw`
function HELPER_length(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}`,
  multipleOf: String.raw`
function HELPER_multipleOf(value: number, divisor: number): boolean {
  if (Number.isSafeInteger(value) && Number.isSafeInteger(divisor)) return value % divisor === 0;
  const a = HELPER_decimal(value);
  const b = HELPER_decimal(divisor);
  if (a === null || b === null) return false;
  const exponent = Math.min(a.exponent, b.exponent);
  const x = a.digits * BigInt(10) ** BigInt(a.exponent - exponent);
  const y = b.digits * BigInt(10) ** BigInt(b.exponent - exponent);
  return y !== BigInt(0) && x % y === BigInt(0);
}`,
  decimal: String.raw`
function HELPER_decimal(value: number): { digits: bigint; exponent: number } | null {
  const match = /^(-?\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (match === null) return null;
  const fraction = match[2] ?? "";
  return { digits: BigInt((match[1] ?? "0") + fraction), exponent: Number(match[3] ?? "0") - fraction.length };
}`,
  isEmail: String.raw`
function HELPER_isEmail(text: string): boolean {
  return /^[a-z0-9.!#$%&'*+/=?^_\x60{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(text);
}`,
  isDate: String.raw`
function HELPER_isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}`,
  isDateTime: String.raw`
function HELPER_isDateTime(text: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/.exec(text);
  if (match === null || !HELPER_isDate(match[1] ?? "")) return false;
  return Number(match[2]) <= 23 && Number(match[3]) <= 59 && Number(match[4]) <= 59 &&
    Number(match[5] ?? "0") <= 23 && Number(match[6] ?? "0") <= 59;
}`,
  isUuid: String.raw`
function HELPER_isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}`,
  isIpv4: String.raw`
function HELPER_isIpv4(text: string): boolean {
  return /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(text);
}`,
  isUri: String.raw`
function HELPER_isUri(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(text);
}`,
};

function escapePointer(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

function hasOwn(object: object, key: string): boolean {
  return Object.hasOwn(object, key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function formatNumber(n: number): string {
  return JSON.stringify(n);
}

interface FnState {
  usesE: boolean;
  terminated: boolean;
}

/** Statement writer for one generated function; indentation is 2 spaces. */
class Block {
  readonly lines: string[] = [];
  constructor(
    private depth: number,
    readonly fn: FnState,
  ) {}

  line(text: string): void {
    if (this.fn.terminated) return;
    this.lines.push("  ".repeat(this.depth) + text);
  }

  /** A nested block one level deeper (for a guarded section). */
  nested(): Block {
    return new Block(this.depth + 1, this.fn);
  }

  /** A block at the same depth (for an unguarded section). */
  same(): Block {
    return new Block(this.depth, this.fn);
  }

  /** `if (cond) { ...inner }`, omitted when inner is empty. */
  guard(cond: string, inner: Block): void {
    if (inner.lines.length === 0 || this.fn.terminated) return;
    this.line(`if (${cond}) {`);
    this.lines.push(...inner.lines);
    this.line("}");
  }

  append(inner: Block): void {
    if (this.fn.terminated) return;
    this.lines.push(...inner.lines);
  }

  open(head: string): void {
    this.line(`${head} {`);
    this.depth++;
  }

  close(): void {
    this.depth--;
    this.line("}");
  }

  /** Turns the open `if` block into its `else` branch. */
  otherwise(): void {
    this.depth--;
    this.line("} else {");
    this.depth++;
  }

  /** `if (cond) return expr;`, or an unconditional return when cond is null. */
  fail(cond: string | null, expr: string): void {
    if (this.fn.terminated) return;
    if (cond === null) {
      this.line(`return ${expr};`);
      if (this.depth === 1) this.fn.terminated = true;
    } else {
      this.line(`if (${cond}) return ${expr};`);
    }
  }

  /** Runs a sub-validator and propagates its error. */
  check(call: string): void {
    if (this.fn.terminated) return;
    this.fn.usesE = true;
    this.line(`e = ${call};`);
    this.line("if (e !== null) return e;");
  }
}

type Kind = "string" | "number" | "array" | "object";

class Compiler {
  private readonly unsupported: string[] = [];
  private readonly unsupportedSeen = new Set<string>();
  private readonly consts: { name: string; text: string }[] = [];
  private readonly constByInit = new Map<string, string>();
  private readonly functions: { order: number; name: string; text: string }[] = [];
  private readonly fnByBody = new Map<string, string>();
  private readonly refNames = new Map<string, string>();
  private fnCount = 0;
  private constCount = 0;

  constructor(
    private readonly root: unknown,
    private readonly name: string,
  ) {}

  run(): CompiledValidator {
    const rootFn = this.refTarget("", "");
    // Keep only what the root function reaches (a subschema may have been compiled and then
    // left unused, e.g. `else` under an always-true `if`), then the consts and helpers it uses.
    const fnText = new Map(this.functions.map((f) => [f.name, f.text]));
    const reachable = new Set<string>([rootFn]);
    const queue = [rootFn];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      for (const used of this.identifiers(fnText.get(name) ?? "")) {
        if (fnText.has(used) && !reachable.has(used)) {
          reachable.add(used);
          queue.push(used);
        }
      }
    }
    const fns = this.functions.filter((f) => reachable.has(f.name)).sort((a, block) => a.order - block.order);
    const used = new Set<string>();
    for (const f of fns) for (const id of this.identifiers(f.text)) used.add(id);
    const consts = this.consts.filter((c) => used.has(c.name));

    const out: string[] = [];
    if (consts.length > 0) out.push("", ...consts.map((c) => c.text));
    out.push("", `export function ${this.name}(value: unknown): string | null {`, `  return ${rootFn}(value, "");`, "}");
    for (const f of fns) out.push("", f.text);
    for (const helper of this.allHelpers(used)) {
      out.push(HELPER_SRC[helper].split("HELPER_").join(`${this.name}_`));
    }
    return { code: out.join("\n") + "\n", unsupported: [...this.unsupported] };
  }

  /** Identifiers with this validator's prefix used in generated text (string literals excluded). */
  private identifiers(text: string): Set<string> {
    const code = text.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
    const prefix = this.name.replace(/\$/g, "\\$");
    const re = new RegExp(`(?<![A-Za-z0-9_$])${prefix}_[A-Za-z0-9_$]+`, "g");
    return new Set(code.match(re) ?? []);
  }

  private allHelpers(used: Set<string>): HelperName[] {
    const all = new Set<HelperName>();
    const visit = (h: HelperName): void => {
      if (all.has(h)) return;
      all.add(h);
      for (const dep of HELPER_DEPS[h] ?? []) visit(dep);
    };
    for (const h of HELPER_ORDER) if (used.has(`${this.name}_${h}`)) visit(h);
    return HELPER_ORDER.filter((h) => all.has(h));
  }

  // -- naming -----------------------------------------------------------------

  private helper(h: HelperName): string {
    return `${this.name}_${h}`;
  }

  private err(pathExpr: string, message: string): string {
    return `${this.helper("err")}(${pathExpr}, ${tsLiteral(message)})`;
  }

  private hoist(kind: "re" | "c", declType: string, init: string): string {
    const key = `${kind}|${declType}|${init}`;
    const existing = this.constByInit.get(key);
    if (existing !== undefined) return existing;
    const id = `${this.name}_${kind}${this.constCount++}`;
    this.consts.push({ name: id, text: `const ${id}${declType === "" ? "" : `: ${declType}`} = ${init};` });
    this.constByInit.set(key, id);
    return id;
  }

  private report(pointer: string): void {
    if (this.unsupportedSeen.has(pointer)) return;
    this.unsupportedSeen.add(pointer);
    this.unsupported.push(pointer);
  }

  /** A hoisted RegExp for a schema pattern, or null (reported) when JS cannot compile it. */
  private regex(pattern: string, pointer: string): string | null {
    try {
      // V8 compiles lazily, once for one-byte and once for two-byte strings: "too large" shows
      // only on first use of each, so exercise both here rather than in every request.
      const re = new RegExp(pattern, "u");
      re.test("");
      re.test("\u2028");
    } catch {
      this.report(pointer);
      return null;
    }
    return this.hoist("re", "", `new RegExp(${tsLiteral(pattern)}, "u")`);
  }

  private renderFunction(name: string, state: FnState, body: Block): string {
    const lines = [`function ${name}(value: unknown, path: string): string | null {`];
    if (state.usesE) lines.push("  let e: string | null;");
    lines.push(...body.lines);
    if (!state.terminated) lines.push("  return null;");
    lines.push("}");
    return lines.join("\n");
  }

  // -- schema traversal -----------------------------------------------------------

  /**
   * Compiles a subschema to a function name, or null when it accepts everything.
   * `schemaPointer` is the schema's JSON pointer within the root schema.
   */
  private subschema(schema: unknown, schemaPointer: string): string | null {
    if (schema === true) return null;
    if (isPlainObject(schema) && hasOwn(schema, "$ref")) return this.ref(schema["$ref"], `${schemaPointer}/$ref`);
    const state: FnState = { usesE: false, terminated: false };
    const body = new Block(1, state);
    this.body(schema, schemaPointer, body);
    if (body.lines.length === 0) return null;
    const text = this.renderFunction("NAME", state, body);
    const existing = this.fnByBody.get(text);
    if (existing !== undefined) return existing;
    const order = this.fnCount++;
    const name = `${this.name}_s${order}`;
    this.fnByBody.set(text, name);
    this.functions.push({ order, name, text: this.renderFunction(name, state, body) });
    return name;
  }

  /** Resolves a `$ref` value to a function name (null when it accepts everything or is unsupported). */
  private ref(ref: unknown, refPointer: string): string | null {
    if (typeof ref !== "string") throw new JsonSchemaCompileError(refPointer, "$ref must be a string");
    let target = this.localPointer(ref, refPointer);
    if (target === null) {
      this.report(refPointer);
      return null;
    }
    // Follow chains of schemas that are only a reference (their siblings are ignored).
    const seen = new Set<string>();
    for (;;) {
      if (seen.has(target)) throw new JsonSchemaCompileError(refPointer, "$ref cycle without any validation");
      seen.add(target);
      const schema = this.resolve(target, refPointer);
      if (!isPlainObject(schema) || !hasOwn(schema, "$ref")) break;
      const next = schema["$ref"];
      const nextPointer = `${target}/$ref`;
      if (typeof next !== "string") throw new JsonSchemaCompileError(nextPointer, "$ref must be a string");
      const resolved = this.localPointer(next, nextPointer);
      if (resolved === null) {
        this.report(nextPointer);
        return null;
      }
      target = resolved;
    }
    return this.refTarget(target, refPointer);
  }

  /** Function for the (non-`$ref`) schema at a pointer; one function per target, so recursion works. */
  private refTarget(pointer: string, refPointer: string): string {
    const existing = this.refNames.get(pointer);
    if (existing !== undefined) return existing;
    const order = this.fnCount++;
    const name = `${this.name}_s${order}`;
    this.refNames.set(pointer, name);
    const schema = this.resolve(pointer, refPointer);
    const state: FnState = { usesE: false, terminated: false };
    const body = new Block(1, state);
    if (isPlainObject(schema) && hasOwn(schema, "$ref")) {
      // Only reachable for the root schema; referenced chains are followed in ref().
      const target = this.ref(schema["$ref"], `${pointer}/$ref`);
      if (target !== null) body.fail(null, `${target}(value, path)`);
    } else if (schema !== true) {
      this.body(schema, pointer, body);
    }
    this.functions.push({ order, name, text: this.renderFunction(name, state, body) });
    return name;
  }

  /** Decodes `#...` into a canonical JSON pointer, or null for non-local references. */
  private localPointer(ref: string, refPointer: string): string | null {
    if (!ref.startsWith("#")) return null;
    let fragment: string;
    try {
      fragment = decodeURIComponent(ref.slice(1));
    } catch {
      throw new JsonSchemaCompileError(refPointer, "malformed $ref");
    }
    if (fragment === "") return "";
    if (!fragment.startsWith("/")) return null; // plain-name fragments ($id anchors) are not supported
    return fragment;
  }

  private resolve(pointer: string, refPointer: string): unknown {
    let node: unknown = this.root;
    if (pointer === "") return node;
    for (const raw of pointer.slice(1).split("/")) {
      const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      if (Array.isArray(node) && /^(0|[1-9]\d*)$/.test(token) && Number(token) < node.length) {
        node = node[Number(token)] as unknown;
      } else if (isPlainObject(node) && hasOwn(node, token)) {
        node = node[token];
      } else {
        throw new JsonSchemaCompileError(refPointer, "$ref does not resolve within the schema");
      }
    }
    if (typeof node !== "boolean" && !isPlainObject(node)) {
      throw new JsonSchemaCompileError(refPointer, "$ref does not point to a schema");
    }
    return node;
  }

  // -- keyword emission ------------------------------------------------------------

  /** Writes the statements validating `value` (at `path`) against a non-`$ref` schema. */
  private body(schema: unknown, schemaPointer: string, block: Block): void {
    if (schema === true) return;
    if (schema === false) {
      block.fail(null, this.err("path", "is not allowed"));
      return;
    }
    if (!isPlainObject(schema)) throw new JsonSchemaCompileError(schemaPointer, "schema must be an object or a boolean");
    const s = schema;
    const get = (k: string): unknown => (hasOwn(s, k) ? s[k] : undefined);
    const has = (k: string): boolean => hasOwn(s, k);

    for (const key of Object.keys(s)) {
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) this.report(`${schemaPointer}/${escapePointer(key)}`);
    }

    // type
    let types: TypeName[] | null = null;
    if (has("type")) {
      const t = get("type");
      const list = typeof t === "string" ? [t] : Array.isArray(t) ? (t as unknown[]) : null;
      if (list === null || list.length === 0) throw new JsonSchemaCompileError(`${schemaPointer}/type`, "must be a type name or a non-empty array of them");
      const set: TypeName[] = [];
      for (const item of list) {
        const known = TYPE_NAMES.find((n) => n === item);
        if (known === undefined) throw new JsonSchemaCompileError(`${schemaPointer}/type`, "unknown type name");
        if (!set.includes(known)) set.push(known);
      }
      types = set.includes("number") ? set.filter((x) => x !== "integer") : set;
      const conds = types.map((x) => this.typeCondition(x));
      const phrase = types.map((x) => TYPE_PHRASE[x]).join(" or ");
      if (types.length === 1) {
        block.fail(this.negatedTypeCondition(types[0] as TypeName), this.err("path", `must be ${phrase}`));
      } else {
        block.fail(`!(${conds.join(" || ")})`, this.err("path", `must be ${phrase}`));
      }
    }
    const allowed = (k: Kind): boolean => types === null || types.includes(k) || (k === "number" && types.includes("integer"));
    const unwrapped = (k: Kind): boolean => types !== null && types.length === 1 && allowed(k);
    const section = (k: Kind, guard: () => string, emit: (inner: Block) => void): void => {
      if (!allowed(k)) return;
      if (unwrapped(k)) {
        const inner = block.same();
        emit(inner);
        block.append(inner);
      } else {
        const inner = block.nested();
        emit(inner);
        if (inner.lines.length > 0) block.guard(guard(), inner);
      }
    };

    section(
      "number",
      () => `typeof value === "number"`,
      (inner) => this.numberKeywords(get, schemaPointer, inner),
    );
    section(
      "string",
      () => `typeof value === "string"`,
      (inner) => this.stringKeywords(get, schemaPointer, inner),
    );
    section(
      "array",
      () => `${this.helper("isArray")}(value)`,
      (inner) => this.arrayKeywords(get, schemaPointer, inner),
    );
    section(
      "object",
      () => `${this.helper("isObject")}(value)`,
      (inner) => this.objectKeywords(get, schemaPointer, inner),
    );

    this.genericKeywords(get, has, schemaPointer, block);
  }

  private typeCondition(t: TypeName): string {
    switch (t) {
      case "array":
        return `${this.helper("isArray")}(value)`;
      case "object":
        return `${this.helper("isObject")}(value)`;
      case "null":
        return "value === null";
      case "integer":
        return `(typeof value === "number" && Number.isInteger(value))`;
      default:
        return `typeof value === ${tsLiteral(t)}`;
    }
  }

  private negatedTypeCondition(t: TypeName): string {
    switch (t) {
      case "array":
        return `!${this.helper("isArray")}(value)`;
      case "object":
        return `!${this.helper("isObject")}(value)`;
      case "null":
        return "value !== null";
      case "integer":
        return `typeof value !== "number" || !Number.isInteger(value)`;
      default:
        return `typeof value !== ${tsLiteral(t)}`;
    }
  }

  private nonNegativeInteger(get: (k: string) => unknown, k: string, schemaPointer: string): number | undefined {
    const v = get(k);
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new JsonSchemaCompileError(`${schemaPointer}/${k}`, "must be a non-negative integer");
    }
    return v;
  }

  private numberValue(get: (k: string) => unknown, k: string, schemaPointer: string): number | undefined {
    const v = get(k);
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) throw new JsonSchemaCompileError(`${schemaPointer}/${k}`, "must be a number");
    return v;
  }

  private schemaArray(get: (k: string) => unknown, k: string, schemaPointer: string): unknown[] | undefined {
    const v = get(k);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0) throw new JsonSchemaCompileError(`${schemaPointer}/${k}`, "must be a non-empty array of schemas");
    return v as unknown[];
  }

  private schemaMap(get: (k: string) => unknown, k: string, schemaPointer: string): Record<string, unknown> | undefined {
    const v = get(k);
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) throw new JsonSchemaCompileError(`${schemaPointer}/${k}`, "must be an object");
    return v;
  }

  private numberKeywords(get: (k: string) => unknown, schemaPointer: string, block: Block): void {
    const minimum = this.numberValue(get, "minimum", schemaPointer);
    const maximum = this.numberValue(get, "maximum", schemaPointer);
    const limits: [string, "exclusiveMinimum" | "exclusiveMaximum", number | undefined, string, string][] = [
      ["minimum", "exclusiveMinimum", minimum, "<", ">"],
      ["maximum", "exclusiveMaximum", maximum, ">", "<"],
    ];
    for (const [, exKey, bound, failOp, okOp] of limits) {
      const ex = get(exKey);
      if (ex !== undefined && typeof ex !== "boolean" && (typeof ex !== "number" || !Number.isFinite(ex))) {
        throw new JsonSchemaCompileError(`${schemaPointer}/${exKey}`, "must be a number or a boolean");
      }
      if (bound !== undefined) {
        const strict = ex === true; // draft-04 boolean form
        const op = strict ? `${failOp}=` : failOp;
        const okText = strict ? okOp : `${okOp}=`;
        block.fail(`value ${op} ${formatNumber(bound)}`, this.err("path", `must be ${okText} ${formatNumber(bound)}`));
      }
      if (typeof ex === "number") {
        block.fail(`value ${failOp}= ${formatNumber(ex)}`, this.err("path", `must be ${okOp} ${formatNumber(ex)}`));
      }
    }
    const multipleOf = this.numberValue(get, "multipleOf", schemaPointer);
    if (multipleOf !== undefined) {
      if (multipleOf <= 0) throw new JsonSchemaCompileError(`${schemaPointer}/multipleOf`, "must be greater than 0");
      block.fail(`!${this.helper("multipleOf")}(value, ${formatNumber(multipleOf)})`, this.err("path", `must be a multiple of ${formatNumber(multipleOf)}`));
    }
  }

  private stringKeywords(get: (k: string) => unknown, schemaPointer: string, block: Block): void {
    const minLength = this.nonNegativeInteger(get, "minLength", schemaPointer);
    const maxLength = this.nonNegativeInteger(get, "maxLength", schemaPointer);
    if (minLength !== undefined && minLength > 0) {
      block.fail(`${this.helper("length")}(value) < ${minLength}`, this.err("path", `must NOT have fewer than ${minLength} characters`));
    }
    if (maxLength !== undefined) {
      block.fail(`${this.helper("length")}(value) > ${maxLength}`, this.err("path", `must NOT have more than ${maxLength} characters`));
    }
    const pattern = get("pattern");
    if (pattern !== undefined) {
      if (typeof pattern !== "string") throw new JsonSchemaCompileError(`${schemaPointer}/pattern`, "must be a string");
      const re = this.regex(pattern, `${schemaPointer}/pattern`);
      if (re !== null) block.fail(`!${re}.test(value)`, this.err("path", `must match pattern "${pattern}"`));
    }
    const format = get("format");
    if (format !== undefined) {
      if (typeof format !== "string") throw new JsonSchemaCompileError(`${schemaPointer}/format`, "must be a string");
      const helper = hasOwn(FORMATS, format) ? FORMATS[format] : undefined;
      if (helper === undefined) {
        this.report(`${schemaPointer}/format`);
      } else {
        block.fail(`!${this.helper(helper)}(value)`, this.err("path", `must be a valid ${format}`));
      }
    }
  }

  private arrayKeywords(get: (k: string) => unknown, schemaPointer: string, block: Block): void {
    const minItems = this.nonNegativeInteger(get, "minItems", schemaPointer);
    const maxItems = this.nonNegativeInteger(get, "maxItems", schemaPointer);
    if (minItems !== undefined && minItems > 0) {
      block.fail(`value.length < ${minItems}`, this.err("path", `must NOT have fewer than ${minItems} items`));
    }
    if (maxItems !== undefined) {
      block.fail(`value.length > ${maxItems}`, this.err("path", `must NOT have more than ${maxItems} items`));
    }
    const items = get("items");
    if (Array.isArray(items)) {
      const tuple = items as unknown[];
      tuple.forEach((itemSchema, i) => {
        const fn = this.subschema(itemSchema, `${schemaPointer}/items/${i}`);
        if (fn === null) return;
        block.open(`if (value.length > ${i})`);
        block.check(`${fn}(value[${i}], path + ${tsLiteral(`/${i}`)})`);
        block.close();
      });
      const additional = get("additionalItems");
      if (additional === false) {
        block.fail(`value.length > ${tuple.length}`, this.err("path", `must NOT have more than ${tuple.length} items`));
      } else if (additional !== undefined) {
        const fn = this.subschema(additional, `${schemaPointer}/additionalItems`);
        if (fn !== null) {
          block.open(`for (let i = ${tuple.length}; i < value.length; i++)`);
          block.check(`${fn}(value[i], path + "/" + i)`);
          block.close();
        }
      }
    } else if (items !== undefined) {
      const fn = this.subschema(items, `${schemaPointer}/items`);
      if (fn !== null) {
        block.open("for (let i = 0; i < value.length; i++)");
        block.check(`${fn}(value[i], path + "/" + i)`);
        block.close();
      }
    }
    const unique = get("uniqueItems");
    if (unique !== undefined && typeof unique !== "boolean") {
      throw new JsonSchemaCompileError(`${schemaPointer}/uniqueItems`, "must be a boolean");
    }
    if (unique === true) block.check(`${this.helper("unique")}(value, path)`);
    if (get("contains") !== undefined) {
      const fn = this.subschema(get("contains"), `${schemaPointer}/contains`);
      const message = this.err("path", "must contain at least one valid item");
      if (fn === null) {
        block.fail("value.length === 0", message);
      } else {
        block.fail(`!value.some((item, i) => ${fn}(item, path + "/" + i) === null)`, message);
      }
    }
  }

  private objectKeywords(get: (k: string) => unknown, schemaPointer: string, block: Block): void {
    const minProperties = this.nonNegativeInteger(get, "minProperties", schemaPointer);
    const maxProperties = this.nonNegativeInteger(get, "maxProperties", schemaPointer);
    if (minProperties !== undefined && minProperties > 0) {
      block.fail(`Object.keys(value).length < ${minProperties}`, this.err("path", `must NOT have fewer than ${minProperties} properties`));
    }
    if (maxProperties !== undefined) {
      block.fail(`Object.keys(value).length > ${maxProperties}`, this.err("path", `must NOT have more than ${maxProperties} properties`));
    }
    const required = get("required");
    if (required !== undefined) {
      if (!Array.isArray(required) || !required.every((r): r is string => typeof r === "string")) {
        throw new JsonSchemaCompileError(`${schemaPointer}/required`, "must be an array of strings");
      }
      const has = this.helper("has");
      for (const name of new Set(required)) {
        block.fail(`!${has}(value, ${tsLiteral(name)})`, this.err("path", `must have required property ${JSON.stringify(name)}`));
      }
    }
    const properties = this.schemaMap(get, "properties", schemaPointer) ?? {};
    for (const key of Object.keys(properties)) {
      const fn = this.subschema(properties[key], `${schemaPointer}/properties/${escapePointer(key)}`);
      if (fn === null) continue;
      const k = tsLiteral(key);
      block.open(`if (${this.helper("has")}(value, ${k}))`);
      block.check(`${fn}(value[${k}], path + ${tsLiteral(`/${escapePointer(key)}`)})`);
      block.close();
    }
    const dependencies = this.schemaMap(get, "dependencies", schemaPointer);
    if (dependencies !== undefined) {
      for (const key of Object.keys(dependencies)) {
        const dep = dependencies[key];
        const has = this.helper("has");
        const k = tsLiteral(key);
        if (Array.isArray(dep)) {
          if (!dep.every((d): d is string => typeof d === "string")) {
            throw new JsonSchemaCompileError(`${schemaPointer}/dependencies/${escapePointer(key)}`, "must be an array of strings or a schema");
          }
          for (const other of new Set(dep)) {
            block.fail(
              `${has}(value, ${k}) && !${has}(value, ${tsLiteral(other)})`,
              this.err("path", `must have property ${JSON.stringify(other)} when property ${JSON.stringify(key)} is present`),
            );
          }
        } else {
          const fn = this.subschema(dep, `${schemaPointer}/dependencies/${escapePointer(key)}`);
          if (fn === null) continue;
          block.open(`if (${has}(value, ${k}))`);
          block.check(`${fn}(value, path)`);
          block.close();
        }
      }
    }

    // Per-key checks: propertyNames, patternProperties, additionalProperties.
    const namesFn = get("propertyNames") === undefined ? null : this.subschema(get("propertyNames"), `${schemaPointer}/propertyNames`);
    const patternProperties = this.schemaMap(get, "patternProperties", schemaPointer) ?? {};
    const patterns: { re: string; fn: string | null }[] = [];
    let patternUnsupported = false;
    for (const pattern of Object.keys(patternProperties)) {
      const pointer = `${schemaPointer}/patternProperties/${escapePointer(pattern)}`;
      const re = this.regex(pattern, pointer);
      if (re === null) {
        patternUnsupported = true;
        continue;
      }
      patterns.push({ re, fn: this.subschema(patternProperties[pattern], pointer) });
    }
    const additional = get("additionalProperties");
    let additionalFn: string | null = null;
    let additionalFalse = false;
    if (additional !== undefined && !patternUnsupported) {
      // With an unusable pattern we cannot tell which keys are additional: skip the check (lenient).
      if (additional === false) additionalFalse = true;
      else additionalFn = this.subschema(additional, `${schemaPointer}/additionalProperties`);
    } else if (additional !== undefined) {
      this.report(`${schemaPointer}/additionalProperties`);
    }
    const checkAdditional = additionalFalse || additionalFn !== null;
    const activePatterns = checkAdditional ? patterns : patterns.filter((p) => p.fn !== null);
    if (namesFn === null && activePatterns.length === 0 && !checkAdditional) return;

    const keyPath = `path + "/" + ${this.helper("ptr")}(key)`;
    block.open("for (const key of Object.keys(value))");
    if (namesFn !== null) {
      block.fail(`${namesFn}(key, ${keyPath}) !== null`, this.err(keyPath, "is not a valid property name"));
    }
    const known = Object.keys(properties);
    const usesMatched = checkAdditional && activePatterns.length > 0;
    if (usesMatched) block.line("let matched = false;");
    for (const p of activePatterns) {
      if (p.fn === null) {
        block.line(`if (${p.re}.test(key)) matched = true;`);
        continue;
      }
      block.open(`if (${p.re}.test(key))`);
      if (usesMatched) block.line("matched = true;");
      block.check(`${p.fn}(value[key], ${keyPath})`);
      block.close();
    }
    if (checkAdditional) {
      const conds: string[] = [];
      if (usesMatched) conds.push("!matched");
      if (known.length > 0 && known.length <= 4) {
        for (const k of known) conds.push(`key !== ${tsLiteral(k)}`);
      } else if (known.length > 4) {
        const set = this.hoist("c", "ReadonlySet<string>", `new Set<string>(${tsLiteral(known)})`);
        conds.push(`!${set}.has(key)`);
      }
      if (additionalFalse) {
        const message = this.err(keyPath, "must NOT be an additional property");
        block.fail(conds.length === 0 ? null : conds.join(" && "), message);
      } else if (additionalFn !== null) {
        if (conds.length === 0) {
          block.check(`${additionalFn}(value[key], ${keyPath})`);
        } else {
          block.open(`if (${conds.join(" && ")})`);
          block.check(`${additionalFn}(value[key], ${keyPath})`);
          block.close();
        }
      }
    }
    block.close();
  }

  private genericKeywords(get: (k: string) => unknown, has: (k: string) => boolean, schemaPointer: string, block: Block): void {
    if (has("enum")) {
      const values = get("enum");
      if (!Array.isArray(values) || values.length === 0) {
        throw new JsonSchemaCompileError(`${schemaPointer}/enum`, "must be a non-empty array");
      }
      const message = this.err("path", "must be equal to one of the allowed values");
      if (values.every((v) => v === null || typeof v !== "object")) {
        const set = this.hoist("c", "ReadonlySet<unknown>", `new Set<unknown>(${this.schemaLiteral(values, `${schemaPointer}/enum`)})`);
        block.fail(`!${set}.has(value)`, message);
      } else {
        const list = this.hoist("c", "readonly unknown[]", this.schemaLiteral(values, `${schemaPointer}/enum`));
        block.fail(`!${list}.some((allowed) => ${this.helper("equal")}(value, allowed))`, message);
      }
    }
    if (has("const")) {
      const c = get("const");
      const lit = this.schemaLiteral(c, `${schemaPointer}/const`);
      const operand = c !== null && typeof c === "object" ? this.hoist("c", "unknown", lit) : lit;
      block.fail(`!${this.helper("equal")}(value, ${operand})`, this.err("path", "must be equal to the constant"));
    }
    const allOf = this.schemaArray(get, "allOf", schemaPointer);
    if (allOf !== undefined) {
      allOf.forEach((sch, i) => {
        const fn = this.subschema(sch, `${schemaPointer}/allOf/${i}`);
        if (fn !== null) block.check(`${fn}(value, path)`);
      });
    }
    const anyOf = this.schemaArray(get, "anyOf", schemaPointer);
    if (anyOf !== undefined) {
      const fns = anyOf.map((sch, i) => this.subschema(sch, `${schemaPointer}/anyOf/${i}`));
      if (!fns.includes(null)) {
        this.failAll(
          block,
          fns.map((fn) => `${fn}(value, path) !== null`),
          this.err("path", "must match a schema in anyOf"),
        );
      }
    }
    const oneOf = this.schemaArray(get, "oneOf", schemaPointer);
    if (oneOf !== undefined) {
      const fns = oneOf.map((sch, i) => this.subschema(sch, `${schemaPointer}/oneOf/${i}`));
      const real = fns.filter((fn): fn is string => fn !== null);
      const trivial = fns.length - real.length;
      const message = this.err("path", "must match exactly one schema in oneOf");
      if (trivial >= 2) {
        block.fail(null, message);
      } else if (trivial === 1) {
        if (real.length > 0)
          this.failAny(
            block,
            real.map((fn) => `${fn}(value, path) === null`),
            message,
          );
      } else if (real.length === 1) {
        block.check(`${real[0]}(value, path)`);
      } else {
        block.line("let oneOfMatches = 0;");
        for (const fn of real) block.line(`if (${fn}(value, path) === null) oneOfMatches++;`);
        block.fail("oneOfMatches !== 1", message);
      }
    }
    if (has("not")) {
      const fn = this.subschema(get("not"), `${schemaPointer}/not`);
      const message = this.err("path", "must NOT be valid against the schema in not");
      if (fn === null) block.fail(null, message);
      else block.fail(`${fn}(value, path) === null`, message);
    }
    if (has("if") && (has("then") || has("else"))) {
      const ifFn = this.subschema(get("if"), `${schemaPointer}/if`);
      const thenFn = has("then") ? this.subschema(get("then"), `${schemaPointer}/then`) : null;
      const elseFn = has("else") ? this.subschema(get("else"), `${schemaPointer}/else`) : null;
      if (ifFn === null) {
        if (thenFn !== null) block.check(`${thenFn}(value, path)`);
      } else if (thenFn !== null || elseFn !== null) {
        if (thenFn !== null) {
          block.open(`if (${ifFn}(value, path) === null)`);
          block.check(`${thenFn}(value, path)`);
          if (elseFn !== null) {
            block.otherwise();
            block.check(`${elseFn}(value, path)`);
          }
          block.close();
        } else if (elseFn !== null) {
          block.open(`if (${ifFn}(value, path) !== null)`);
          block.check(`${elseFn}(value, path)`);
          block.close();
        }
      }
    }
  }

  /** Emits `if (a && b && ...) return expr;`, wrapping long conditions over several lines. */
  private failAll(block: Block, conds: string[], expr: string): void {
    this.failJoined(block, conds, " &&", expr);
  }

  private failAny(block: Block, conds: string[], expr: string): void {
    this.failJoined(block, conds, " ||", expr);
  }

  private failJoined(block: Block, conds: string[], op: string, expr: string): void {
    if (conds.length <= 2) {
      block.fail(conds.join(`${op} `), expr);
      return;
    }
    block.line("if (");
    for (const [i, c] of conds.entries()) block.line(`  ${c}${i < conds.length - 1 ? op : ""}`);
    block.line(`) return ${expr};`);
  }

  private schemaLiteral(value: unknown, pointer: string): string {
    try {
      return tsLiteral(value);
    } catch {
      throw new JsonSchemaCompileError(pointer, "value is not representable as JSON");
    }
  }
}
