// Helpers for the hostile-input tests (test/hostile.test.ts) and the long fuzz run
// (scripts/fuzz.ts): a corpus of hostile strings, config builders, checks every generate()
// result must pass, batched strict type-checking of generated folders (one ts-morph program per
// batch), importing generated code under a canary, and fast-check arbitraries for whole configs.
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import type { Diagnostic, GeneratedFile } from "../../generator/index.js";
import { strictProject } from "./typecheck.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PRODUCER = "backend/amqp/producer";
export const LEGACY_PRODUCER = "github.com/devopsfaith/krakend-amqp/produce";
export const VALIDATION = "validation/json-schema";

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

/** The global a successful injection would set. `armCanary()` watches it. */
export const CANARY = "__pwned";

export interface Hostile {
  readonly name: string;
  readonly value: string;
}

/** Strings that would break out of a string literal, a comment, a template, a file name or a parser. */
export const HOSTILE: readonly Hostile[] = [
  { name: "double quote", value: '"' },
  { name: "single quote", value: "'" },
  { name: "backtick", value: "`" },
  { name: "backslash", value: "\\" },
  { name: "trailing backslash", value: "abc\\" },
  { name: "template exit", value: "${process.exit(1)}" },
  { name: "template canary", value: "${globalThis.__pwned = 1}" },
  { name: "backtick template canary", value: "`+${globalThis.__pwned = 1}+`" },
  { name: "double-quote breakout", value: '");globalThis.__pwned=1;("' },
  { name: "single-quote breakout", value: "');globalThis.__pwned=1;('" },
  { name: "backtick breakout", value: "`;globalThis.__pwned=1;`" },
  { name: "comment close breakout", value: "*/globalThis.__pwned=1;/*" },
  { name: "comment open", value: "/*" },
  { name: "comment close", value: "*/" },
  { name: "line comment", value: "//" },
  { name: "LF breakout", value: "\nglobalThis.__pwned=1;//" },
  { name: "CR breakout", value: "\rglobalThis.__pwned=1;//" },
  { name: "CRLF", value: "a\r\nb" },
  { name: "U+2028 breakout", value: "\u2028globalThis.__pwned=1;//" },
  { name: "U+2029", value: "a\u2029b" },
  { name: "NUL", value: "a\u0000b" },
  { name: "control characters", value: "\t\v\f\b\u001b[31m\u007f\u0085" },
  { name: "lone high surrogate", value: "\uD800" },
  { name: "lone low surrogate", value: "\uDC00" },
  { name: "reversed surrogate pair", value: "x\uDC00\uD800y" },
  { name: "100k characters", value: "x".repeat(50_000) + '"`\u2028*/' + "y".repeat(49_994) },
  { name: "keyword delete", value: "delete" },
  { name: "keyword class", value: "class" },
  { name: "keyword await", value: "await" },
  { name: "__proto__", value: "__proto__" },
  { name: "constructor", value: "constructor" },
  { name: "prototype", value: "prototype" },
  { name: "toString", value: "toString" },
  { name: "hasOwnProperty", value: "hasOwnProperty" },
  { name: "script close", value: "</script><script>globalThis.__pwned=1</script>" },
  { name: "HTML comment", value: "<!-- -->" },
  { name: "handlebars", value: "{{handlebars}}" },
  { name: "handlebars triple", value: "{{{x}}}" },
  { name: "handlebars partial", value: "{{> header}}{{#each x}}" },
  { name: "escaped quote text", value: "\\u0022" },
  { name: "escaped U+2028 text", value: "\\u2028" },
  { name: "replacement patterns", value: "$&$`$'$1$$" },
  { name: "emoji", value: "😀👨‍👩‍👧" },
  { name: "BOM and zero-width", value: "\uFEFF\u200B\u200D" },
  { name: "right-to-left override", value: "a\u202Egnp.exe" },
  { name: "percent encodings", value: "%00%2F%22%E2%80%A8" },
  { name: "query and fragment", value: "?a=1#b" },
  { name: "dot-dot", value: ".." },
  { name: "path traversal", value: "../../etc/passwd" },
  { name: "windows path", value: "C:\\Windows\\system32" },
  { name: "device name", value: "CON" },
  { name: "JSON pointer chars", value: "~0~1/~" },
  { name: "empty", value: "" },
  { name: "space", value: " " },
  { name: "emoji at the comment cut", value: "a".repeat(113) + "😀".repeat(8) },
  { name: "emoji at the comment cut (odd)", value: "a".repeat(114) + "😀".repeat(8) },
  { name: "emojis", value: "😀".repeat(150) },
];

/** Every character a hostile string is made of, for generated strings. */
export const HOSTILE_CHARS = [
  '"',
  "'",
  "`",
  "\\",
  "$",
  "{",
  "}",
  "*",
  "/",
  "\n",
  "\r",
  "\u2028",
  "\u2029",
  "\u0000",
  "\uD800",
  "\uDC00",
  "😀",
  "<",
  ">",
  "-",
  "_",
  ".",
  "~",
  "%",
  "?",
  "#",
  " ",
  "é",
  "\t",
  "(",
  ")",
  ";",
  "=",
  "@",
  ":",
] as const;

