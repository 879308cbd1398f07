/**
 * One formatter for every diagnostic: `file:line:col severity CODE message`, a code frame, the
 * pointer and the fix; and the report of a run, where a code that comes many times is shown in
 * full only for its first few.
 *
 * A report costs the text once plus its diagnostics: the config's lines are indexed once
 * (SourceLines), and each frame reads only the lines it shows.
 */
import type { BabelCodeFrameOptions, SourceLocation } from "@babel/code-frame";
import { lineStarts } from "../pipeline/text.js";
import { CATALOGUE, type DiagnosticCode } from "./catalogue.js";
import type { Diagnostic, Severity } from "./diagnostics.js";

/** babel's codeFrameColumns, with `startLine` (the number of the text's first line), which @types/babel__code-frame lacks. */
type CodeFrame = (rawLines: string, location: SourceLocation, options: BabelCodeFrameOptions & { startLine?: number }) => string;

/** Code frames come from @babel/code-frame, loaded only when there is a diagnostic to show. */
let codeFrameColumns: CodeFrame | null = null;

export async function loadCodeFrames(): Promise<void> {
  codeFrameColumns ??= (await import("@babel/code-frame")).codeFrameColumns;
}

/** How many diagnostics of one code are shown in full (frame, pointer, fix); the others get their first line only. */
export const FULL_DIAGNOSTICS_PER_CODE = 3;

/** Lines shown above and below the diagnostic's line in a code frame. */
const FRAME_CONTEXT_LINES = 1;

/**
 * A config text and where each of its lines starts, indexed once per text. Lines end at LF, CRLF
 * or a lone CR: as the loader counts them for positions, and as code frames split them.
 */
export class SourceLines {
  private readonly starts: readonly number[];

  constructor(
    /** The file the text is, as diagnostics name it: frames are shown for its diagnostics only. */
    readonly file: string,
    /** Private: frames read the text only through lines(), so each costs the lines it shows. */
    private readonly text: string,
  ) {
    this.starts = lineStarts(text);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Lines `first` to `last` (1-based, both included), without the last one's line break. */
  lines(first: number, last: number): string {
    return this.text.slice(this.starts[first - 1] ?? this.text.length, this.lineEnd(last));
  }

  /** Where line `line` ends, before its line break (the last line has none). */
  private lineEnd(line: number): number {
    const next = this.starts[line];
    if (next === undefined) return this.text.length;
    return this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13 ? next - 2 : next - 1;
  }
}

export interface FormatOptions {
  color: boolean;
  /** The config text, for code frames. */
  source?: SourceLines;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
const TONE: Record<Severity, string> = { error: "31", warning: "33", info: "36" };

/**
 * Diagnostic text quotes the config, which may hold control characters: an escape sequence in a
 * key must not reach whoever reads the terminal or the CI log. C0/C1 controls, DEL, line
 * separators and bidi overrides are shown as \u escapes.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** terminalSafe's characters but tab and line breaks, which a frame shows as "?": one column each, as in the config. */
const UNSAFE_IN_FRAME = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `file:line:col severity CODE message`: a diagnostic's first line, and all of it in a long report. */
function headLine(d: Diagnostic, color: boolean): string {
  return `${paint(color, "1", `${d.file}:${d.line}:${d.column}`)} ${paint(color, TONE[d.severity], d.severity)} ${paint(color, "2", d.code)} ${terminalSafe(d.message)}`;
}

/** The lines around the diagnostic's, and only those, framed; null when the text is not its file's. */
function codeFrame(d: Diagnostic, source: SourceLines, color: boolean): string | null {
  if (!codeFrameColumns || d.file !== source.file || d.line < 1 || d.line > source.lineCount) return null;
  const first = Math.max(1, d.line - FRAME_CONTEXT_LINES);
  const last = Math.min(source.lineCount, d.line + FRAME_CONTEXT_LINES);
  const shown = source.lines(first, last).replace(UNSAFE_IN_FRAME, "?");
  return codeFrameColumns(
    shown,
    { start: { line: d.line, column: d.column } },
    { highlightCode: color, linesAbove: FRAME_CONTEXT_LINES, linesBelow: FRAME_CONTEXT_LINES, startLine: first },
  );
}

export function formatDiagnostic(d: Diagnostic, options: FormatOptions): string {
  const lines = [headLine(d, options.color)];
  const frame = options.source ? codeFrame(d, options.source, options.color) : null;
  if (frame !== null) lines.push(frame.replace(/^/gm, "  "));
  lines.push(`  at ${d.pointer === "" ? "(document root)" : terminalSafe(d.pointer)}`);
  if (d.hint) lines.push(`  ${paint(options.color, "32", "fix:")} ${terminalSafe(d.hint)}`);
  return lines.join("\n");
}

/**
 * The diagnostics in their order, one paragraph each for the first FULL_DIAGNOSTICS_PER_CODE of
 * a code, one line each after that; then, when any were shortened, the count by code.
 */
export function formatReport(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const byCode = new Map<string, { first: Diagnostic; count: number }>();
  const paragraphs: string[] = [];
  let shortened: string[] = [];
  for (const d of diagnostics) {
    const group = byCode.get(d.code) ?? { first: d, count: 0 };
    group.count++;
    byCode.set(d.code, group);
    if (group.count > FULL_DIAGNOSTICS_PER_CODE) {
      shortened.push(headLine(d, options.color));
      continue;
    }
    if (shortened.length > 0) paragraphs.push(shortened.join("\n"));
    shortened = [];
    paragraphs.push(formatDiagnostic(d, options));
  }
  if (shortened.length > 0) paragraphs.push(shortened.join("\n"));
  const groups = [...byCode.values()];
  if (groups.some((g) => g.count > FULL_DIAGNOSTICS_PER_CODE)) paragraphs.push(countByCode(groups, options.color));
  return paragraphs.join("\n\n");
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** `AG230 ×1333 warning: <the catalogue's title>`, errors first, then by code. */
function countByCode(groups: readonly { first: Diagnostic; count: number }[], color: boolean): string {
  const sorted = [...groups].sort(
    (a, b) => SEVERITY_RANK[a.first.severity] - SEVERITY_RANK[b.first.severity] || (a.first.code < b.first.code ? -1 : a.first.code > b.first.code ? 1 : 0),
  );
  const lines = sorted.map(({ first, count }) => {
    // The title is Markdown for the README: its backticks are left out here.
    const what = Object.hasOwn(CATALOGUE, first.code) ? CATALOGUE[first.code as DiagnosticCode].title.replace(/`/g, "") : terminalSafe(first.message);
    return `  ${paint(color, "2", first.code)} ×${count} ${paint(color, TONE[first.severity], first.severity)}: ${what}`;
  });
  return [`by code (the first ${FULL_DIAGNOSTICS_PER_CODE} of each in full, the others on one line):`, ...lines].join("\n");
}

export function summary(list: readonly Diagnostic[]): string {
  const count = (s: Diagnostic["severity"]) => list.filter((d) => d.severity === s).length;
  const parts = [`${count("error")} error(s)`, `${count("warning")} warning(s)`];
  const infos = count("info");
  if (infos > 0) parts.push(`${infos} note(s)`);
  return parts.join(", ");
}
