/**
 * Phase 4: plan. Names and files for every route, independent of the order of endpoints in
 * the config: a name shared by two routes gets a short hash of `METHOD path` on all of them,
 * never a counter by arrival order. File names are lower-case (safe on case-insensitive file
 * systems) and made only of [a-z0-9-].
 */
import { createHash } from "node:crypto";
import type { ProgramIR, RouteIR } from "./ir.js";

export interface RoutePlan {
  route: RouteIR;
  /** camelCase, e.g. `postProduceRoute`: the route constant. */
  id: string;
  /** PascalCase, e.g. `PostProduceRoute`: prefix of the route's types. */
  typeName: string;
  /** Relative to the output folder, e.g. `routes/post-produce-route.ts`. */
  file: string;
  /** Module specifier from `index.ts`, e.g. `./routes/post-produce-route.js`. */
  module: string;
  /** Body module (validator and type), when the endpoint validates its body. */
  bodyFile: string | null;
}

const MAX_WORDS_LENGTH = 60;

function words(route: RouteIR): string[] {
  const parts = [route.method.toLowerCase()];
  for (const segment of route.segments) {
    const text = segment.kind === "static" ? segment.value : segment.name;
    for (const word of text.split(/[^A-Za-z0-9]+/)) if (word) parts.push(word);
  }
  if (parts.length === 1) parts.push("root");
  return parts;
}

function shortHash(route: RouteIR, length: number): string {
  return createHash("sha256").update(`${route.method} ${route.path}`).digest("hex").slice(0, length);
}

/** `produce` → `Produce`; a part starting with a digit gets `_` so that `a-1` and `a1` stay apart. */
function capitalise(word: string): string {
  return /^[0-9]/.test(word) ? `_${word}` : word.charAt(0).toUpperCase() + word.slice(1);
}

export function plan(program: ProgramIR): RoutePlan[] {
  const bases = program.routes.map((route) => {
    const w = words(route);
    let kebab = w.map((x) => x.toLowerCase()).join("-");
    let trimmed = false;
    if (kebab.length > MAX_WORDS_LENGTH) {
      kebab = kebab.slice(0, MAX_WORDS_LENGTH).replace(/-+$/, "");
      trimmed = true;
    }
    return { route, w, kebab, trimmed };
  });
  const count = new Map<string, number>();
  for (const b of bases) count.set(b.kebab, (count.get(b.kebab) ?? 0) + 1);

  // A hashed name could still equal another route's plain name (`GET /x/<hash>`): lengthen the
  // hash of the routes involved until every name is unique. Decided on the whole set, so the
  // outcome does not depend on endpoint order.
  let hashLength = 6;
  let names: string[] = [];
  for (;;) {
    names = bases.map(({ route, kebab, trimmed }) => ((count.get(kebab) ?? 0) > 1 || trimmed ? `${kebab}-${shortHash(route, hashLength)}` : kebab));
    if (new Set(names).size === names.length || hashLength >= 64) break;
    hashLength += 2;
  }
  return bases.map(({ route }, index) => {
    const unique = names[index] as string;
    const parts = unique.split("-");
    const typeName = parts.map(capitalise).join("");
    const id = typeName.charAt(0).toLowerCase() + typeName.slice(1);
    const file = `routes/${unique}.ts`;
    return {
      route,
      id,
      typeName,
      file,
      module: `./routes/${unique}.js`,
      bodyFile: route.bodySchema ? `routes/${unique}.body.ts` : null,
    };
  });
}