// ---------------------------------------------------------------------------------------------
// Config builders
// ---------------------------------------------------------------------------------------------

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An object with `key` as an own property, even for `__proto__`. */
export function own(entries: readonly (readonly [string, Json])[]): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

export interface EndpointSpec {
  endpoint: string;
  method?: string;
  producer?: JsonObject;
  /** Extra endpoint fields (input_headers, extra_config, ...). */
  extra?: JsonObject;
  /** Extra backend fields (host, ...). */
  backend?: JsonObject;
}

export const DEFAULT_HOST = "amqp://127.0.0.1:5672";

/** A valid producer block, with `over` replacing its fields. */
export function producer(over: JsonObject = {}): JsonObject {
  return { name: "q", exchange: "x", routing_key: "k", static_routing_key: true, ...over };
}

export function endpoint(spec: EndpointSpec): JsonObject {
  return {
    endpoint: spec.endpoint,
    method: spec.method ?? "POST",
    ...spec.extra,
    backend: [
      {
        disable_host_sanitize: true,
        ...spec.backend,
        extra_config: own([[PRODUCER, spec.producer ?? producer()]]),
      },
    ],
  };
}

export function config(endpoints: readonly JsonObject[], root: JsonObject = {}): JsonObject {
  return { version: 3, host: [DEFAULT_HOST], ...root, endpoints: [...endpoints] };
}

