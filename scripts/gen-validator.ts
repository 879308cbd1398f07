// Generates generator/generated/krakend-validator.js: the JSON Schema validator of krakend.json, compiled
// ahead of time by Ajv (standalone code), so the CLI neither loads Ajv's compiler nor compiles
// the schema at every start. `npm run gen:types` writes it; test/schema.test.ts checks it has not
// drifted from schema/.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import standalone from "ajv/dist/standalone/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const requireHere = createRequire(import.meta.url);
export const VALIDATOR_FILE = resolve(root, "generator/generated/krakend-validator.js");

const BANNER = "// Code generated from schema/ by `npm run gen:types` (Ajv standalone). DO NOT EDIT.\n";

export function renderValidator(): string {
  const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true, esm: true } });
  ajv.addSchema(JSON.parse(readFileSync(resolve(root, "schema/amqp-producer.schema.json"), "utf8")) as object);
  const validate = ajv.compile(JSON.parse(readFileSync(resolve(root, "schema/krakend.schema.json"), "utf8")) as object);
  type ToCode = (ajv: Ajv, validate: unknown) => string;
  const mod = standalone as unknown as ToCode & { default?: ToCode };
  const toCode: ToCode = mod.default ?? mod;
  let code: string = toCode(ajv, validate);
  // Ajv's ESM output still require()s its runtime helpers. Each is a small self-contained
  // function: embed Ajv's own source of it, so that the validator imports nothing (importing a
  // CommonJS helper through Node's ESM wrapper cost ~10 ms at every start).
  const helpers = new Map<string, string>();
  code = code.replace(/require\("ajv\/dist\/runtime\/([a-z0-9]+)"\)\.default/gi, (_m: string, name: string) => {
    const local = `runtime_${name}`;
    if (!helpers.has(local)) {
      const helper = (requireHere(`ajv/dist/runtime/${name}`) as { default: (...args: never[]) => unknown }).default;
      const source = helper.toString();
      if (/\brequire\(|\bimport\b/.test(source)) throw new Error(`Ajv's runtime helper ${name} is not self-contained`);
      helpers.set(local, `// Ajv's runtime helper ${name} (ajv/dist/runtime/${name}.js, MIT).\nconst ${local} = ${source};`);
    }
    return local;
  });
  if (/require\(/.test(code)) throw new Error("the standalone validator still calls require()");
  return `${BANNER}${[...helpers.values()].join("\n")}\n${code.replace(/^"use strict";/, "")}\n`;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(VALIDATOR_FILE, renderValidator());
  console.log(`wrote ${VALIDATOR_FILE}`);
}
