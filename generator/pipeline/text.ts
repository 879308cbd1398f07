/** Small text helpers shared by the analyser, the planner and the CLI. */

/**
 * Where each line of a text starts (offsets, the first 0). Lines end at LF, CRLF or a lone CR: the
 * one rule for the loader's positions and the report's code frames.
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest candidate: an exact case-insensitive match first, then edit distance ≤ 2. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of [...candidates].sort()) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Quote a value from the config for a message: JSON string syntax, shortened. */
export function quote(value: string, max = 60): string {
  const shown = value.length > max ? value.slice(0, max) + "…" : value;
  return JSON.stringify(shown);
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds; undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  if (text === "0") return 0;
  const re = /([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let sign = 1;
  let body = text;
  if (body.startsWith("-") || body.startsWith("+")) {
    sign = body.startsWith("-") ? -1 : 1;
    body = body.slice(1);
  }
  if (body === "") return undefined;
  // Sticky: each match starts where the last one ended, so `consumed` tells whether all was read.
  for (const match of body.matchAll(re)) {
    total += Number(match[1]) * (UNITS[match[2] ?? ""] ?? NaN);
    consumed = (match.index ?? 0) + match[0].length;
  }
  if (consumed !== body.length || !Number.isFinite(total)) return undefined;
  return sign * total;
}

/** KrakenD exposes `{route}` to the producer as `Route`: the first character only, upper-cased. */
export function krakendParamKey(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The runtime's: headers are named the same at generation time and per request. */
export { canonicalHeader } from "../../templates/runtime/checks.js";
