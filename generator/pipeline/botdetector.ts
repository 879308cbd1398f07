/**
 * `security/bot-detector` (service and endpoint): the rules that check it and the settings the
 * generated route checks User-Agents with (templates/runtime/botdetector.ts). KrakenD reads its
 * `patterns` as Go (RE2) regular expressions; they are translated to JavaScript here where they
 * mean the same, and refused where they do not, or where a backtracking engine could take
 * exponential time on a hostile User-Agent (RE2 runs in linear time; JavaScript does not).
 */
import { Diagnostics, type PatternProblem } from "../diagnostics/catalogue.js";
import { joinPointer } from "../diagnostics/diagnostics.js";
import type { BotDetectorSettings } from "../../templates/runtime/types.js";
import type { BotDetector } from "../generated/producer-config.js";
import { fieldsNotRead, type Rule } from "./rules.js";
import { closest } from "./text.js";
import { spellingsOf } from "./namespaces.js";

export const BOT_DETECTOR_NAMESPACES = spellingsOf("security/bot-detector");

export type BotDetectorBlock = BotDetector;

export interface BotDetectorContext {
  readonly pointer: string;
  readonly block: BotDetectorBlock;
}

const CARRIED_OUT = ["allow", "deny", "patterns", "empty_user_agent_is_bot", "cache_size"];
/** KrakenD's default `cache_size` is 0: no cache. */
const DEFAULT_CACHE_SIZE = 0;

/**
 * A Go RE2 pattern as a JavaScript one: a leading `(?flags)` group of `i`, `m`, `s` becomes flags,
 * `(?P<name>` becomes `(?<name>`. Anything RE2 reads otherwise is a problem, as is a quantified
 * group that itself holds a quantifier (`(a+)+`): exponential backtracking on a crafted input.
 */
export function translatePattern(re2: string): { readonly source: string; readonly flags: string } | { readonly problem: PatternProblem } {
  let source = re2;
  let flags = "";
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(source);
  if (leading) {
    const wanted = leading[1] ?? "";
    if (!/^[ims]+$/.test(wanted)) return { problem: "flag" };
    flags = [...new Set(wanted)].sort().join("");
    source = source.slice(leading[0].length);
  }
  source = source.replace(/\(\?P</g, "(?<");
  if (/\(\?[a-zA-Z-]+[:)]/.test(source)) return { problem: "flag" };
  if (/\[:\^?[a-z]+:\]/.test(source)) return { problem: "posix-class" };
  if (/\\[pP]/.test(source)) return { problem: "unicode-class" };
  if (/\\[zACQEx]|\\[1-9]/.test(source)) return { problem: "escape" };
  if (mayBacktrack(source)) return { problem: "backtracking" };
  try {
    new RegExp(source, flags);
  } catch {
    return { problem: "syntax" };
  }
  return { source, flags };
}

/**
 * Whether a repeated group holds, at any depth, a quantifier or an alternation: the shapes (`(a+)+`,
 * `((a+))+`, `(a|aa)+`, `(?:\w|\d)+`) on which a backtracking engine can take exponential time.
 * Stricter than needed (`(bot|crawler)+` is refused too), never looser.
 */
export function mayBacktrack(source: string): boolean {
  /** For each open group: whether it holds a quantifier or an alternation so far. */
  const open: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") open.push(false);
    else if (c === "|" || c === "*" || c === "+" || c === "?" || c === "{") {
      // `(?` opens a group kind, not a quantifier.
      if (c === "?" && source[i - 1] === "(") continue;
      if (open.length > 0) open[open.length - 1] = true;
    } else if (c === ")") {
      const risky = open.pop() ?? false;
      const next = source[i + 1];
      if (risky && (next === "*" || next === "+" || next === "{")) return true;
      if (risky && open.length > 0) open[open.length - 1] = true;
    }
  }
  return false;
}

export const BOT_DETECTOR_RULES: readonly Rule<BotDetectorContext>[] = [
  {
    name: "every pattern means in JavaScript what it means in Go, in linear time",
    codes: ["AG245"],
    check(ctx, report) {
      (ctx.block.patterns ?? []).forEach((pattern, index) => {
        const translated = translatePattern(pattern);
        if ("problem" in translated) report(joinPointer(ctx.pointer, "patterns", index), Diagnostics.AG245({ pattern, problem: translated.problem }));
      });
    },
  },
  {
    name: "every field is carried out",
    codes: ["AG246"],
    check(ctx, report) {
      for (const field of fieldsNotRead(ctx.block, CARRIED_OUT)) {
        report(joinPointer(ctx.pointer, field), Diagnostics.AG246({ field, suggestion: closest(field, CARRIED_OUT) }), "key");
      }
    },
  },
];

/** The settings a route checks User-Agents with, once the rules passed. */
export function botDetectorSettings(block: BotDetectorBlock): BotDetectorSettings {
  const patterns: [string, string][] = [];
  for (const pattern of block.patterns ?? []) {
    const translated = translatePattern(pattern);
    if ("source" in translated) patterns.push([translated.source, translated.flags]);
  }
  return {
    allow: block.allow ?? [],
    deny: block.deny ?? [],
    patterns,
    emptyIsBot: block.empty_user_agent_is_bot === true,
    cacheSize: block.cache_size ?? DEFAULT_CACHE_SIZE,
  };
}
