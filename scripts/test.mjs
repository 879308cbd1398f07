// Runs every test/*.test.ts file with uvu under tsx, then prints one closing line
// `N passed, N failed, N skipped` computed from uvu's own totals.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const filter = process.argv[2];
const files = readdirSync("test")
  .filter((f) => f.endsWith(".test.ts") && (!filter || f.includes(filter)))
  .sort();
let passed = 0,
  failed = 0,
  skipped = 0;
for (const file of files) {
  const res = spawnSync(process.execPath, ["--import", "tsx", `test/${file}`], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: process.env,
  });
  process.stdout.write(res.stdout);
  const total = /Total:\s+(\d+)/.exec(res.stdout);
  const ok = /Passed:\s+(\d+)/.exec(res.stdout);
  const skip = /Skipped:\s+(\d+)/.exec(res.stdout);
  if (!total || !ok) {
    failed++;
    console.log(`\n${file}: no uvu summary (exit ${res.status ?? res.signal}); counted as one failure`);
    continue;
  }
  const t = Number(total[1]),
    p = Number(ok[1]),
    s = skip ? Number(skip[1]) : 0;
  passed += p;
  skipped += s;
  failed += t - p;
  if (res.status !== 0 && t === p) {
    failed++;
    console.log(`\n${file}: exited ${res.status} after passing; counted as one failure`);
  }
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
