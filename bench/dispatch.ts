/**
 * Route dispatch + param extraction over 1,000 routes, in-process: the generated dispatch tree
 * (`matchRequest`: split, percent-decode, walk the tree, pick the method; params at positions
 * fixed at generation time) against find-my-way (Fastify's router) on the same routes and
 * paths. Prints median lookups/s of several runs and the ratio.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import FindMyWay from "find-my-way";
import { syntheticConfig } from "./configs.js";
import { median, writeGenerated } from "./support.js";

const OUT = "bench/.out/dispatch-generated";
const RUNS = Number(process.env["BENCH_DISPATCH_RUNS"] ?? 7);
const LOOKUPS = 200_000;

interface Match {
  route: { params: readonly { name: string; segment: number }[] };
  segments: readonly string[];
}
interface Generated {
  routes: readonly { method: string; path: string; params: readonly { name: string; segment: number }[] }[];
  matchRequest(method: string, target: string): Match | { status: number };
}

export interface DispatchFigures {
  routes: number;
  generatedPerSecond: number;
  findMyWayPerSecond: number;
  ratio: number;
}

export async function benchDispatch(): Promise<DispatchFigures> {
  await writeGenerated(syntheticConfig(1000), OUT);
  const mod = (await import(pathToFileURL(resolve(OUT, "index.ts")).href)) as Generated;
  const router = FindMyWay();
  for (const route of mod.routes) {
    router.on(route.method as "GET", route.path.replace(/\{([^}]+)\}/g, ":$1"), () => undefined);
  }
  // Request paths: every route once, params filled in, in a shuffled but fixed order.
  const requests = mod.routes.map((r, i) => ({ method: r.method, path: r.path.replace(/\{[^}]+\}/g, (_m) => `v${i}`) }));
  requests.sort((a, b) => ((a.path.length * 31 + a.method.length) % 7) - ((b.path.length * 31 + b.method.length) % 7));

  let sink = 0;
  const generated = (): void => {
    for (let i = 0; i < LOOKUPS; i++) {
      const r = requests[i % requests.length] as (typeof requests)[number];
      const m = mod.matchRequest(r.method, r.path);
      if ("route" in m) {
        const params: Record<string, string> = {};
        for (const p of m.route.params) params[p.name] = m.segments[p.segment] ?? "";
        sink += Object.keys(params).length;
      }
    }
  };
  const fmw = (): void => {
    for (let i = 0; i < LOOKUPS; i++) {
      const r = requests[i % requests.length] as (typeof requests)[number];
      const found = router.find(r.method as "GET", r.path);
      if (found) sink += Object.keys(found.params).length;
    }
  };
  const time = (fn: () => void) => {
    const t = process.hrtime.bigint();
    fn();
    return LOOKUPS / (Number(process.hrtime.bigint() - t) / 1e9);
  };
  for (let i = 0; i < 3; i++) {
    generated();
    fmw();
  } // warm-up (JIT)
  const g: number[] = [];
  const f: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    g.push(time(generated));
    f.push(time(fmw));
  }
  if (sink === 0) throw new Error("no route matched");
  const generatedPerSecond = median(g);
  const findMyWayPerSecond = median(f);
  return { routes: mod.routes.length, generatedPerSecond, findMyWayPerSecond, ratio: generatedPerSecond / findMyWayPerSecond };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const d = await benchDispatch();
  console.log(`dispatch + params over ${d.routes} routes, median of ${RUNS} runs of ${LOOKUPS} lookups`);
  console.log(
    `generated: ${(d.generatedPerSecond / 1e6).toFixed(2)} M/s; find-my-way: ${(d.findMyWayPerSecond / 1e6).toFixed(2)} M/s; ratio ${d.ratio.toFixed(2)}×`,
  );
}
