/**
 * Diagnostics are data: every phase returns them, one formatter renders them.
 * Codes are stable (catalogue.ts, and the README table made from it) so CI annotations and tests
 * can rely on them.
 */
import type { Finding, Severity } from "./catalogue.js";

export type { Severity } from "./catalogue.js";

export interface Diagnostic {
  /**
   * Stable identifier, e.g. `AG201`: one of catalogue.ts's codes. Typed as a string so that
   * API users can compare it with any text.
   */
  code: string;
  severity: Severity;
  /** What is wrong, in one sentence. */
  message: string;
  /** The config file as the user named it (never made absolute). */
  file: string;
  /** 1-based line and column of the offending value or key. */
  line: number;
  column: number;
  /** RFC 6901 pointer into the config. */
  pointer: string;
  /** How to fix it. */
  hint?: string;
}

/** A finding (catalogue.ts) placed in the config. */
export function diagnosticAt(finding: Finding, file: string, position: { line: number; column: number }, pointer: string): Diagnostic {
  const { code, severity, message, hint } = finding;
  return { code, severity, message, file, line: position.line, column: position.column, pointer, hint };
}

/** Sort by position, then severity, then code: the order a user reads the file in. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      rank[a.severity] - rank[b.severity] ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === "error");
}

/** RFC 6901 escaping of one reference token. */
export function pointerToken(token: string | number): string {
  const text = String(token);
  // Most tokens (keys, indexes) have nothing to escape.
  return text.includes("~") || text.includes("/") ? text.replace(/~/g, "~0").replace(/\//g, "~1") : text;
}

export function joinPointer(base: string, ...tokens: (string | number)[]): string {
  let pointer = base;
  for (const token of tokens) pointer += "/" + pointerToken(token);
  return pointer;
}

export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}