/** KrakenD's name for a path param: the first character upper-cased. */
export function krakendKey(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export const PARAM_NAME = /^[a-zA-Z0-9_-]+$/;

/** Go's http.CanonicalHeaderKey for token names; anything else unchanged. */
export function canonicalHeader(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  return name
    .split("-")
    .map((w) => (w.length === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()))
    .join("-");
}

/** A regular expression (u flag) that matches exactly `text`. */
export function exactPattern(text: string): string {
  return "^" + text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&") + "$";
}

// ---------------------------------------------------------------------------------------------
// Checks on every generate() result
// ---------------------------------------------------------------------------------------------

export interface ResultLike {
  files: readonly GeneratedFile[];
  diagnostics: readonly Diagnostic[];
}

const SEVERITIES = new Set(["error", "warning", "info"]);
/** C0 controls (LF, ESC, BEL, …): what a terminal acts on when the CLI prints a message. */
const CONTROL = /[\u0000-\u001f]/;

/** RFC 6901: "" or "/"-separated tokens where "~" is only followed by 0 or 1. */
export function isJsonPointer(pointer: unknown): boolean {
  return typeof pointer === "string" && (pointer === "" || (pointer.startsWith("/") && !/~(?![01])/.test(pointer)));
}

/** Raw characters no generated file may contain: U+2028, U+2029, NUL, CR, lone surrogates. */
export function forbiddenChars(content: string): { index: number; char: string }[] {
  const out: { index: number; char: string }[] = [];
  const re = /[\u2028\u2029\u0000\r]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
  for (const m of content.matchAll(re)) out.push({ index: m.index, char: JSON.stringify(m[0]) });
  return out;
}

/** Paths a generated file may have: relative, lower-case, `[a-z0-9.-]` names, no `.` or `..` segment. */
export const FILE_PATH = /^(?!.*(?:^|\/)\.\.?(?:\/|$))(?:[a-z0-9][a-z0-9-]*\/)*\.?[a-z0-9][a-z0-9.-]*$/;
/** Files named after routes: `routes/<kebab>.ts` and `routes/<kebab>.body.ts`. */
export const ROUTE_FILE = /^routes\/[a-z0-9]+(?:-[a-z0-9]+)*(?:\.body)?\.ts$/;

/**
 * What every result must satisfy, whatever the input: either ≥ 1 error and no file, or files and
 * no error; diagnostics with a code, a severity, a message, line/column ≥ 1 inside the text, a
 * valid pointer; safe, unique file names; no forbidden raw character in any file; no secret.
 */
export function resultProblems(result: ResultLike, opts: { text?: string; file?: string; secrets?: readonly string[] } = {}): string[] {
  const problems: string[] = [];
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 && result.files.length > 0) problems.push(`${errors.length} error(s) and ${result.files.length} file(s)`);
  if (errors.length === 0 && result.files.length === 0) problems.push("no error and no file");
  const lines = opts.text === undefined ? Infinity : opts.text.split(/\r\n|\r|\n/).length;
  for (const d of result.diagnostics) {
    const where = `${d.code} ${JSON.stringify(d.pointer)}`;
    if (typeof d.code !== "string" || !/^AG\d{3}$/.test(d.code)) problems.push(`bad code ${JSON.stringify(d.code)}`);
    if (!SEVERITIES.has(d.severity)) problems.push(`${where}: bad severity ${JSON.stringify(d.severity)}`);
    if (typeof d.message !== "string" || d.message.trim() === "") problems.push(`${where}: empty message`);
    if (d.hint !== undefined && typeof d.hint !== "string") problems.push(`${where}: hint is not a string`);
    for (const text of [d.message, d.hint ?? ""]) {
      const control = CONTROL.exec(text);
      if (control) problems.push(`${where}: raw control character ${JSON.stringify(control[0])} in a message or hint`);
    }
    if (!Number.isInteger(d.line) || d.line < 1) problems.push(`${where}: line ${d.line}`);
    if (!Number.isInteger(d.column) || d.column < 1) problems.push(`${where}: column ${d.column}`);
    if (Number.isInteger(d.line) && d.line > lines) problems.push(`${where}: line ${d.line} is past the last line (${lines})`);
    if (!isJsonPointer(d.pointer)) problems.push(`${where}: invalid JSON pointer`);
    if (opts.file !== undefined && d.file !== opts.file) problems.push(`${where}: file ${JSON.stringify(d.file)}`);
    for (const secret of opts.secrets ?? []) {
      if (`${d.message}\n${d.hint ?? ""}`.includes(secret)) problems.push(`${where}: the message or hint contains the secret ${JSON.stringify(secret)}`);
    }
  }
  const seen = new Set<string>();
  for (const f of result.files) {
    if (!FILE_PATH.test(f.path) || (f.path.startsWith("routes/") && !ROUTE_FILE.test(f.path))) problems.push(`unsafe file path ${JSON.stringify(f.path)}`);
    const lower = f.path.toLowerCase();
    if (seen.has(lower)) problems.push(`duplicate file path ${JSON.stringify(f.path)}`);
    seen.add(lower);
    for (const bad of forbiddenChars(f.content).slice(0, 3)) problems.push(`${f.path}: raw ${bad.char} at offset ${bad.index}`);
    for (const secret of opts.secrets ?? []) if (f.content.includes(secret)) problems.push(`${f.path} contains the secret ${JSON.stringify(secret)}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Writing, type-checking and importing generated folders
// ---------------------------------------------------------------------------------------------

/**
 * A folder of generated cases under `.tmp/<name>/`. The `runtime/` folder does not depend on the
 * config: it is written once per distinct content to `_shared/<hash>/runtime/` (type-checked and
 * imported once), and each case's `runtime/<module>.ts` is one line re-exporting its shared copy.
 * (A symbolic link would not do: TypeScript follows links to one real file only inside
 * node_modules, and checked every case's copy again.) Only a runtime whose relative imports stay
 * inside runtime/ and that has no default export is shared; any other is written as is.
 */
export class CaseFolder {
  readonly root: string;
  /** Shared runtimes, by content hash: the shared folder. */
  readonly shared = new Map<string, string>();
  /** Every file written, per case folder (absolute paths). */
  readonly filesOf = new Map<string, string[]>();
  private next = 0;

  constructor(name: string) {
    this.root = join(ROOT, ".tmp", name);
    rmSync(this.root, { recursive: true, force: true });
    mkdirSync(this.root, { recursive: true });
  }

  /** Writes the files into a fresh `<root>/<n>/` and returns that folder. */
  write(files: readonly GeneratedFile[]): string {
    const dir = join(this.root, String(this.next++));
    const written: string[] = [];
    const runtime = files.filter((f) => f.path.startsWith("runtime/"));
    const shareable = runtime.length > 0 && runtime.every((f) => !/from\s+["']\.\.\/|export\s+default/.test(f.content));
    const hash = createHash("sha256");
    for (const f of runtime) hash.update(`${f.path}\0${f.content}\0`);
    const key = hash.digest("hex").slice(0, 16);
    if (shareable && !this.shared.has(key)) {
      const target = join(this.root, "_shared", key);
      for (const f of runtime) {
        mkdirSync(dirname(join(target, f.path)), { recursive: true });
        writeFileSync(join(target, f.path), f.content);
      }
      this.shared.set(key, target);
    }
    for (const f of files) {
      const path = join(dir, f.path);
      if (!path.startsWith(dir + sep)) throw new Error(`generated path escapes its folder: ${JSON.stringify(f.path)}`);
      mkdirSync(dirname(path), { recursive: true });
      const shared = shareable && f.path.startsWith("runtime/");
      writeFileSync(path, shared ? `export * from "../../_shared/${key}/${f.path.replace(/\.ts$/, ".js")}";\n` : f.content);
      written.push(path);
    }
    this.filesOf.set(dir, written);
    return dir;
  }
}

export interface TypecheckResult {
  /** TypeScript diagnostics per case folder (and "_shared" for the shared runtime). */
  byDir: Map<string, string[]>;
  count: number;
  files: number;
  ms: number;
}

/** One strict ts-morph program over the given case folders of `folder` (the golden type-check's options). */
export async function typecheck(dirs: readonly string[], folder: CaseFolder): Promise<TypecheckResult> {
  const started = performance.now();
  const { ts } = await import("ts-morph");
  const project = await strictProject({ skipFileDependencyResolution: true });
  for (const shared of folder.shared.values()) project.addSourceFilesAtPaths(join(shared, "runtime", "*.ts"));
  for (const dir of dirs) for (const file of folder.filesOf.get(dir) ?? []) if (file.endsWith(".ts")) project.addSourceFileAtPath(file);
  const program = project.getProgram().compilerObject;
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const byDir = new Map<string, string[]>();
  for (const d of diagnostics) {
    const file = d.file?.fileName ?? "(global)";
    const rel = relative(folder.root, file);
    const key = rel.split(/[\\/]/)[0] ?? rel;
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
    const text = `${rel}:${line} TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n").slice(0, 300)}`;
    const list = byDir.get(key) ?? [];
    list.push(text);
    byDir.set(key, list);
  }
  return {
    byDir,
    count: diagnostics.length,
    files: program.getSourceFiles().filter((f) => !f.fileName.includes("/node_modules/")).length,
    ms: performance.now() - started,
  };
}

/** What a generated index.ts exports, as these tests use it (the objects are the full `Route`s). */
export interface HostileRoute {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly params: readonly { readonly name: string; readonly key: string; readonly segment: number }[];
  readonly broker: number;
  readonly exchange: { readonly name: string; readonly type: string; readonly durable: boolean; readonly autoDelete: boolean };
  readonly queue: { readonly name: string; readonly durable: boolean; readonly bindingKey: string } | null;
  readonly routingKey: { readonly kind: "static"; readonly value: string } | { readonly kind: "param"; readonly param: string } | { readonly kind: "empty" };
  readonly inputHeaders: "*" | readonly string[];
  readonly hasBodySchema: boolean;
  readonly prepare: (
    segments: readonly string[],
    request: IncomingMessage,
  ) => { routingKey: string; options: Record<string, unknown> } | { status: number; message: string };
  readonly validateBody: ((body: unknown) => string | null) | null;
}

export interface HostileModule {
  readonly routes: readonly HostileRoute[];
  readonly brokers: readonly { readonly urls: readonly string[]; readonly maxRetries: number; readonly backoff: string }[];
}

export interface Canary {
  /** Writes to `globalThis.__pwned` and calls of process.exit seen so far. */
  readonly hits: string[];
  disarm(): void;
}

/** Watches `globalThis.__pwned` and `process.exit` while generated code is imported. */
export function armCanary(): Canary {
  const hits: string[] = [];
  Object.defineProperty(globalThis, CANARY, {
    configurable: true,
    get: () => undefined,
    set: (value: unknown) => void hits.push(`globalThis.${CANARY} = ${String(value)}`),
  });
  const exit = process.exit;
  process.exit = ((code?: number) => {
    hits.push(`process.exit(${String(code)})`);
    throw new Error(`generated code called process.exit(${String(code)})`);
  }) as typeof process.exit;
  return {
    hits,
    disarm() {
      process.exit = exit;
      Reflect.deleteProperty(globalThis, CANARY);
    },
  };
}

export async function importCase(dir: string): Promise<HostileModule> {
  return (await import(pathToFileURL(join(dir, "index.ts")).href)) as HostileModule;
}

/** A request as the generated routes read it: headers, peer address. */
export function fakeRequest(headers: Record<string, string> = { "content-type": "application/json", host: "gw.test" }): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.rawHeaders = Object.entries(headers).flat();
  request.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return request;
}

