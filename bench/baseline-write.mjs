// The baseline for CLI generation: a Node script that only reads the config and writes the
// given bytes to the same number of files (no parsing, no validation, no templates).
// Usage: node baseline-write.mjs <config> <manifest.json> <outDir>
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [config, manifest, out] = process.argv.slice(2);
readFileSync(config, "utf8");
const files = JSON.parse(readFileSync(manifest, "utf8"));
for (const file of files) {
  const target = join(out, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
}
