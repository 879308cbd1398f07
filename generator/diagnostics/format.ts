/** One formatter for every diagnostic: `file:line:col severity CODE message`, a code frame, the pointer and the fix. */
type CodeFrame = typeof import("@babel/code-frame").codeFrameColumns;

/** Code frames come from @babel/code-frame, loaded only when there is a diagnostic to show. */
let codeFrameColumns: CodeFrame | null = null;

export async function loadCodeFrames(): Promise<void> {
  codeFrameColumns ??= (await import("@babel/code-frame")).codeFrameColumns;
}
import type { Diagnostic } from "./diagnostics.js";

export interface FormatOptions {
  color: boolean;
  /** The config text, for code frames. */
  text?: string;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/**
 * Diagnostic text quotes the config, which may hold control characters: an escape sequence in a
 * key must not reach whoever reads the terminal or the CI log. C0/C1 controls, DEL, line
 * separators and bidi overrides are shown as \u escapes.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function formatDiagnostic(d: Diagnostic, options: FormatOptions): string {
  const tone = d.severity === "error" ? "31" : d.severity === "warning" ? "33" : "36";
  const head = `${paint(options.color, "1", `${d.file}:${d.line}:${d.column}`)} ${paint(options.color, tone, d.severity)} ${paint(
    options.color,
    "2",
    d.code,
  )} ${terminalSafe(d.message)}`;
  const lines = [head];
  if (options.text !== undefined && codeFrameColumns) {
    // Control characters in the source (invalid JSON, but there) shown as "?": same columns.
    const shown = options.text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "?");
    const frame = codeFrameColumns(shown, { start: { line: d.line, column: d.column } }, { highlightCode: options.color, linesAbove: 1, linesBelow: 1 });
    lines.push(frame.replace(/^/gm, "  "));
  }
  lines.push(`  at ${d.pointer === "" ? "(document root)" : terminalSafe(d.pointer)}`);
  if (d.hint) lines.push(`  ${paint(options.color, "32", "fix:")} ${terminalSafe(d.hint)}`);
  return lines.join("\n");
}

export function summary(list: readonly Diagnostic[]): string {
  const count = (s: Diagnostic["severity"]) => list.filter((d) => d.severity === s).length;
  const parts = [`${count("error")} error(s)`, `${count("warning")} warning(s)`];
  const infos = count("info");
  if (infos > 0) parts.push(`${infos} note(s)`);
  return parts.join(", ");
}