// ---------------------------------------------------------------------------------------------
// fast-check arbitraries: valid-shaped configs, almost-valid ones, random JSON and text
// ---------------------------------------------------------------------------------------------

const SHORT_HOSTILE = HOSTILE.map((h) => h.value).filter((v) => v.length <= 64);

/** Any string, biased towards the characters and words that break generated code. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SHORT_HOSTILE) },
  { weight: 3, arbitrary: fc.string({ unit: fc.oneof(fc.constantFrom(...HOSTILE_CHARS), fc.constantFrom(..."abcXYZ019")), maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}$/) },
);

/** Mostly valid param names (some that shadow Object.prototype), sometimes hostile ones. */
export const paramName: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_-]{1,8}$/) },
  { weight: 2, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "valueOf", "delete", "class", "await", "id", "Id", "_", "-", "0") },
  { weight: 1, arbitrary: hostileString },
);

type Segment = { param: string } | { text: string };

const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9._-]{0,8}$/).map((text) => ({ text })) },
  { weight: 1, arbitrary: hostileString.map((text) => ({ text })) },
  { weight: 3, arbitrary: paramName.map((param) => ({ param })) },
);

const passwordMarker = fc.stringMatching(/^[A-Za-z0-9]{10}$/).map((s) => `Pw${s}`);

