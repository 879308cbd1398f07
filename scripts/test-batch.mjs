// Runs several uvu test files in one process, one suite after another, as uvu's own CLI does:
// scripts/test.mjs uses it for small broker-free files, whose run is mostly the start-up of
// Node, tsx and the generator (about 0.6 s of CPU each), paid once here instead of per file.
//
//   node --import tsx scripts/test-batch.mjs test/a.test.ts test/b.test.ts
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

globalThis.UVU_DEFER = 1;
const uvu = await import("uvu");
let index = 0;
for (const file of process.argv.slice(2)) {
  globalThis.UVU_INDEX = index++;
  globalThis.UVU_QUEUE.push([file]);
  await import(pathToFileURL(resolve(file)).href);
}
await uvu.exec();
