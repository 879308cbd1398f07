/**
 * The shape of the code, held: no import cycles in the generator or the runtime (type-only ones
 * included: a shared type lives where both sides import it), and the broker link's modules each
 * small enough to read whole.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { REPO_ROOT } from "./helpers/golden.js";

/** Every .ts file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
}

/** The import graph of `files`: each file's relative imports (`./x.js` → x.ts), type-only ones included. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)\.js";/gms)]
      .map((m) => resolve(dirname(file), `${m[1]}.ts`))
      .filter((target) => known.has(target));
    graph.set(file, targets);
  }
  return graph;
}

/** The cycles of a graph, each as the files around it (relative to the repository). */
function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...path.slice(path.indexOf(next)), next].map((f) => relative(REPO_ROOT, f)).join(" → "));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

test("no import cycle in the generator or the runtime, type-only imports included", () => {
  const graph = importGraph([...sources("generator"), ...sources("templates/runtime")]);
  assert.ok(graph.size > 40, "the sources were found");
  assert.equal(cycles(graph), []);
});

test("the cycle check finds a cycle when there is one", () => {
  const a = join(REPO_ROOT, "a.ts");
  const b = join(REPO_ROOT, "b.ts");
  assert.equal(
    cycles(
      new Map([
        [a, [b]],
        [b, [a]],
      ]),
    ),
    ["a.ts → b.ts → a.ts"],
  );
});

test("the broker link's modules are each at most about 300 lines", () => {
  const link = ["publisher", "connection", "socket", "topology", "confirms", "watchdog", "replies"];
  const lines = link.map((name) => [name, readFileSync(join(REPO_ROOT, "templates/runtime", `${name}.ts`), "utf8").split("\n").length] as const);
  for (const [name, count] of lines) assert.ok(count <= 310, `runtime/${name}.ts has ${count} lines`);
});

test.run();