/** `amqp://user:password@host:port/vhost`, parts percent-encoded or raw; the password holds a `Pw…` marker. */
export const hostArb: fc.Arbitrary<{ host: string; secret: string }> = fc
  .record({
    scheme: fc.constantFrom("amqp", "amqps", "AMQP", "http", ""),
    user: fc.oneof(fc.constant("guest"), hostileString),
    secret: passwordMarker,
    extra: fc.oneof(fc.constant(""), hostileString),
    encode: fc.boolean(),
    hostname: fc.constantFrom("127.0.0.1", "broker", "[::1]", "", "h\u00e9", "xn--h-bga"),
    port: fc.constantFrom("", ":5672", ":0", ":99999", ":x"),
    vhost: fc.oneof(fc.constant(""), hostileString),
    query: fc.constantFrom("", "?heartbeat=5", "#frag"),
  })
  .map((p) => {
    const enc = (s: string) => (p.encode ? encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, "")) : s);
    const password = p.secret + enc(p.extra);
    return { host: `${p.scheme}${p.scheme ? "://" : ""}${enc(p.user)}:${password}@${p.hostname}${p.port}/${enc(p.vhost)}${p.query}`, secret: p.secret };
  });

interface SchemaArbs {
  schema: JsonObject;
}

const jsonLeaf: fc.Arbitrary<Json> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Body schemas made of hostile property names, enum/const values, patterns, titles, descriptions. */
export const schemaArb: fc.Arbitrary<JsonObject> = fc.letrec<SchemaArbs>((tie) => ({
  schema: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record(
      {
        type: fc.constantFrom("string", "number", "integer", "boolean", "null", "array", "object"),
        enum: fc.array(jsonLeaf, { minLength: 1, maxLength: 3 }),
        const: jsonLeaf,
        pattern: fc.oneof(hostileString, hostileString.map(exactPattern)),
        title: hostileString,
        description: hostileString,
        default: jsonLeaf,
        minLength: fc.nat(5),
        format: fc.constantFrom("email", "uuid", "date", "unknown-format"),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<JsonObject>,
    fc
      .record(
        {
          title: hostileString,
          description: hostileString,
          props: fc.array(fc.tuple(hostileString, tie("schema") as fc.Arbitrary<JsonObject>), { maxLength: 3 }),
          required: fc.array(hostileString, { maxLength: 2 }),
          additionalProperties: fc.boolean(),
        },
        { requiredKeys: ["props"] },
      )
      .map(({ props, ...rest }): JsonObject => ({ type: "object", properties: own(props), ...rest })),
    fc.record({ type: fc.constant("array"), items: tie("schema"), title: hostileString }, { requiredKeys: ["type", "items"] }) as fc.Arbitrary<JsonObject>,
  ),
})).schema;

const BOOL_FIELDS = ["durable", "delete", "exclusive", "no_wait", "mandatory", "immediate", "static_routing_key"] as const;
const KEY_FIELDS = ["exp_key", "reply_to_key", "msg_id_key", "priority_key"] as const;

export interface GeneratedConfig {
  config: JsonObject;
  /** The `Pw…` markers of every password in the config. */
  secrets: string[];
}

function endpointArb(): fc.Arbitrary<{ endpoint: JsonObject; secrets: string[] }> {
  return fc.array(segmentArb, { maxLength: 4 }).chain((segments) => {
    const params = segments.flatMap((s) => ("param" in s ? [s.param] : []));
    const path = "/" + segments.map((s) => ("param" in s ? `{${s.param}}` : s.text)).join("/");
    const keyArb: fc.Arbitrary<string> =
      params.length > 0
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...params.map(krakendKey)) }, { weight: 1, arbitrary: hostileString })
        : hostileString;
    const block = fc
      .record(
        {
          name: hostileString,
          exchange: hostileString,
          routing_key: keyArb,
          ...Object.fromEntries(BOOL_FIELDS.map((f) => [f, fc.boolean()])),
          ...Object.fromEntries(KEY_FIELDS.map((f) => [f, keyArb])),
          max_retries: fc.integer({ min: -1, max: 5 }),
          backoff_strategy: fc.constantFrom("linear", "linear-jitter", "exponential", "exponential-jitter", "fallback"),
          "@comment": hostileString,
        },
        { requiredKeys: ["name", "exchange", "routing_key"] },
      )
      .map((b) => b as JsonObject);
    return fc
      .record(
        {
          method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
          block,
          legacy: fc.boolean(),
          hosts: fc.option(fc.array(hostArb, { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 }),
          input_headers: fc.option(fc.array(fc.oneof(hostileString, fc.constantFrom("Content-Type", "x-request-id", "*")), { maxLength: 3 }), {
            nil: undefined,
          }),
          timeout: fc.option(fc.constantFrom("2s", "1500ms", "1m30s", "0s", "1.5s"), { nil: undefined }),
          output_encoding: fc.option(fc.constantFrom("json", "no-op", "string", "json-collection", "xml"), { nil: undefined }),
          schema: fc.option(schemaArb, { nil: undefined, freq: 3 }),
          otherNamespace: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined, freq: 3 }),
        },
        { requiredKeys: ["method", "block", "legacy"] },
      )
      .map((e) => {
        const extra: JsonObject = {};
        if (e.schema !== undefined) extra[VALIDATION] = e.schema;
        if (e.otherNamespace !== undefined) extra["qos/ratelimit/router"] = e.otherNamespace as Json;
        const endpoint: JsonObject = {
          endpoint: path,
          method: e.method,
          ...(e.input_headers ? { input_headers: e.input_headers } : {}),
          ...(e.timeout ? { timeout: e.timeout } : {}),
          ...(e.output_encoding ? { output_encoding: e.output_encoding } : {}),
          ...(Object.keys(extra).length > 0 ? { extra_config: extra } : {}),
          backend: [
            {
              disable_host_sanitize: true,
              ...(e.hosts ? { host: e.hosts.map((h) => h.host) } : {}),
              extra_config: own([[e.legacy ? LEGACY_PRODUCER : PRODUCER, e.block]]),
            },
          ],
        };
        return { endpoint, secrets: (e.hosts ?? []).map((h) => h.secret) };
      });
  });
}

