/** The shape of the analyser's rules (analyse.ts), shared with the rule tables kept beside it (jwt.ts, cors.ts...). */
import type { DiagnosticCode, Finding } from "../diagnostics/catalogue.js";
import { isCommentKey } from "./namespaces.js";

/** Which part of a `"key": value` pair a diagnostic points at. */
export type Prefer = "key" | "value";

/** How a rule reports: a finding, and the pointer it is about. */
export type Report = (pointer: string, finding: Finding, prefer?: Prefer) => void;

export interface Rule<Context> {
  /** What it checks, as a reader would list it; the spec item when there is one. */
  readonly name: string;
  /** Every code it can report. */
  readonly codes: readonly DiagnosticCode[];
  /** The rules after it in its table assume it passed: an error so far stops the table. */
  readonly gate?: true;
  readonly check: (ctx: Context, report: Report) => void;
}

/** The fields of a namespace's block that `read` does not name, comment keys aside: the ones its rules report. */
export function fieldsNotRead(block: object, read: readonly string[]): string[] {
  return Object.keys(block).filter((field) => !isCommentKey(field) && !read.includes(field));
}
