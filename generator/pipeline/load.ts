/**
 * Phase 1: load. Text in, a JSON value plus a source map (pointer → line:column) out.
 * jsonc-parser (VS Code's own JSON parser) gives us offsets for every node and every syntax
 * error, so each later diagnostic can point at the exact key or value.
 */
import { createRequire } from "node:module";
import type { Node, ParseError } from "jsonc-parser";
import { Diagnostics } from "../diagnostics/catalogue.js";
import { diagnosticAt, joinPointer, parsePointer, type Diagnostic } from "../diagnostics/diagnostics.js";
import { lineStarts } from "./text.js";

/** jsonc-parser is loaded only when needed: a position to report, a syntax error, a duplicate key. */
let jsoncModule: typeof import("jsonc-parser") | null = null;
const jsonc = (): typeof import("jsonc-parser") => (jsoncModule ??= createRequire(import.meta.url)("jsonc-parser") as typeof import("jsonc-parser"));

export interface SourceMap {
  /** Location of the value at `pointer`, or of its nearest existing ancestor. */
  locate(pointer: string, prefer?: "key" | "value"): { line: number; column: number };
  /** Line and column (1-based) of a character offset. */
  position(offset: number): { line: number; column: number };
  /** The source text, for code frames. */
  readonly text: string;
}

export interface Loaded {
  value: unknown;
  source: SourceMap;
  diagnostics: Diagnostic[];
}

/**
 * Positions are computed only when a diagnostic needs one: the line index on the first
 * position(), the syntax tree (the heavy part: a node per value) on the first locate().
 */
export function createSourceMap(text: string, tree: () => Node | undefined): SourceMap {
  let starts: number[] | null = null;
  let root: Node | undefined | null = null;
  const lines = (): number[] => (starts ??= lineStarts(text));
  const position = (offset: number) => {
    const starts = lines();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  };
  return {
    text,
    position,
    locate(pointer, prefer = "value") {
      if (root === null) root = tree();
      if (!root) return { line: 1, column: 1 };
      const path: (string | number)[] = [];
      let node: Node | undefined = root;
      let best = root;
      for (const token of parsePointer(pointer)) {
        const step: string | number = node?.type === "array" && /^\d+$/.test(token) ? Number(token) : token;
        path.push(step);
        node = jsonc().findNodeAtLocation(root, path);
        if (!node) break;
        best = node;
      }
      // A property's key is a better anchor for "this key is wrong" than its value.
      if (node && prefer === "key" && node.parent?.type === "property" && node.parent.children?.[0]) {
        return position(node.parent.children[0].offset);
      }
      return position(best.offset);
    },
  };
}

const MAX_DEPTH = 512;

/** The offset where nesting first exceeds MAX_DEPTH (-1 if never): checked before any recursive parser runs. */
function nestingDepth(text: string): { offset: number } {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > MAX_DEPTH) return { offset: i };
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return { offset: -1 };
}

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * How many object keys valid JSON text spells out. Outside strings valid JSON has no `"`, so
 * the string tokens are found by jumping from quote to quote, and a key is a string followed by
 * `:`. Only for text that JSON.parse accepted.
 */
export function keysInText(text: string): number {
  let keys = 0;
  let open = text.indexOf('"');
  while (open !== -1) {
    let close = open;
    for (;;) {
      close = text.indexOf('"', close + 1);
      if (close === -1) return keys; // not reached for valid JSON
      let backslashes = 0;
      while (text.charCodeAt(close - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) break;
    }
    let next = close + 1;
    while (isJsonSpace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === 58 /* : */) keys++;
    open = text.indexOf('"', next);
  }
  return keys;
}

/** How many keys a parsed JSON value has, all objects counted (its depth was checked before). */
export function keysInValue(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) keys += keysInValue(item);
    return keys;
  }
  // Own keys only: an enumerable property someone added to Object.prototype is not in the text.
  for (const key of Object.keys(value)) {
    keys++;
    keys += keysInValue((value as Record<string, unknown>)[key]);
  }
  return keys;
}

/**
 * Duplicate keys: KrakenD's Go parser silently keeps the last one. A parsed value has fewer keys
 * than its text spells out exactly when some are duplicated; only then is the text walked again
 * (streaming, no tree) to say where.
 */
function duplicateKeys(text: string, value: unknown): { pointer: string; offset: number }[] {
  if (keysInText(text) === keysInValue(value)) return [];
  const found: { pointer: string; offset: number }[] = [];
  const open: Set<string>[] = [];
  jsonc().visit(
    text,
    {
      onObjectBegin: () => {
        open.push(new Set());
      },
      onObjectEnd: () => {
        open.pop();
      },
      onObjectProperty: (property, offset, _length, _line, _column, pathSupplier) => {
        const keys = open[open.length - 1];
        if (!keys) return;
        if (keys.has(property)) found.push({ pointer: joinPointer("", ...pathSupplier(), property), offset });
        keys.add(property);
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return found;
}

export function load(text: string, file: string): Loaded {
  const diagnostics: Diagnostic[] = [];
  // A UTF-8 BOM is not part of the document (Go's parser would refuse it; editors add it).
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const depth = nestingDepth(body);
  if (depth.offset >= 0) {
    const source = createSourceMap(body, () => undefined);
    diagnostics.push(diagnosticAt(Diagnostics.AG001({ cause: "depth", maxDepth: MAX_DEPTH }), file, source.position(depth.offset), ""));
    return { value: undefined, source, diagnostics };
  }
  const parseOptions = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };
  const source = createSourceMap(body, () => jsonc().parseTree(body, [], parseOptions));
  // The fast path: JSON.parse gives plain data (`__proto__` an ordinary own key, the last
  // duplicate winning, as in Go). Only when it fails does the tolerant parser say where and why.
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    const { parseTree, printParseErrorCode } = jsonc();
    const errors: ParseError[] = [];
    parseTree(body, errors, parseOptions);
    const reported = new Set<number>();
    for (const err of errors) {
      // jsonc-parser can report one mistake twice at one offset (a trailing comma in an object).
      if (reported.has(err.offset)) continue;
      reported.add(err.offset);
      const finding = Diagnostics.AG001({ cause: "syntax", parseError: printParseErrorCode(err.error) });
      diagnostics.push(diagnosticAt(finding, file, source.position(err.offset), ""));
    }
    if (diagnostics.length === 0) {
      diagnostics.push(diagnosticAt(Diagnostics.AG001({ cause: "unknown" }), file, { line: 1, column: 1 }, ""));
    }
    return { value: undefined, source, diagnostics };
  }
  for (const d of duplicateKeys(body, value)) {
    diagnostics.push(diagnosticAt(Diagnostics.AG002(), file, source.position(d.offset), d.pointer));
  }
  return { value, source, diagnostics };
}