/** Configs of the right shape, built from arbitrary strings: many are valid, the rest diagnosed. */
export const validShapedConfig: fc.Arbitrary<GeneratedConfig> = fc
  .record({
    hosts: fc.array(hostArb, { minLength: 1, maxLength: 2 }),
    endpoints: fc.array(endpointArb(), { maxLength: 4 }),
    timeout: fc.option(fc.constantFrom("3s", "250ms"), { nil: undefined }),
  })
  .map(({ hosts, endpoints, timeout }) => ({
    config: {
      version: 3,
      host: hosts.map((h) => h.host),
      ...(timeout ? { timeout } : {}),
      endpoints: endpoints.map((e) => e.endpoint),
    },
    secrets: [...hosts.map((h) => h.secret), ...endpoints.flatMap((e) => e.secrets)],
  }));

/** Configs whose strings are safe enough that most of them generate (for type-checking). */
export const mostlyValidConfig: fc.Arbitrary<GeneratedConfig> = fc
  .record({
    endpoints: fc.uniqueArray(
      fc.record({
        words: fc.array(
          fc.oneof({ weight: 3, arbitrary: fc.stringMatching(/^[a-zA-Z0-9]{1,6}$/) }, { weight: 1, arbitrary: hostileString.filter((w) => !/[{}*]/.test(w)) }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        param: fc.option(
          paramName.filter((p) => PARAM_NAME.test(p)),
          { nil: undefined },
        ),
        method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
        exchange: hostileString.filter((s) => s !== ""),
        queue: hostileString,
        key: hostileString,
        headers: fc.array(hostileString, { maxLength: 2 }),
        schema: fc.option(schemaArb, { nil: undefined, freq: 2 }),
      }),
      { maxLength: 4, selector: (e) => `${e.method} ${e.words.join("/")}${e.param === undefined ? "" : "/{}"}` },
    ),
    secret: passwordMarker,
  })
  .map(({ endpoints, secret }) => {
    const exchanges = new Map<string, number>();
    return {
      config: {
        version: 3,
        host: [`amqp://user:${secret}@127.0.0.1:5672/`],
        endpoints: endpoints.map((e, i) => {
          // One declaration per exchange/queue name (else AG216): suffix repeated names.
          const n = exchanges.get(e.exchange) ?? 0;
          exchanges.set(e.exchange, n + 1);
          const suffix = n > 0 ? `#${i}` : "";
          const paramPart = e.param !== undefined ? `/{${e.param}}` : "";
          return endpoint({
            endpoint: `/${e.words.join("/")}${paramPart}`,
            method: e.method,
            producer: {
              name: e.queue === "" ? "" : `${e.queue}${suffix}`,
              exchange: e.exchange + suffix,
              routing_key: e.key,
              static_routing_key: true,
              ...(e.param !== undefined ? { msg_id_key: krakendKey(e.param) } : {}),
            },
            extra: { input_headers: e.headers, ...(e.schema ? { extra_config: { [VALIDATION]: e.schema } } : {}) },
          });
        }),
      },
      secrets: [secret],
    };
  });

interface Mutation {
  at: number;
  op: "delete" | "replace" | "add" | "wrap" | "stringify";
  key: string;
  value: Json;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("delete", "replace", "add", "wrap", "stringify"),
  key: fc.oneof(hostileString, fc.constantFrom("name", "exchange", "routing_key", "endpoint", "backend", "host", "extra_config", "version", "__proto__")),
  value: fc.oneof(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, hostileString, fc.constant(null)),
});

/** Every container (object or array) in a value, with its parent. */
function containers(value: Json, out: Json[] = []): Json[] {
  if (value !== null && typeof value === "object") {
    out.push(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) containers(child, out);
  }
  return out;
}

function mutate(config: JsonObject, mutations: readonly Mutation[]): JsonObject {
  const copy = structuredClone(config);
  for (const m of mutations) {
    const all = containers(copy);
    const target = all[m.at % all.length];
    if (target === null || typeof target !== "object") continue;
    if (Array.isArray(target)) {
      const i = target.length === 0 ? 0 : m.at % target.length;
      if (m.op === "delete") target.splice(i, 1);
      else if (m.op === "add") target.push(m.value);
      else if (m.op === "wrap") target[i] = [target[i] ?? null];
      else if (m.op === "stringify") target[i] = JSON.stringify(target[i] ?? null);
      else target[i] = m.value;
    } else {
      const keys = Object.keys(target);
      const key = keys.length === 0 ? m.key : (keys[m.at % keys.length] as string);
      const current = target[key] ?? null;
      if (m.op === "delete") Reflect.deleteProperty(target, key);
      else if (m.op === "add") Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      else if (m.op === "wrap") target[key] = [current];
      else if (m.op === "stringify") target[key] = JSON.stringify(current);
      else target[key] = m.value;
    }
  }
  return copy;
}

/** A valid-shaped config with 1–3 mutations: a wrong type, a missing field, an extra key. */
export const almostValidConfig: fc.Arbitrary<GeneratedConfig> = fc
  .tuple(fc.oneof(mostlyValidConfig, validShapedConfig), fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
  .map(([base, mutations]) => ({ config: mutate(base.config, mutations), secrets: base.secrets }));

/** Text edits of a config's JSON: insert, delete, truncate. */
export const mangledText: fc.Arbitrary<string> = fc
  .tuple(
    mostlyValidConfig,
    fc.array(
      fc.tuple(fc.nat(), fc.nat(8), fc.constantFrom("", "{", "}", "[", "]", ",", ":", '"', "\\", "/*", "//", "\n", "\uFEFF", "\u2028", "\u0000", "1e999", "-")),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([base, edits]) => {
    let text = JSON.stringify(base.config, null, 2);
    for (const [at, remove, insert] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + remove);
    }
    return text;
  });

export type FuzzInput =
  | { kind: "valid-shaped" | "mostly-valid" | "almost-valid"; config: JsonObject; secrets: string[]; asObject: boolean }
  | { kind: "json-value"; value: unknown; asObject: boolean }
  | { kind: "text" | "mangled-text"; text: string };

/** Everything the fuzzers feed generate(), in the proportions of a run. */
export const fuzzInput: fc.Arbitrary<FuzzInput> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(validShapedConfig, fc.boolean()).map(([c, asObject]): FuzzInput => ({ kind: "valid-shaped", ...c, asObject })) },
  { weight: 4, arbitrary: fc.tuple(mostlyValidConfig, fc.boolean()).map(([c, asObject]): FuzzInput => ({ kind: "mostly-valid", ...c, asObject })) },
  { weight: 3, arbitrary: fc.tuple(almostValidConfig, fc.boolean()).map(([c, asObject]): FuzzInput => ({ kind: "almost-valid", ...c, asObject })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.jsonValue(), fc.record({ version: fc.jsonValue(), endpoints: fc.jsonValue(), host: fc.jsonValue() }, { requiredKeys: [] })),
        fc.boolean(),
      )
      .map(([value, asObject]): FuzzInput => ({ kind: "json-value", value, asObject: asObject && typeof value === "object" && value !== null })),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }).map((text): FuzzInput => ({ kind: "text", text })) },
  { weight: 2, arbitrary: mangledText.map((text): FuzzInput => ({ kind: "mangled-text", text })) },
);

