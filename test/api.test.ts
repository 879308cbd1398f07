/**
 * The programmatic API as a user's code imports it: `import { generate } from "amqp-gen"`
 * (the package's own export, the built dist/), pure: files and diagnostics, nothing written.
 */
import { readdirSync, readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generate, type Diagnostic, type GeneratedFile, type GenerateResult } from "amqp-gen";

test("generate() from the package: files and diagnostics, nothing written, input untouched", async () => {
  const before = readdirSync(".").sort();
  const config = JSON.parse(readFileSync("fixtures/doc-param-mapping/krakend.json", "utf8")) as object;
  const copy = structuredClone(config);
  const result: GenerateResult = await generate(config, { file: "krakend.json" });
  const files: GeneratedFile[] = result.files;
  assert.ok(files.some((f) => f.path === "index.ts"));
  assert.ok(files.some((f) => f.path === "runtime/publisher.ts"));
  assert.equal(
    files.map((f) => f.path),
    [...files.map((f) => f.path)].sort(),
    "files are sorted by path",
  );
  // Its one finding: KrakenD's page sets a priority on a queue that is not a priority queue.
  assert.equal(
    result.diagnostics.map((d) => d.code),
    ["AG230"],
  );
  assert.equal(config, copy, "the input object is not mutated");
  assert.equal(readdirSync(".").sort(), before, "nothing was written");
});

test("generate() reports every problem as data, with positions and a fix", async () => {
  const text = readFileSync("fixtures/error-prio-capitalisation/krakend.json", "utf8");
  const { files, diagnostics } = await generate(text, { file: "krakend.json" });
  assert.equal(files, []);
  const d: Diagnostic | undefined = diagnostics.find((x) => x.code === "AG201");
  assert.ok(d);
  assert.equal([d.severity, d.line, d.column, d.pointer], ["error", 18, 31, "/endpoints/0/backend/0/extra_config/backend~1amqp~1producer/priority_key"]);
  assert.match(d.hint ?? "", 'Did you mean "Prio"?');
});

test.run();