/** The argument generate() receives for a fuzz input, and the text (for line checks), if any. */
export function fuzzArgument(input: FuzzInput): { arg: string | object; text: string; secrets: readonly string[] } {
  switch (input.kind) {
    case "text":
    case "mangled-text":
      return { arg: input.text, text: input.text, secrets: [] };
    case "json-value": {
      const text = JSON.stringify(input.value, null, 2) ?? "";
      return { arg: input.asObject ? (input.value as object) : text, text, secrets: [] };
    }
    default: {
      const text = JSON.stringify(input.config, null, 2);
      return { arg: input.asObject ? input.config : text, text, secrets: input.secrets };
    }
  }
}

/** Round trip: each generated route carries the exchange, queue and routing key of its endpoint, exactly. */
export function roundTripProblems(configValue: unknown, mod: HostileModule): string[] {
  const problems: string[] = [];
  const endpoints = ((configValue as { endpoints?: unknown }).endpoints ?? []) as JsonObject[];
  for (const route of mod.routes) {
    const ep = endpoints.find((e) => e["endpoint"] === route.path && (e["method"] ?? "GET") === route.method);
    if (!ep) {
      problems.push(`route ${route.method} ${JSON.stringify(route.path)} has no endpoint`);
      continue;
    }
    const backends = (ep["backend"] ?? []) as JsonObject[];
    const extra = backends.map((b) => (b["extra_config"] ?? {}) as JsonObject).find((x) => Object.hasOwn(x, PRODUCER) || Object.hasOwn(x, LEGACY_PRODUCER));
    const block = (extra?.[PRODUCER] ?? extra?.[LEGACY_PRODUCER]) as JsonObject | undefined;
    if (!block) {
      problems.push(`route ${route.method} ${route.path}: no producer block`);
      continue;
    }
    const label = `${route.method} ${JSON.stringify(route.path).slice(0, 80)}`;
    if (route.exchange.name !== block["exchange"])
      problems.push(`${label}: exchange ${JSON.stringify(route.exchange.name)} != ${JSON.stringify(block["exchange"])}`);
    const queue = block["name"] === "" ? null : block["name"];
    if ((route.queue?.name ?? null) !== queue) problems.push(`${label}: queue ${JSON.stringify(route.queue?.name)} != ${JSON.stringify(queue)}`);
    if (block["static_routing_key"] === true) {
      if (route.routingKey.kind !== "static" || route.routingKey.value !== block["routing_key"])
        problems.push(`${label}: routing key ${JSON.stringify(route.routingKey)}`);
    }
    const params = String(ep["endpoint"])
      .split("/")
      .slice(1)
      .flatMap((part) => /^\{(.*)\}$/.exec(part)?.slice(1, 2) ?? []);
    if (JSON.stringify(route.params.map((p) => p.name)) !== JSON.stringify(params)) problems.push(`${label}: params ${JSON.stringify(route.params)}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Big configs, measured in a process of their own (so that RSS means something)
// ---------------------------------------------------------------------------------------------

/** A config of about `bytes` bytes made of many ordinary producer endpoints. */
export function bigConfigText(bytes: number, invalid = false): { text: string; endpoints: number } {
  const endpoints: JsonObject[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const e = endpoint({
      endpoint: `/big/${i}/{id}/x${"y".repeat(i % 40)}`,
      method: ["GET", "POST", "PUT", "PATCH", "DELETE"][i % 5] ?? "POST",
      producer: producer({
        exchange: `exchange.${i % 100}`,
        name: `queue.${i}`,
        routing_key: `key.${i}`,
        msg_id_key: invalid ? "Nope" : "Id",
        "@comment": "c".repeat(i % 200),
      }),
      extra: { input_headers: ["Content-Type", "X-Request-Id"] },
    });
    size += JSON.stringify(e).length + 1;
    endpoints.push(e);
  }
  return { text: JSON.stringify(config(endpoints)), endpoints: endpoints.length };
}

export interface BigMeasure {
  bytes: number;
  endpoints: number;
  files: number;
  routeFiles: number;
  errors: number;
  diagnostics: number;
  ms: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  heapPeakMb: number;
}

async function measureBig(bytes: number, invalid: boolean): Promise<BigMeasure> {
  const { generate } = await import("../../generator/index.js");
  await generate(JSON.stringify(config([endpoint({ endpoint: "/warm" })]))); // load schema and templates first
  const { text, endpoints } = bigConfigText(bytes, invalid);
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let heapPeak = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  };
  const timer = setInterval(sample, 10);
  const started = performance.now();
  const result = await generate(text);
  const ms = performance.now() - started;
  clearInterval(timer);
  sample();
  const mb = (n: number) => Math.round(n / 1e6);
  return {
    bytes: text.length,
    endpoints,
    files: result.files.length,
    routeFiles: result.files.filter((f) => ROUTE_FILE.test(f.path)).length,
    errors: result.diagnostics.filter((d) => d.severity === "error").length,
    diagnostics: result.diagnostics.length,
    ms: Math.round(ms),
    rssBeforeMb: mb(rssBefore),
    rssPeakMb: mb(rssPeak),
    heapPeakMb: mb(heapPeak),
  };
}

/** `node --import tsx test/helpers/hostile.ts --big <bytes> [invalid]` prints one BigMeasure as JSON. */
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--big") {
  console.log(JSON.stringify(await measureBig(Number(process.argv[3] ?? 10_000_000), process.argv[4] === "invalid")));
}

/** Runs measureBig in a child process (a fresh heap, a meaningful RSS). */
export async function measureBigInChild(bytes: number, invalid: boolean): Promise<BigMeasure> {
  const { execFile } = await import("node:child_process");
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", self, "--big", String(bytes), invalid ? "invalid" : "valid"],
      { cwd: ROOT, maxBuffer: 1 << 20, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as BigMeasure);
        } catch {
          reject(new Error(`no measure in: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}
